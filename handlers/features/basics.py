"""/help, and /huy and /quaylai when no form is open (inside a form the core handles them)."""

from handlers.context import Context
from handlers.router import Access, Router
from handlers.texts import t
from handlers.types import Choice, Reply

router = Router()


@router.command("huy", summary="help.huy")
async def cancel(ctx: Context) -> str:
    return t("forms.nothing_to_cancel")


@router.command("quaylai", summary="help.quaylai")
async def back(ctx: Context) -> str:
    return t("forms.nothing_to_go_back")


def help_reply(commands, ctx: Context) -> Reply:
    """The commands this user may use (admins and unit admins also get theirs), and a menu of
    buttons: the linking entry for a newcomer, the official's features once linked."""

    def lines(access: Access) -> list[str]:
        return [
            f"{c.usage} — {t(c.summary)}"
            for c in commands.values()
            if c.access == access and not c.hidden
        ]

    parts = [t("help.intro"), "\n".join(lines(Access.ANYONE))]
    if ctx.official is None:  # a stranger, or an official no longer serving
        parts.append(t("help.inactive") if ctx.linked else t("help.unlinked"))
        allowed = {Access.ANYONE}
    else:
        parts.append(t("help.official_header") + "\n" + "\n".join(lines(Access.OFFICIAL)))
        allowed = {Access.OFFICIAL}
        if ctx.is_admin or ctx.is_unit_admin:
            # A unit admin gets the unit-admin commands; an admin those and the admin ones.
            levels = [Access.ADMIN, Access.UNIT_ADMIN] if ctx.is_admin else [Access.UNIT_ADMIN]
            header = t("help.admin_header") if ctx.is_admin else t("help.unit_admin_header")
            parts.append(header + "\n" + "\n".join(line for a in levels for line in lines(a)))
            allowed.update(levels)
    parts.append(t("help.outro"))
    menu = tuple(
        Choice(t(c.menu), f"/{c.name}")
        for c in commands.values()
        if c.menu and c.access in allowed and not (ctx.linked and c.name == "start")
    )  # no «🔑 Liên kết tài khoản» for an account already linked (an official not serving)
    return Reply("\n\n".join(p for p in parts if p.strip()), menu)
