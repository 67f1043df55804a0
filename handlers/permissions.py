"""Taking access back and handing it out: unlink the account of a lost phone, grant or revoke
admin rights. `/quyen MÃ_CB` for admins in chat; `python -m bot account …` for the operator.

Every change is audited, and the official is told through the accounts still linked (an
account just unlinked cannot be reached any more). What an account or role loses takes effect
at its next message: access is checked on every command and every step of a form.
"""

from dataclasses import dataclass
from datetime import datetime

from handlers import forms
from handlers.campaigns import tell
from handlers.context import Context, Options
from handlers.formatting import local_date
from handlers.forms import Form
from handlers.linking import platform_names
from handlers.router import Access, Router
from handlers.texts import label, t
from handlers.types import Choice, Reply
from storage.enums import Role
from storage.models import ChannelAccount, Official
from storage.repo import Repo

router = Router()

# The role names the command line takes.
ROLES = {"admin": Role.ADMIN, "unit-admin": Role.UNIT_ADMIN, "official": Role.OFFICIAL}


class Refused(Exception):
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
    accounts = [a for a in await change.repo.accounts.of_official(official.id)
                if platform is None or a.platform == platform]
    if not accounts:
        raise Refused(t("permissions.nothing_linked", name=official.full_name,
                        platform=" " + t(f"labels.platform_{platform}") if platform else ""))
    for account in accounts:
        await change.repo.audit.record(
            change.actor, "unlink", "channel_account", account.id,
            before={"platform": account.platform, "external_user_id": account.external_user_id,
                    "official": official.code})
        await change.repo.accounts.unlink(account)
        # Whoever holds that phone now is told too: its chat is still there.
        await tell(change.repo, f"unlinked:{account.id}:{change.now.isoformat()}", official.id,
                   t("permissions.notice_unlinked_here", name=official.full_name),
                   change.now, change.options, to=(account.platform, account.chat_id))
    platforms = sorted({a.platform for a in accounts})
    if await change.repo.accounts.of_official(official.id):  # and on the accounts left
        await tell(change.repo, f"unlinked:{official.id}:{change.now.isoformat()}", official.id,
                   t("permissions.notice_unlinked", platforms=platform_names(platforms)),
                   change.now, change.options)
    return platforms


async def set_role(change: Change, official: Official, role: Role) -> None:
    if official.role == role:
        raise Refused(t("permissions.same_role", name=official.full_name, role=label(role)))
    if role != Role.OFFICIAL and not official.active:
        raise Refused(t("permissions.inactive", name=official.full_name))
    if role == Role.UNIT_ADMIN and official.unit is None:
        raise Refused(t("permissions.no_unit", name=official.full_name))
    before, official.role = official.role, role
    await change.repo.audit.record(change.actor, "role_changed", "official", official.code,
                                   before={"role": before.value}, after={"role": role.value})
    notice = t(f"permissions.notice_{role.value}",
               unit=official.unit.name if official.unit else "")
    await tell(change.repo, f"role:{official.id}:{change.now.isoformat()}", official.id, notice,
               change.now, change.options)


def describe(official: Official, accounts: list[ChannelAccount], options: Options) -> str:
    """The official, their role and their linked accounts, as admins read them."""
    lines = [t("permissions.account_line", platform=t(f"labels.platform_{a.platform}"),
               user=a.external_user_id, name=a.display_name or "—",
               since=local_date(a.linked_at, options.timezone)) for a in accounts]
    return t("permissions.card", name=official.full_name, code=official.code,
             unit=official.unit.name if official.unit else "—", role=label(official.role),
             state=t("permissions.active") if official.active else t("permissions.not_active"),
             accounts="\n".join(lines) or t("permissions.no_accounts"))


# -- /quyen ---------------------------------------------------------------------------------


