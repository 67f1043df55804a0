"""Thông báo: the desk's side of the chat's /thongbao, /thongbao_moi and /thongbao_huy.
Compose (to everyone, a unit, a position group, or those who have not submitted the period's
self-evaluation), check what will go and to how many, send now or at a time, follow each
campaign's progress, cancel one nobody has been sent yet. Admins only, as in chat; the rules,
the audit and the outbox are the chat's (handlers/services/announcements.py)."""

from dataclasses import dataclass, fields
from datetime import datetime

from aiohttp import web

from bot.desk.render import APP_KEY, NOW, REPO, VIEWER, message, page, redirect
from handlers.errors import UserError
from handlers.periods import Period, current_period, period_label
from handlers.services import announcements as service
from handlers.services.campaigns import next_allowed
from handlers.services.desk import actor_of
from handlers.texts import label, t
from knowledge.vocabulary import PositionGroup
from storage.models import Unit

routes = web.RouteTableDef()
LISTED = 20  # campaigns shown, latest first
NOTICES = ("sent", "scheduled", "cancelled", "not_cancellable", "already_sent")


@dataclass(frozen=True)
class Draft:
    """The compose form as typed: kept as is when refused, so nothing typed is lost."""

    who: str = "all"
    unit: str = ""  # a unit's id
    group: str = ""
    text: str = ""
    at: str = ""  # a local time as the chat takes it; empty: send now

    @classmethod
    def of(cls, form) -> "Draft":
        # A browser sends a textarea's line breaks as CRLF: counted as one, as in chat.
        typed = {f.name: str(form.get(f.name) or "").replace("\r\n", "\n") for f in fields(cls)}
        return cls(**typed)


@dataclass(frozen=True)
class Checked:
    """A draft that passed every rule: what will be stored."""

    text: str
    audience: dict
    audience_name: str
    send_at: datetime | None  # None: now


@routes.get("/thongbao")
async def announcements(request: web.Request) -> web.Response:
    if refused := _not_admin(request):
        return refused
    return await _compose(request, Draft())


@routes.post("/thongbao/soan")
async def edit(request: web.Request) -> web.Response:
    """«Sửa lại» on the confirmation: the form again, as typed."""
    if refused := _not_admin(request):
        return refused
    return await _compose(request, Draft.of(await request.post()))


@routes.post("/thongbao/xem")
async def confirm(request: web.Request) -> web.Response:
    """The confirmation step: the message as officials will read it, to whom, how many, when."""
    if refused := _not_admin(request):
        return refused
    draft = Draft.of(await request.post())
    try:
        checked = await _checked(request, draft)
    except UserError as problem:
        return await _compose(request, draft, error=str(problem))
    options = request.app[APP_KEY].conversation.options
    moment = checked.send_at or request[NOW]
    return page(
        request,
        "announcement_confirm.html",
        draft=draft,
        checked=checked,
        message_text=t("announce.message", text=checked.text),
        reach=await service.reach(request[REPO], checked.audience),
        goes=next_allowed(moment, options),
        moment=moment,
        catch_up_days=options.catch_up_days,
    )


@routes.post("/thongbao/gui")
async def send(request: web.Request) -> web.Response:
    """Checked again as at the confirmation (the time may have passed meanwhile), then stored
    and, when now, queued in this request's transaction."""
    if refused := _not_admin(request):
        return refused
    draft = Draft.of(await request.post())
    try:
        checked = await _checked(request, draft)
    except UserError as problem:
        return await _compose(request, draft, error=str(problem))
    try:
        done = await service.announce(
            request[REPO],
            checked.text,
            checked.audience,
            checked.send_at,
            now=request[NOW],
            options=request.app[APP_KEY].conversation.options,
            actor=actor_of(request[VIEWER]),
        )
    except service.AlreadySent as repeat:  # posted again (Back and reload): not queued again
        return redirect("/desk/thongbao", done="already_sent", id=repeat.earlier.id)
    notice = "scheduled" if checked.send_at is not None else "sent"
    return redirect("/desk/thongbao", done=notice, id=done.campaign.id)


