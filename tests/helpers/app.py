"""Acting on the app the tests run: invite codes, as an admin would hand them out."""

from handlers.services.invites import issue_invite
from storage.repo import Repo
from storage.types import utcnow


async def invite_code(app, official_code: str, admin: bool = False) -> str:
    """A fresh one-time invite code for the official."""
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        official = await repo.officials.by_code(official_code)
        issued = await issue_invite(repo, official, now=utcnow(),
                                    ttl=app.conversation.options.invite_ttl, admin=admin,
                                    actor="test", telegram_username=None)
    return issued.code
