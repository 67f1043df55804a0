"""/quyen MÃ_CB: an official's accounts and role, and a button for each change (unlink a lost
phone's account, grant or revoke admin rights), confirmed before it is made."""

from handlers import forms
from handlers.context import Context
from handlers.forms import Form
from handlers.router import Access, Router
from handlers.services.accounts import Change, Refused, describe, set_role, unlink
from handlers.texts import label, t
from handlers.types import Choice, Reply
from storage.enums import Role
from storage.models import ChannelAccount, Official

router = Router()

# -- /quyen ---------------------------------------------------------------------------------


def _actions(official: Official, accounts: list[ChannelAccount], own: bool) -> list[list[str]]:
    """[label, value] of each change that can be made now. None to one's own record: an admin
    who unlinked or demoted themselves could be the last one, locked out of the chat."""
    if own:
        return []
    actions = [
        [t("permissions.unlink_button", platform=t(f"labels.platform_{p}")), f"unlink:{p}"]
        for p in sorted({a.platform for a in accounts})
    ]
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
            return Reply(
                t(
                    "permissions.unlinked",
                    name=official.full_name,
                    platforms=t(f"labels.platform_{what}"),
                )
            )
        if official.id == ctx.official.id:
            raise Refused(t("permissions.not_own_role"))
        if official.role.value != answers["role"]:  # another admin changed it meanwhile
            raise Refused(t("permissions.not_possible"))
        await set_role(change, official, Role(what))
    except Refused as refused:
        return Reply(str(refused))
    return Reply(t("permissions.role_set", name=official.full_name, role=label(Role(what))))


# Nothing to answer, only to confirm: the change named on the button of /quyen's card.
PERMISSION_FORM = router.form(
    Form(
        name="quyen",
        title=t("permissions.title"),
        steps=(),
        submit=submit,
        access=Access.ADMIN,
        subject=t("permissions.label_action"),
    )
)


async def _official(ctx: Context, code: str) -> Official:
    official = await ctx.repo.officials.by_code(code) if code else None
    if official is None:
        raise Refused(t("permissions.unknown", code=code[:40]) if code else t("permissions.usage"))
    return official


@router.command("quyen", access=Access.ADMIN, usage="/quyen MÃ_CB", summary="help.quyen")
async def permissions(ctx: Context) -> Reply:
    """The official's accounts and role, with a button for each change that can be made."""
    official = await _official(ctx, (ctx.args.split() or [""])[0])
    accounts = await ctx.repo.accounts.of_official(official.id)
    card = describe(official, accounts, ctx.options)
    await ctx.repo.audit.record(ctx.actor, "read_accounts", "official", official.code)
    actions = _actions(official, accounts, own=official.id == ctx.official.id)
    if not actions:
        key = (
            "permissions.own_record"
            if official.id == ctx.official.id
            else ("permissions.nothing_to_change")
        )
        return Reply(card + "\n\n" + t(key))
    return Reply(
        card + "\n\n" + t("permissions.ask_action"),
        tuple(Choice(text, f"/quyen_doi {official.code} {action}") for text, action in actions),
    )


@router.command("quyen_doi", access=Access.ADMIN, hidden=True)
async def change_permissions(ctx: Context):
    """One change from /quyen's card, to confirm."""
    code, _, action = ctx.args.partition(" ")
    official = await _official(ctx, code)
    accounts = await ctx.repo.accounts.of_official(official.id)
    possible = dict(
        (value, text)
        for text, value in _actions(official, accounts, own=official.id == ctx.official.id)
    )
    if action.strip() not in possible:  # already done, or not for this official
        return Reply(t("permissions.not_possible"))
    subject = f"{possible[action.strip()]} · {official.full_name} ({official.code})"
    return await forms.start(
        ctx,
        PERMISSION_FORM,
        {
            "code": official.code,
            "action": action.strip(),
            "role": official.role.value,
            "subject": subject,
        },
    )
