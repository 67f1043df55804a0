"""One-time invite codes that link a messaging account to an official: made by /moi in chat,
by `python -m bot invite`, and a unit's at once as a printed sheet on the web desk."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from handlers.formatting import platform_names
from handlers.texts import t
from storage.enums import Role
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


def may_invite(official: Official) -> bool:
    """Who may hand out invite codes: full admins, as for /moi in chat."""
    return official.active and official.role == Role.ADMIN


@dataclass(frozen=True)
class Slip:
    """One official's code on a printed sheet."""

    official: Official
    invite: Invite


@dataclass
class Sheet:
    slips: list[Slip] = field(default_factory=list)
    linked: list[Official] = field(default_factory=list)  # linked meanwhile: no code made
    inactive: list[Official] = field(default_factory=list)  # no longer working: none either


async def invite_sheet(
    repo: Repo,
    officials: list[Official],
    *,
    now: datetime,
    ttl: timedelta,
    actor: str,
    telegram_username: str | None,
) -> Sheet:
    """A code (an official's, never an admin's: as /moi without «admin») for each of
    `officials` still working and with no account linked yet, checked now: someone may have
    linked since the list was shown."""
    sheet = Sheet()
    linked = await repo.accounts.platforms([official.id for official in officials])
    for official in officials:
        if not official.active:
            sheet.inactive.append(official)
        elif official.id in linked:
            sheet.linked.append(official)
        else:
            invite = await issue_invite(
                repo,
                official,
                now=now,
                ttl=ttl,
                admin=False,
                actor=actor,
                telegram_username=telegram_username,
            )
            sheet.slips.append(Slip(official, invite))
    return sheet
