"""Every step of every form, reached the way a user reaches it, for the tests that must cover
them all.

`ROUTES` are the messages an admin types to walk each form to its confirmation, one route per
branch. `walk` follows them through the real conversation and keeps each place passed as a
`Spot` (the stored conversation state there), which `restore` puts back for any user. The
forms come from the router and `walk` checks that the routes reach every step of every form:
a form or a step added later fails here until a route reaches it.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select, text

from bot.channels.console import link_console_user, render
from handlers.types import Choice, Incoming
from knowledge.scoring import Scheme
from knowledge.vocabulary import CourseCategory, Rating
from storage.enums import CampaignKind
from storage.models import (
    Campaign,
    CommuneSetting,
    ConversationState,
    CourseReport,
    Evaluation,
    Official,
    TrainingRegistration,
)

# 10:00 on 25/06/2026 in Hanoi: quarter II's self-evaluation is open (20/06 to 05/07).
NOW = datetime(2026, 6, 25, 3, 0, tzinfo=timezone.utc)
ADMIN = "DEMO001"  # an admin, who may open every form
OFFICIAL = "DEMO010"  # whose report and evaluation the admin reviews
CRITERIA = ["5"] * len(Scheme.default().criteria)

# Form name -> the routes through it: the opening command, then one answer per step.
ROUTES: dict[str, list[list[str]]] = {
    "baocao": [
        # Self-study; a name close to a course ("Có phải khóa …?"), yes; its provider.
        ["/baocao", "1", "an toan mang", "1", "1", "hôm nay", "8", "1"],
        # Political theory; a course not in the catalogue, so its level is asked.
        [
            "/baocao",
            "4",
            "Lớp bồi dưỡng lý luận khóa 12",
            "2",
            "Trường Chính trị tỉnh",
            "01/06/2026",
            "40",
            "1",
        ],
    ],
    "danhgia": [
        # A rating other than the band's needs a reason.
        [
            "/danhgia",
            *CRITERIA,
            "10",
            "10",
            "9",
            "8",  # met the quality required
            "Hoàn thành báo cáo quý",
            "Chủ động",
            "Còn chậm",
            "2",  # not disciplined
            "2",  # no signs of degeneration
            "2",
            "Có sáng kiến được công nhận",
        ],
    ],
    "dangky": [
        # A degree programme typed loosely ("Có phải khóa …?"), yes; its specialisation; the
        # form of study (the admin has no gap a university degree closes: none asked).
        ["/dangky them", "6", "dai hoc luat", "1", "Luật hành chính", "2"],
        # A knowledge update from the catalogue; the form of study; the gap it closes.
        ["/dangky them", "2", "1", "1", "1"],
    ],
    "tuchoi": [["/tuchoi {report}", "Ảnh chứng nhận bị mờ"]],
    "xacnhan": [
        ["/xacnhan {evaluation}", "1", "Vượt kế hoạch được giao"],  # not as proposed: a reason
        ["/xacnhan {evaluation}", "2", "1"],  # as proposed; the comment skipped
    ],
    "thongbao": [
        ["/thongbao_moi", "2", "1", "Họp giao ban sáng thứ Hai", "1"],  # a unit, now
        ["/thongbao_moi", "3", "1", "Nộp báo cáo trước thứ Sáu", "01/12/2026 08:00"],  # later
    ],
    # The forms that only confirm what their button named.
    "quyen": [[f"/quyen_doi {OFFICIAL} role:admin"]],
    "rut": [["/rut {own_report}"]],
    "xoadangky": [["/xoadangky 1"]],
    "thongbao_huy": [["/thongbao_huy {scheduled}"]],
}
# Data the bot keeps about people and their work; not the conversation's own bookkeeping.
BOOKKEEPING = {
    "conversation_states",
    "processed_updates",
    "link_failures",
    "question_log",
    "alembic_version",
}


@dataclass(frozen=True)
class Spot:
    form: str
    step: int  # len(steps): the confirmation
    answers: dict
    choices: tuple  # (label, value) of the choices on offer there
    route: int = 0  # which of the form's routes passed here
    shown: str = ""  # what the console printed on arriving here (by `walk`)

    @property
    def offered(self) -> list[Choice]:
        return [Choice(label, value) for label, value in self.choices]

    def number_of(self, value: str) -> str | None:
        """What a Zalo user types to pick the choice with this value."""
        values = [v for _, v in self.choices]
        return str(values.index(value) + 1) if value in values else None

    def __str__(self) -> str:
        return f"{self.form}[{self.step}]#{self.route}"


async def seed_reviewables(app) -> dict[str, int]:
    """What the forms that act on a record need: a pending course report and a submitted
    self-evaluation of OFFICIAL (to review), a pending report of ADMIN (to withdraw), an
    announcement scheduled for later (to cancel), and a training registration window open at
    NOW with a registration of ADMIN in it (to delete)."""
    async with app.sessionmaker() as session, session.begin():
        official = await session.scalar(select(Official).where(Official.code == OFFICIAL))
        admin = await session.scalar(select(Official).where(Official.code == ADMIN))
        report, own_report = (
            CourseReport(
                official_id=who.id,
                category=CourseCategory.KNOWLEDGE_UPDATE,
                course_name="Cập nhật kiến thức pháp luật",
                provider="Huyện ủy",
                completed_on=date(2026, 6, 1),
                hours=8,
            )
            for who in (official, admin)
        )
        evaluation = Evaluation(
            official_id=official.id,
            period="2026Q2",
            criteria={},
            general_points=25,
            tasks_assigned=10,
            tasks_completed=10,
            tasks_on_time=9,
            tasks_quality=9,
            task_points=60,
            total_points=85,
            strengths="Chủ động",
            shortcomings="Không",
            proposed_rating=Rating.TOT,
        )
        scheduled = Campaign(
            key="announcement:later",
            kind=CampaignKind.ANNOUNCEMENT,
            text="📣 Thông báo: Họp tổng kết năm",
            audience={"who": "all"},
            send_at=NOW + timedelta(days=30),
            created_by="test",
        )
        window = CommuneSetting(
            key="registration_window",
            value={"opens": [1, 6], "closes": [30, 6]},
            updated_by="test",
        )
        registration = TrainingRegistration(
            official_id=admin.id,
            year=2027,
            category=CourseCategory.POLITICAL_THEORY,
            course_name="Trung cấp lý luận chính trị",
            study_form="part_time",
        )
        session.add_all([report, own_report, evaluation, scheduled, window, registration])
        await session.flush()
        return {
            "report": report.id,
            "evaluation": evaluation.id,
            "own_report": own_report.id,
            "scheduled": scheduled.id,
        }


async def spot_of(app, channel: str, user: str, route: int = 0, shown: str = "") -> Spot | None:
    async with app.sessionmaker() as session:
        state = await session.get(ConversationState, (channel, user))
    if state is None or state.form is None:
        return None
    return Spot(
        state.form,
        state.step,
        dict(state.answers),
        tuple(tuple(c) for c in state.choices),
        route,
        shown,
    )


async def restore(app, spot: Spot | None, channel: str, user: str) -> None:
    """Put `user` at `spot` (None: no form open), as if just asked its question."""
    async with app.sessionmaker() as session, session.begin():
        state = await session.get(ConversationState, (channel, user))
        if state is None:
            state = ConversationState(platform=channel, external_user_id=user)
            session.add(state)
        state.form = spot.form if spot else None
        state.step = spot.step if spot else 0
        state.answers = dict(spot.answers) if spot else {}
        state.choices = [list(c) for c in spot.choices] if spot else []


async def say(app, user: str, text: str = "", choice: str | None = None) -> str:
    """One console message from `user`; what the console prints back."""
    replies = await app.conversation.handle(
        Incoming("console", user, user, text=text, choice=choice)
    )
    return "\n\n".join(render(reply) for reply in replies)


async def walk(app, user: str = ADMIN) -> list[Spot]:
    """Every place of every form's routes, in order. `app` gets the report and evaluation the
    reviewers' forms need and a clock in an open evaluation period; `user` (a linked console
    account, linked here) ends with no form open."""
    ids = await seed_reviewables(app)
    await link_console_user(app.conversation, user)
    app.conversation.clock = lambda: NOW
    spots = []
    for name, form in app.conversation.router.forms.items():
        assert name in ROUTES, f"tests/helpers/forms_walk.py: add a route through the form {name!r}"
        reached = set()
        for number, route in enumerate(ROUTES[name]):
            await restore(app, None, "console", user)
            previous = None
            for message in route:
                out = await say(app, user, message.format(**ids))
                spot = await spot_of(app, "console", user, number, out)
                assert spot is not None and spot.form == name, f"{name}: {message!r} → {out}"
                assert previous is None or spot.step != previous.step, (
                    f"{name}: {message!r} did not advance → {out}"
                )
                _later(app)  # the next message comes after the user has read this
                spots.append(spot)
                reached.add(spot.step)
                previous = spot
            assert previous.step == len(form.steps), f"{name}: route {number} ends early"
        missing = set(range(len(form.steps) + 1)) - reached
        assert not missing, f"{name}: no route reaches steps {sorted(missing)}"
    await restore(app, None, "console", user)
    return spots


def _later(app) -> None:
    """Move the conversation's clock on a minute (from NOW): a message that follows at once
    with the same text would be a double send."""
    now = app.conversation.clock()
    app.conversation.clock = lambda: now + timedelta(minutes=1)


async def data_rows(app) -> dict[str, list]:
    """Every row of every table of the bot's data, to tell whether anything was written."""
    async with app.sessionmaker() as session:
        query = (
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            if app.engine.dialect.name == "sqlite"
            else "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
        names = [row[0] for row in await session.execute(text(query))]
        rows = {}
        for name in sorted(set(names) - BOOKKEEPING):
            result = await session.execute(text(f'SELECT * FROM "{name}" ORDER BY 1'))
            rows[name] = [tuple(row) for row in result]
        return rows