def _actions(official: Official, accounts: list[ChannelAccount], own: bool) -> list[list[str]]:
    """[label, value] of each change that can be made now. None to one's own record: an admin
    who unlinked or demoted themselves could be the last one, locked out of the chat."""
    if own:
        return []
    actions = [[t("permissions.unlink_button", platform=t(f"labels.platform_{p}")), f"unlink:{p}"]
               for p in sorted({a.platform for a in accounts})]
    if not official.active:
        return actions
    for role in (Role.ADMIN, Role.UNIT_ADMIN, Role.OFFICIAL):
        if role != official.role and (role != Role.UNIT_ADMIN or official.unit is not None):
            actions.append([t(f"permissions.role_button_{role.value}"), f"role:{role.value}"])
    return actions


async def submit(ctx: Context, answers: dict) -> Reply:
    official = await ctx.repo.officials.by_code(answers["code"])
    kind, _, what = answers["action"].partition(":")
    change = Change(ctx.repo, ctx.actor, ctx.now, ctx.options)
    try:
        if official is None:
            raise Refused(t("permissions.unknown", code=answers["code"]))
        if kind == "unlink":
            await unlink(change, official, what)
            return Reply(t("permissions.unlinked", name=official.full_name,
                           platforms=t(f"labels.platform_{what}")))
        if official.id == ctx.official.id:
            raise Refused(t("permissions.not_own_role"))
        if official.role.value != answers["role"]:  # another admin changed it meanwhile
            raise Refused(t("permissions.not_possible"))
        await set_role(change, official, Role(what))
    except Refused as refused:
        return Reply(str(refused))
    return Reply(t("permissions.role_set", name=official.full_name, role=label(Role(what))))


# Nothing to answer, only to confirm: the change named on the button of /quyen's card.
PERMISSION_FORM = router.form(Form(
    name="quyen", title=t("permissions.title"), steps=(), submit=submit, access=Access.ADMIN,
    subject=t("permissions.label_action"),
))


async def _official(ctx: Context, code: str) -> Official:
    official = await ctx.repo.officials.by_code(code) if code else None
    if official is None:
        raise Refused(t("permissions.unknown", code=code[:40]) if code
                      else t("permissions.usage"))
    return official


@router.command("quyen", access=Access.ADMIN, usage="/quyen MÃ_CB", summary="help.quyen")
async def permissions(ctx: Context) -> Reply:
    """The official's accounts and role, with a button for each change that can be made."""
    try:
        official = await _official(ctx, (ctx.args.split() or [""])[0])
    except Refused as refused:
        return Reply(str(refused))
    accounts = await ctx.repo.accounts.of_official(official.id)
    card = describe(official, accounts, ctx.options)
    await ctx.repo.audit.record(ctx.actor, "read_accounts", "official", official.code)
    actions = _actions(official, accounts, own=official.id == ctx.official.id)
    if not actions:
        key = "permissions.own_record" if official.id == ctx.official.id else (
            "permissions.nothing_to_change")
        return Reply(card + "\n\n" + t(key))
    return Reply(card + "\n\n" + t("permissions.ask_action"), tuple(
        Choice(text, f"/quyen_doi {official.code} {action}") for text, action in actions))


@router.command("quyen_doi", access=Access.ADMIN, hidden=True)
async def change_permissions(ctx: Context):
    """One change from /quyen's card, to confirm."""
    code, _, action = ctx.args.partition(" ")
    try:
        official = await _official(ctx, code)
    except Refused as refused:
        return Reply(str(refused))
    accounts = await ctx.repo.accounts.of_official(official.id)
    possible = dict((value, text) for text, value in
                    _actions(official, accounts, own=official.id == ctx.official.id))
    if action.strip() not in possible:  # already done, or not for this official
        return Reply(t("permissions.not_possible"))
    subject = f"{possible[action.strip()]} · {official.full_name} ({official.code})"
    return await forms.start(ctx, PERMISSION_FORM, {
        "code": official.code, "action": action.strip(), "role": official.role.value,
        "subject": subject})
