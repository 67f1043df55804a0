"""Accounts and roles: unlink the account of a lost phone, grant or revoke admin rights.
What `/quyen` in chat and `python -m bot account …` share.

Every change is audited, and the official is told through the accounts still linked; an
account just unlinked is told through its own chat, while it can be. What an account or role
loses takes effect at its next message: access is checked on every command and every step of
a form.
"""

from dataclasses import dataclass
from datetime import datetime

from handlers.context import Options
from handlers.errors import UserError
from handlers.formatting import local_date, platform_names
from handlers.services.campaigns import tell
from handlers.texts import label, t
from storage.enums import Role
from storage.models import ChannelAccount, Official
from storage.repo import Repo

# The role names the command line takes.
ROLES = {"admin": Role.ADMIN, "unit-admin": Role.UNIT_ADMIN, "official": Role.OFFICIAL}


class Refused(UserError):
    """The change cannot be made; the message says why."""


@dataclass(frozen=True)
class Change:
    """Who changes what, and when: what the chat and the command line share."""

    repo: Repo
    actor: str
    now: datetime
    options: Options


async def unlink(change: Change, official: Official, platform: str | None = None) -> list[str]:
    """Unlink the official's accounts (on one platform, or all); the platforms unlinked."""
    accounts = [
        a
        for a in await change.repo.accounts.of_official(official.id)
        if platform is None or a.platform == platform
    ]
    if not accounts:
        raise Refused(
            t(
                "permissions.nothing_linked",
                name=official.full_name,
                platform=" " + t(f"labels.platform_{platform}") if platform else "",
            )
        )
    for account in accounts:
        await change.repo.audit.record(
            change.actor,
            "unlink",
            "channel_account",
            account.id,
            before={
                "platform": account.platform,
                "external_user_id": account.external_user_id,
                "official": official.code,
            },
        )
        await change.repo.accounts.unlink(account)
        # Whoever holds that phone now is told too: its chat is still there.
        await tell(
            change.repo,
            f"unlinked:{account.id}:{change.now.isoformat()}",
            official.id,
            t("permissions.notice_unlinked_here", name=official.full_name),
            change.now,
            change.options,
            to=(account.platform, account.chat_id),
        )
    platforms = sorted({a.platform for a in accounts})
    if await change.repo.accounts.of_official(official.id):  # and on the accounts left
        await tell(
            change.repo,
            f"unlinked:{official.id}:{change.now.isoformat()}",
            official.id,
            t("permissions.notice_unlinked", platforms=platform_names(platforms)),
            change.now,
            change.options,
        )
    return platforms


async def set_role(change: Change, official: Official, role: Role) -> None:
    if official.role == role:
        raise Refused(t("permissions.same_role", name=official.full_name, role=label(role)))
    if role != Role.OFFICIAL and not official.active:
        raise Refused(t("permissions.inactive", name=official.full_name))
    if role == Role.UNIT_ADMIN and official.unit is None:
        raise Refused(t("permissions.no_unit", name=official.full_name))
    before, official.role = official.role, role
    # A web desk open in some browser under the old role ends now, not at its next request.
    await change.repo.desk.end_sessions_of(official.id, change.now)
    await change.repo.audit.record(
        change.actor,
        "role_changed",
        "official",
        official.code,
        before={"role": before.value},
        after={"role": role.value},
    )
    notice = t(f"permissions.notice_{role.value}", unit=official.unit.name if official.unit else "")
    await tell(
        change.repo,
        f"role:{official.id}:{change.now.isoformat()}",
        official.id,
        notice,
        change.now,
        change.options,
    )


def describe(official: Official, accounts: list[ChannelAccount], options: Options) -> str:
    """The official, their role and their linked accounts, as admins read them."""
    lines = [
        t(
            "permissions.account_line",
            platform=t(f"labels.platform_{a.platform}"),
            user=a.external_user_id,
            name=a.display_name or "—",
            since=local_date(a.linked_at, options.timezone),
        )
        for a in accounts
    ]
    return t(
        "permissions.card",
        name=official.full_name,
        code=official.code,
        unit=official.unit.name if official.unit else "—",
        role=label(official.role),
        state=t("permissions.active") if official.active else t("permissions.not_active"),
        accounts="\n".join(lines) or t("permissions.no_accounts"),
    )


SUMMARY_ROLES = frozenset({Role.ADMIN, Role.UNIT_ADMIN})


async def still_allowed(
    repo: Repo, account: tuple[str, str], roles: frozenset[Role] = SUMMARY_ROLES
) -> Official:
    """The official behind a chat account (platform, user id), read again when a background
    job starts and ends: active and holding one of `roles`, else UserError with the reason.
    Who lost the right while a file was being made gets nothing."""
    found = await repo.accounts.find(*account)
    official = found.official if found is not None else None
    if official is None or not official.active:
        raise UserError(t("common.inactive") if found is not None else t("common.need_link"))
    if official.role not in roles:
        raise UserError(
            t("common.admin_only" if Role.UNIT_ADMIN not in roles else "common.unit_admin_only")
        )
    return official
