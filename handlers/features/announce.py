"""/thongbao: admins announce to everyone, a unit, a position group, or those who have not
submitted this period's self-evaluation, now or at a given time; and see each campaign's
progress (sent, sending, waiting for the end of the quiet hours, failed, blocked)."""

import uuid
from datetime import datetime, timedelta

from handlers import forms
from handlers.context import Context
from handlers.dates import parse_moment
from handlers.formatting import local_datetime, show_datetime
from handlers.forms import Form, Invalid, Step
from handlers.periods import current_period, period_label
from handlers.router import Access, Router, record_id
from handlers.services.campaigns import expand, next_allowed
from handlers.texts import label, t
from handlers.types import Choice, Reply
from knowledge.vocabulary import PositionGroup
from storage.enums import CampaignKind
from storage.models import Campaign

router = Router()

MAX_TEXT = 1500
NOW = "now"
LOOK_AHEAD_DAYS = 366  # how far ahead an announcement may be scheduled
PREVIEW = 40  # characters of an announcement shown in the list of campaigns


def _audience_choices(ctx: Context) -> tuple[Choice, ...]:
    return (
        Choice(t("announce.to_all"), "all"),
        Choice(t("announce.to_unit"), "unit"),
        Choice(t("announce.to_group"), "group"),
        Choice(
            t(
                "announce.to_not_submitted",
                period=period_label(current_period(ctx.local_now.date(), ctx.options.calendar)),
            ),
            "not_submitted",
        ),
    )


def _who(ctx: Context) -> str:
    return ctx.state.answers.get("who", "")


def _unit_choices(ctx: Context) -> tuple[Choice, ...]:
    # Listed when the form opens, so the buttons stay the same while it is being filled.
    return tuple(Choice(name, value) for name, value in ctx.state.answers.get("units", ()))


def _group_choices(ctx: Context) -> tuple[Choice, ...]:
    return tuple(Choice(label(group), group.value) for group in PositionGroup)


def _parse_text(text: str, ctx: Context) -> str:
    if len(text) < 5:
        raise Invalid(t("announce.text_short"))
    if len(text) > MAX_TEXT:
        raise Invalid(t("announce.text_long", limit=MAX_TEXT))
    return text


def _parse_when(text: str, ctx: Context) -> dict:
    """{"at": "now" or a local time from now to a year ahead ("01/12/2026 08:00", "ngày mai
    8h"), "goes": when it will really go, the quiet hours allowing}."""
    if ctx.picked == NOW:
        at = ctx.local_now
    else:
        latest = ctx.local_now.date() + timedelta(days=LOOK_AHEAD_DAYS)  # 29/02: no year+1
        at = parse_moment(text, ctx.local_now, latest)
    goes = next_allowed(at, ctx.options).astimezone(ctx.options.timezone)
    return {
        "at": NOW if ctx.picked == NOW else at.isoformat(),
        "goes": goes.isoformat(),
        "quiet": goes != at,
    }


def _send_at(answers: dict, ctx: Context) -> datetime:
    at = answers["when"]["at"]
    return ctx.now if at == NOW else datetime.fromisoformat(at)


def _show_when(value: dict) -> str:
    # Stored with the commune's UTC offset, so each reads as local time as it is.
    at = (
        t("announce.send_now")
        if value["at"] == NOW
        else show_datetime(datetime.fromisoformat(value["at"]))
    )
    if not value["quiet"]:
        return at
    return t(
        "announce.when_quiet", at=at, goes=show_datetime(datetime.fromisoformat(value["goes"]))
    )


def _ask_when(ctx: Context) -> str:
    start, end = ctx.options.quiet
    return t("announce.ask_when", start=f"{start:02d}:00", end=f"{end:02d}:00")


