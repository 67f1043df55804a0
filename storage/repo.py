"""One facade over the queries of one database session: `repo.officials`, `repo.accounts`, …"""

from functools import cached_property

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
    """Each part made on first use: an update uses two or three of them, and it is made for
    every update."""

    def __init__(self, session: AsyncSession):
        self.session = session

    @cached_property
    def officials(self) -> OfficialRepo:
        return OfficialRepo(self.session)

    @cached_property
    def accounts(self) -> AccountRepo:
        return AccountRepo(self.session)

    @cached_property
    def conversations(self) -> ConversationRepo:
        return ConversationRepo(self.session)

    @cached_property
    def audit(self) -> AuditRepo:
        return AuditRepo(self.session)

    @cached_property
    def questions(self) -> QuestionRepo:
        return QuestionRepo(self.session)

    @cached_property
    def reports(self) -> ReportRepo:
        return ReportRepo(self.session)

    @cached_property
    def deliveries(self) -> DeliveryRepo:
        return DeliveryRepo(self.session)

    @cached_property
    def evaluations(self) -> EvaluationRepo:
        return EvaluationRepo(self.session)

    @cached_property
    def campaigns(self) -> CampaignRepo:
        return CampaignRepo(self.session)

    @cached_property
    def indicators(self) -> IndicatorRepo:
        return IndicatorRepo(self.session)

    @cached_property
    def summaries(self) -> SummaryRepo:
        return SummaryRepo(self.session)

    @cached_property
    def desk(self) -> DeskRepo:
        return DeskRepo(self.session)

    @cached_property
    def registrations(self) -> RegistrationRepo:
        return RegistrationRepo(self.session)

    @cached_property
    def settings(self) -> SettingRepo:
        return SettingRepo(self.session)
