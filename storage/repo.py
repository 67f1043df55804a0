"""One facade over the queries of one database session: `repo.officials`, `repo.accounts`, …"""

from sqlalchemy.ext.asyncio import AsyncSession

from storage.accounts import AccountRepo
from storage.audit import AuditRepo
from storage.campaigns import CampaignRepo
from storage.conversations import ConversationRepo
from storage.deliveries import DeliveryRepo
from storage.desk import DeskRepo
from storage.evaluations import EvaluationRepo
from storage.indicators import IndicatorRepo
from storage.officials import OfficialRepo
from storage.questions import QuestionRepo
from storage.registrations import RegistrationRepo, SettingRepo
from storage.reports import ReportRepo
from storage.summaries import SummaryRepo


class Repo:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.officials = OfficialRepo(session)
        self.accounts = AccountRepo(session)
        self.conversations = ConversationRepo(session)
        self.audit = AuditRepo(session)
        self.questions = QuestionRepo(session)
        self.reports = ReportRepo(session)
        self.deliveries = DeliveryRepo(session)
        self.evaluations = EvaluationRepo(session)
        self.campaigns = CampaignRepo(session)
        self.indicators = IndicatorRepo(session)
        self.summaries = SummaryRepo(session)
        self.desk = DeskRepo(session)
        self.registrations = RegistrationRepo(session)
        self.settings = SettingRepo(session)
