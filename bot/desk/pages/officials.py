"""Cán bộ: the officials in the viewer's scope, searched by name or code, filtered by unit and
by who has not linked a messaging account yet; and invite codes for those who have not, a
unit's (or the ones ticked) at once, as a sheet to print.

A search is posted, not put in the URL: what is typed is often a name. Invite codes are shown
once, on the page that answers the post (only their hashes are stored; posting again makes new
ones, the sheet says so), and only admins make them, as only admins may use /moi in chat."""

from aiohttp import web

from bot.desk.render import APP_KEY, NOW, REPO, VIEWER, message, page
from handlers.errors import UserError
from handlers.services.desk import actor_of
from handlers.services.invites import invite_sheet, may_invite
from handlers.services.officials_list import find_officials, unit_in_scope
from handlers.texts import t
from storage.enums import Role

routes = web.RouteTableDef()
TITLE = "Cán bộ"
SEARCH_MAX = 100  # characters of a search kept


@routes.get("/canbo")
async def officials(request: web.Request) -> web.Response:
    return await _listing(request, {})


@routes.post("/canbo")
async def search(request: web.Request) -> web.Response:
    return await _listing(request, await request.post())


async def _listing(request: web.Request, asked) -> web.Response:
    repo, viewer = request[REPO], request[VIEWER]
    text = _text(asked.get("q"))[:SEARCH_MAX]
    unlinked = asked.get("unlinked") == "1"
    try:
        unit = await unit_in_scope(repo, viewer, _text(asked.get("unit")))
    except UserError as refused:
        return message(request, TITLE, str(refused), status=403)
    listing = await find_officials(
        repo, unit, text=text, unlinked=unlinked, page=_number(asked.get("page"))
    )
    if listing.rows:  # names shown: audited, as every read of names in chat
        await repo.audit.record(
            actor_of(viewer),
            "read_officials",
            "unit",
            unit.code if unit else "*",
            note=f"page:{listing.page} unlinked:{unlinked} search:{bool(text)}",
        )
    units = [unit] if viewer.role == Role.UNIT_ADMIN else await repo.officials.units()
    return page(
        request,
        "officials.html",
        listing=listing,
        text=text,
        unlinked=unlinked,
        units=units,
        may_invite=may_invite(viewer),
        invite_days=request.app[APP_KEY].conversation.options.invite_ttl.days,
    )


@routes.post("/canbo/moi")
async def invite(request: web.Request) -> web.Response:
    """Codes for the unlinked active officials of a unit, or for those ticked on the list;
    each one checked again now (still there, still working, still not linked)."""
    repo, viewer = request[REPO], request[VIEWER]
    title = t("desk_people.invite_title")
    if not may_invite(viewer):
        return message(request, title, t("desk_people.invite_admins_only"), status=403)
    form = await request.post()
    if form.get("mode") == "unit":
        try:
            unit = await unit_in_scope(repo, viewer, _text(form.get("unit")))
        except UserError as refused:
            return message(request, title, str(refused), status=400)
        if unit is None:  # «— chọn đơn vị —», never every unit at once
            return message(request, title, t("desk_people.invite_no_unit"), status=400)
        found = await repo.officials.names(unit.id, unlinked=True, active=True)
        ids = [official_id for official_id, _, _ in found]
    else:
        ids = sorted({_number(value, 0) for value in form.getall("official", [])} - {0})
        if not ids:
            return message(request, title, t("desk_people.invite_nobody_chosen"), status=400)
    chosen = await repo.officials.by_ids(ids)
    bot = request.app[APP_KEY]
    sheet = await invite_sheet(
        repo,
        chosen,
        now=request[NOW],
        ttl=bot.conversation.options.invite_ttl,
        actor=actor_of(viewer),
        telegram_username=bot.conversation.options.telegram_username,
    )
    return page(
        request,
        "invite_sheet.html",
        sheet=sheet,
        missing=len(ids) - len(chosen),
    )


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _number(value, default: int = 1) -> int:
    text = _text(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else default
