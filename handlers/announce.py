"""/thongbao: admins announce to everyone, a unit, a position group, or those who have not
submitted this period's self-evaluation, now or at a given time; and see each campaign's
progress (queued, sent, failed, blocked)."""

import re
import uuid
from datetime import datetime, time

from handlers import forms
from handlers.context import Context
from handlers.dates import parse_day
from handlers.evaluation import period_label
from handlers.formatting import local_datetime
from handlers.forms import Form, Invalid, Step
from handlers.leader_review import current_period
from handlers.router import Access, Router
from handlers.texts import label, t
from handlers.types import Choice, Reply
from storage.enums import CampaignKind, PositionGroup
from storage.models import Campaign

router = Router()

MAX_TEXT = 1500
NOW = "now"
_TIME = re.compile(r"^(?P<day>.+?)\s+(?P<hour>\d{1,2})[:hg.](?P<minute>\d{2})?$")


def _audience_choices(ctx: Context) -> tuple[Choice, ...]:
    return (
        Choice(t("announce.to_all"), "all"),
        Choice(t("announce.to_unit"), "unit"),
        Choice(t("announce.to_group"), "group"),
        Choice(t("announce.to_not_submitted", period=period_label(current_period(ctx))),
               "not_submitted"),
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


def _parse_when(text: str, ctx: Context) -> str:
    """"now", or a local time "dd/mm/yyyy hh:mm" not in the past."""
    if text == NOW:
        return NOW
    found = _TIME.match(text.strip())
    if not found:
        raise Invalid(t("announce.when_format"))
    today = ctx.local_now.date()
    try:
        day = parse_day(found["day"], today.replace(year=today.year + 1))
        at = time(int(found["hour"]), int(found["minute"] or 0))
    except ValueError:
        raise Invalid(t("announce.when_format")) from None
    moment = datetime.combine(day, at, tzinfo=ctx.options.timezone)
    if moment < ctx.now:
        raise Invalid(t("announce.when_past"))
    return moment.isoformat()


def _audience(ctx: Context, answers: dict) -> dict:
    who = answers["who"]
    if who == "unit":
        return {"who": "unit", "unit_id": int(answers["unit"])}
    if who == "group":
        return {"who": "group", "group": answers["group"]}
    if who == "not_submitted":
        return {"who": "not_submitted", "period": current_period(ctx).key}
    return {"who": "all"}


async def submit(ctx: Context, answers: dict) -> Reply:
    send_at = ctx.now if answers["when"] == NOW else datetime.fromisoformat(answers["when"])
    campaign = await ctx.repo.campaigns.add(Campaign(
        key=f"announcement:{uuid.uuid4().hex}",
        kind=CampaignKind.ANNOUNCEMENT, text=t("announce.message", text=answers["text"]),
        audience=_audience(ctx, answers), send_at=send_at, created_by=ctx.actor,
    ))
    await ctx.repo.audit.record(ctx.actor, "announcement", "campaign", campaign.id,
                                after={"audience": campaign.audience, "send_at": send_at.isoformat()})
    when = local_datetime(send_at, ctx.options.timezone)
    return Reply(t("announce.scheduled", id=campaign.id, when=when))


ANNOUNCE_FORM = router.form(Form(
    name="thongbao",
    title=t("announce.title"),
    steps=(
        Step("who", t("announce.label_who"), t("announce.ask_who"), choices=_audience_choices),
        Step("unit", t("announce.label_unit"), t("announce.ask_unit"), choices=_unit_choices,
             when=lambda ctx: _who(ctx) == "unit"),
        Step("group", t("announce.label_group"), t("announce.ask_group"), choices=_group_choices,
             when=lambda ctx: _who(ctx) == "group"),
        Step("text", t("announce.label_text"), t("announce.ask_text"), parse=_parse_text),
        Step("when", t("announce.label_when"), t("announce.ask_when"), parse=_parse_when,
             choices=(Choice(t("announce.send_now"), NOW),),
             show=lambda v: t("announce.send_now") if v == NOW else v),
    ),
    submit=submit,
))


@router.command("thongbao", access=Access.ADMIN, summary="help.thongbao")
async def announcements(ctx: Context) -> list[Reply]:
    lines = []
    for campaign in await ctx.repo.campaigns.recent():
        counts = await ctx.repo.campaigns.progress(campaign.id)
        lines.append(t(
            "announce.progress_line", id=campaign.id, kind=label(campaign.kind),
            when=local_datetime(campaign.send_at, ctx.options.timezone),
            queued=counts.get("queued", 0), sent=counts.get("sent", 0),
            failed=counts.get("failed", 0), blocked=counts.get("blocked", 0),
        ))
    overview = t("announce.progress", lines="\n".join(lines)) if lines else t("announce.no_campaigns")
    units = await ctx.repo.officials.units()
    started = await forms.start(ctx, ANNOUNCE_FORM, {"units": [[u.name, str(u.id)] for u in units]})
    return [Reply(overview), *started]