def _audience(ctx: Context, answers: dict) -> dict:
    who = answers["who"]
    if who == "unit":
        return {"who": "unit", "unit_id": int(answers["unit"])}
    if who == "group":
        return {"who": "group", "group": answers["group"]}
    if who == "not_submitted":
        return {
            "who": "not_submitted",
            "period": current_period(ctx.local_now.date(), ctx.options.calendar).key,
        }
    return {"who": "all"}


async def submit(ctx: Context, answers: dict) -> Reply:
    send_at = _send_at(answers, ctx)
    campaign = await ctx.repo.campaigns.add(
        Campaign(
            key=f"announcement:{uuid.uuid4().hex}",
            kind=CampaignKind.ANNOUNCEMENT,
            text=t("announce.message", text=answers["text"]),
            audience=_audience(ctx, answers),
            send_at=send_at,
            created_by=ctx.actor,
        )
    )
    await ctx.repo.audit.record(
        ctx.actor,
        "announcement",
        "campaign",
        campaign.id,
        after={"audience": campaign.audience, "send_at": send_at.isoformat()},
    )
    if answers["when"]["at"] != NOW:
        when = local_datetime(send_at, ctx.options.timezone)
        return Reply(t("announce.scheduled", id=campaign.id, when=when) + _quiet(ctx, send_at))
    return Reply(await _send_now(ctx, campaign))


async def _send_now(ctx: Context, campaign: Campaign) -> str:
    """Queue it now, in this transaction, for the sender to take at once (not at the next
    planning round, minutes away); what was queued, and who it cannot reach yet."""
    queued = await expand(ctx.repo, campaign, ctx.now, ctx.options)
    if not queued:
        return t("announce.no_recipients", id=campaign.id)
    held = _quiet(ctx, ctx.now)  # queued for the end of the quiet hours
    text = t("announce.held" if held else "announce.queued", id=campaign.id, count=queued) + held
    audience = len(await ctx.repo.campaigns.recipients(campaign.audience, linked=False))
    if audience > queued:
        days = ctx.options.catch_up_days
        text += "\n" + t(
            "announce.not_linked" if days else "announce.not_linked_no_catch_up",
            count=audience - queued,
            days=days,
        )
    return text


def _quiet(ctx: Context, moment: datetime) -> str:
    """ " Vì đang trong giờ nghỉ, tin sẽ đi lúc …" when `moment` is in the quiet hours."""
    goes = next_allowed(moment, ctx.options)
    if goes == moment:
        return ""
    return " " + t("announce.quiet_then", at=local_datetime(goes, ctx.options.timezone))


ANNOUNCE_FORM = router.form(
    Form(
        name="thongbao",
        title=t("announce.title"),
        steps=(
            Step("who", t("announce.label_who"), t("announce.ask_who"), choices=_audience_choices),
            Step(
                "unit",
                t("announce.label_unit"),
                t("announce.ask_unit"),
                choices=_unit_choices,
                when=lambda ctx: _who(ctx) == "unit",
                follow_up=True,
            ),
            Step(
                "group",
                t("announce.label_group"),
                t("announce.ask_group"),
                choices=_group_choices,
                when=lambda ctx: _who(ctx) == "group",
                follow_up=True,
            ),
            Step("text", t("announce.label_text"), t("announce.ask_text"), parse=_parse_text),
            Step(
                "when",
                t("announce.label_when"),
                _ask_when,
                parse=_parse_when,
                choices=(Choice(t("announce.send_now"), NOW),),
                show=_show_when,
                takes_numbers=True,
            ),
        ),
        submit=submit,
        access=Access.ADMIN,
    )
)


PROGRESS = ("sent", "queued", "later", "retry", "failed", "blocked", "dropped")


def _counts(campaign: Campaign, counts: dict[str, int]) -> str:
    """ "đã gửi 5 · chờ hết giờ nghỉ 3 …": the statuses that have any, sent always first."""
    if campaign.expanded_at is None:
        return t("announce.progress_not_yet")
    if not counts:
        return t("announce.progress_nobody")
    return " · ".join(
        t(f"announce.progress_{name}", count=counts.get(name, 0))
        for name in PROGRESS
        if name == "sent" or counts.get(name)
    )