@routes.post("/thongbao/huy")
async def cancel(request: web.Request) -> web.Response:
    """Cancel the announcement of the row's button, if nobody has been sent it yet."""
    if refused := _not_admin(request):
        return refused
    campaign_id = _number((await request.post()).get("id"))
    campaign = await service.unsent(request[REPO], campaign_id, request[NOW])
    if campaign is None:  # gone, started meanwhile, or not an announcement
        return redirect("/desk/thongbao", done="not_cancellable", id=campaign_id or "")
    await service.cancel(request[REPO], campaign, actor_of(request[VIEWER]))
    return redirect("/desk/thongbao", done="cancelled", id=campaign_id)


def _not_admin(request: web.Request) -> web.Response | None:
    """Checked on every call against the current record (the guard let a unit admin in)."""
    if service.may_announce(request[VIEWER]):
        return None
    return message(request, "Thông báo", t("announce.desk_admin_only"), status=403)


async def _compose(request: web.Request, draft: Draft, error: str = "") -> web.Response:
    """The page: a notice from the last action, the compose form, the latest campaigns."""
    repo, now = request[REPO], request[NOW]
    options = request.app[APP_KEY].conversation.options
    units = await repo.officials.units()
    today = now.astimezone(options.timezone).date()
    rows = await service.recent(repo, now, LISTED)
    names = {unit.id: unit.name for unit in units}
    return page(
        request,
        "announcements.html",
        status=400 if error else 200,
        draft=draft,
        error=error,
        notice=await _notice(request) if not error else None,
        units=units,
        groups=[(group.value, label(group)) for group in PositionGroup],
        not_submitted=t(
            "announce.to_not_submitted",
            period=period_label(current_period(today, options.calendar)),
        ),
        quiet=options.quiet,
        max_text=service.MAX_TEXT,
        rows=[(row, _audience_name(row.campaign.audience, names)) for row in rows],
    )


async def _notice(request: web.Request) -> dict | None:
    """What the last action did, from the redirect's query (a key and a campaign id)."""
    done, campaign_id = request.query.get("done"), _number(request.query.get("id"))
    if done not in NOTICES:
        return None
    if done in ("cancelled", "not_cancellable"):
        return {"done": done, "id": campaign_id}
    campaign = await request[REPO].campaigns.get(campaign_id) if campaign_id else None
    if campaign is None:
        return None
    options = request.app[APP_KEY].conversation.options
    if done == "already_sent":
        return {
            "done": done,
            "id": campaign_id,
            "text": str(service.AlreadySent(campaign, options.timezone)),
        }
    progress = await service.progress(request[REPO], campaign, request[NOW])
    return {
        "done": done,
        "id": campaign_id,
        "at": campaign.send_at,
        "goes": next_allowed(campaign.send_at, options),
        "count": progress.delivered_to,
    }


async def _checked(request: web.Request, draft: Draft) -> Checked:
    """The draft under the chat's rules; raises UserError with what to fix."""
    if draft.who not in service.AUDIENCES:
        raise UserError(t("announce.desk_pick_who"))
    options = request.app[APP_KEY].conversation.options
    local_now = request[NOW].astimezone(options.timezone)
    text = service.checked_text(draft.text)
    unit = await _unit(request, draft) if draft.who == "unit" else None
    if draft.who == "group" and draft.group not in {group.value for group in PositionGroup}:
        raise UserError(t("announce.desk_pick_group"))
    send_at = service.scheduled_time(draft.at, local_now) if draft.at.strip() else None
    audience = service.audience_of(
        draft.who,
        local_now.date(),
        options.calendar,
        unit_id=unit.id if unit else None,
        group=draft.group,
    )
    names = {unit.id: unit.name} if unit else {}
    return Checked(text, audience, _audience_name(audience, names), send_at)


async def _unit(request: web.Request, draft: Draft) -> Unit:
    """The unit picked, among those the chat offers (every unit: announcing is an admin's)."""
    unit_id = _number(draft.unit)
    units = {unit.id: unit for unit in await request[REPO].officials.units()}
    if unit_id not in units:
        raise UserError(t("announce.desk_pick_unit"))
    return units[unit_id]


def _audience_name(audience: dict, units: dict[int, str]) -> str:
    who = audience.get("who", "all")
    if audience.get("unit_id"):
        return units.get(audience["unit_id"], "—")
    if who == "group":
        return label(PositionGroup(audience["group"]))
    if who == "not_submitted":
        return t("announce.to_not_submitted", period=period_label(Period.parse(audience["period"])))
    if who == "no_self_study":
        return t("announce.to_no_self_study")
    return t("announce.to_all")


def _number(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None
