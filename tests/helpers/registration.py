"""What the annual training registration's tests (tests/handlers/features/registration/)
share: moments of the window, the stored registrations and audit entries, a question's
numbered choices, DEMO010 typing on Zalo."""

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from handlers.types import Incoming
from storage.models import AuditEntry, TrainingRegistration
from storage.repo import Repo

HANOI = timezone(timedelta(hours=7))
BEFORE = datetime(2026, 6, 5, 10, 0, tzinfo=HANOI)  # the 2026 window has not opened
OPEN = datetime(2026, 10, 5, 10, 0, tzinfo=HANOI)  # inside 01/10–15/11/2026: for 2027
LAST_MINUTE = datetime(2026, 11, 15, 23, 50, tzinfo=HANOI)
CLOSED = datetime(2026, 11, 16, 0, 10, tzinfo=HANOI)
# Political theory, its first catalogue course, «Vừa làm vừa học» (DEMO010 has no gap it
# closes: the step is not asked).
POLITICAL_THEORY = ["4", "1", "2", "xác nhận"]


async def registrations(app) -> list[TrainingRegistration]:
    async with app.sessionmaker() as session:
        rows = await session.scalars(select(TrainingRegistration).order_by(TrainingRegistration.id))
        return list(rows)


async def audit(app, action: str) -> list[AuditEntry]:
    async with app.sessionmaker() as session:
        return list(await session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def numbered(out: str) -> list[str]:
    """The numbered choices of the latest question."""
    lines = out.split("\n> ")[-1].splitlines()
    return [line.strip() for line in lines if line.strip()[:1].isdigit() and ". " in line]


async def zalo_says(app, *texts: str) -> str:
    """DEMO010 on Zalo (numbers only, no buttons): the last reply's text."""
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        if await repo.accounts.find("zalo", "z10") is None:
            await repo.accounts.link(await repo.officials.by_code("DEMO010"), "zalo", "z10", "z10")
    for text in texts:
        replies = await app.conversation.handle(Incoming("zalo", "z10", "z10", text=text))
    return "\n".join(reply.text for reply in replies)