@router.command("thongbao", access=Access.ADMIN, summary="help.thongbao")
async def announcements(ctx: Context) -> Reply:
    """The latest campaigns and how far each has gone; a new announcement or the cancelling
    of one not sent yet are a button away (this command itself changes nothing)."""
    lines, waiting = [], []
    for campaign in await ctx.repo.campaigns.recent():
        counts = await ctx.repo.campaigns.progress(campaign.id, ctx.now)
        lines.append(
            t(
                "announce.progress_line",
                id=campaign.id,
                kind=label(campaign.kind),
                when=local_datetime(campaign.send_at, ctx.options.timezone),
                counts=_counts(campaign, counts),
                preview=_preview(campaign),
            )
        )
        if _cancellable(campaign, counts):
            waiting.append(
                Choice(t("announce.cancel_button", id=campaign.id), f"/thongbao_huy {campaign.id}")
            )
    overview = (
        t("announce.progress", lines="\n".join(lines)) if lines else t("announce.no_campaigns")
    )
    return Reply(overview, (Choice(t("announce.new_button"), "/thongbao_moi"), *waiting))


def _preview(campaign: Campaign) -> str:
    text = campaign.text.removeprefix(t("announce.message", text="")).strip()
    return text if len(text) <= PREVIEW else text[:PREVIEW].rsplit(" ", 1)[0] + "…"


def _cancellable(campaign: Campaign, counts: dict[str, int]) -> bool:
    """An announcement nobody has been sent yet: not due, or held for the quiet hours' end."""
    started = any(counts.get(name) for name in PROGRESS if name != "later")
    return campaign.kind == CampaignKind.ANNOUNCEMENT and not started


@router.command("thongbao_moi", access=Access.ADMIN, hidden=True)
async def compose(ctx: Context):
    units = await ctx.repo.officials.units()
    return await forms.start(ctx, ANNOUNCE_FORM, {"units": [[u.name, str(u.id)] for u in units]})


async def _unsent(ctx: Context, campaign_id: int | None) -> Campaign | None:
    campaign = await ctx.repo.campaigns.get(campaign_id) if campaign_id else None
    if campaign is None:
        return None
    return (
        campaign
        if _cancellable(campaign, await ctx.repo.campaigns.progress(campaign.id, ctx.now))
        else None
    )


async def submit_cancel(ctx: Context, answers: dict) -> Reply:
    campaign = await _unsent(ctx, answers["campaign_id"])
    if campaign is None:  # started meanwhile
        return Reply(t("announce.not_cancellable"))
    await ctx.repo.audit.record(
        ctx.actor,
        "announcement_cancelled",
        "campaign",
        campaign.id,
        before={"text": campaign.text, "send_at": campaign.send_at.isoformat()},
    )
    await ctx.repo.campaigns.delete(campaign)
    return Reply(t("announce.cancelled", id=answers["campaign_id"]))


# Only confirmed: the announcement named on the button of /thongbao.
CANCEL_FORM = router.form(
    Form(
        name="thongbao_huy",
        title=t("announce.cancel_title"),
        steps=(),
        submit=submit_cancel,
        access=Access.ADMIN,
        subject=t("announce.label_cancel"),
    )
)


@router.command("thongbao_huy", access=Access.ADMIN, hidden=True)
async def cancel(ctx: Context):
    campaign = await _unsent(ctx, record_id(ctx.args))
    if campaign is None:
        return Reply(t("announce.not_cancellable"))
    subject = t(
        "announce.cancel_subject",
        id=campaign.id,
        preview=_preview(campaign),
        when=local_datetime(campaign.send_at, ctx.options.timezone),
    )
    return await forms.start(ctx, CANCEL_FORM, {"campaign_id": campaign.id, "subject": subject})
