"""One-time invite codes that link a messaging account to an official: made by /moi in chat
and by `python -m bot invite`."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.formatting import platform_names
from handlers.texts import t
from storage.models import Official
from storage.repo import Repo


@dataclass(frozen=True)
class Invite:
    code: str
    expires_at: datetime
    deep_link: str | None
    linked: tuple[str, ...] = ()  # platforms the official already has an account on


async def issue_invite(
    repo: Repo,
    official: Official,
    *,
    now: datetime,
    ttl: timedelta,
    admin: bool,
    actor: str,
    telegram_username: str | None,
) -> Invite:
    """Create a one-time code for `official`; used by `/moi` and by `python -m bot invite`."""
    expires_at = now + ttl
    code = await repo.accounts.create_invite(official, expires_at, grants_admin=admin)
    await repo.audit.record(
        actor,
        "invite",
        "official",
        official.code,
        after={"grants_admin": admin, "expires_at": expires_at.isoformat()},
    )
    link = f"https://t.me/{telegram_username}?start={code}" if telegram_username else None
    linked = tuple(a.platform for a in await repo.accounts.of_official(official.id))
    return Invite(code, expires_at, link, linked)


def already_linked_note(invite: Invite) -> str | None:
    """What an admin should know before handing over the code: the official's accounts now,
    and that the code replaces the one on the platform it is used on."""
    if not invite.linked:
        return None
    return t("linking.invite_replaces", platforms=platform_names(invite.linked))
