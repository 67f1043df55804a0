"""/thongbao: admins announce to everyone, a unit, a position group, or those who have not
submitted this period's self-evaluation, now or at a given time; and see each campaign's
progress (sent, sending, waiting for the end of the quiet hours, failed, blocked)."""

from datetime import datetime

from handlers import forms
from handlers.context import Context
from handlers.errors import UserError
from handlers.formatting import local_datetime, show_datetime
from handlers.forms import Form, Invalid, Step
from handlers.periods import current_period, period_label
from handlers.router import Access, Router, record_id
from handlers.services import announcements as service
from handlers.services.campaigns import next_allowed
from handlers.texts import label, t
from handlers.types import Choice, Reply
from knowledge.vocabulary import PositionGroup

router = Router()

NOW = "now"


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
    try:
        return service.checked_text(text)
    except UserError as refused:
        raise Invalid(str(refused)) from None


def _parse_when(text: str, ctx: Context) -> dict:
    """{"at": "now" or a local time from now to a year ahead ("01/12/2026 08:00", "ngày mai
    8h"), "goes": when it will really go, the quiet hours allowing}."""
    at = ctx.local_now if ctx.picked == NOW else service.scheduled_time(text, ctx.local_now)
    goes = next_allowed(at, ctx.options).astimezone(ctx.options.timezone)
    return {
        "at": NOW if ctx.picked == NOW else at.isoformat(),
        "goes": goes.isoformat(),
        "quiet": goes != at,
    }


def _send_at(answers: dict) -> datetime | None:
    """The time chosen, or None for «Gửi ngay»."""
    at = answers["when"]["at"]
    return None if at == NOW else datetime.fromisoformat(at)


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
    unit = answers.get("unit")
    return service.audience_of(
        answers["who"],
        ctx.local_now.date(),
        ctx.options.calendar,
        unit_id=int(unit) if unit else None,
        group=answers.get("group") or "",
    )


async def submit(ctx: Context, answers: dict) -> Reply:
    send_at = _send_at(answers)
    try:
        done = await service.announce(
            ctx.repo,
            answers["text"],
            _audience(ctx, answers),
            send_at,
            now=ctx.now,
            options=ctx.options,
            actor=ctx.actor,
        )
    except service.AlreadySent as repeat:  # the form closes: nothing more to send
        return Reply(str(repeat))
    campaign = done.campaign
    if send_at is not None:
        when = local_datetime(send_at, ctx.options.timezone)
        return Reply(t("announce.scheduled", id=campaign.id, when=when) + _quiet(ctx, send_at))
    return Reply(await _sent_now(ctx, done))


async def _sent_now(ctx: Context, done: service.Announced) -> str:
    """What was queued, and who it cannot reach yet."""
    campaign, queued = done.campaign, done.queued
    if not queued:
        return t("announce.no_recipients", id=campaign.id)
    held = _quiet(ctx, ctx.now)  # queued for the end of the quiet hours
    text = t("announce.held" if held else "announce.queued", id=campaign.id, count=queued) + held
    audience = (await service.reach(ctx.repo, campaign.audience)).everyone
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


@router.command("thongbao", access=Access.ADMIN, summary="help.thongbao")
async def announcements(ctx: Context) -> Reply:
    """The latest campaigns and how far each has gone; a new announcement or the cancelling
    of one not sent yet are a button away (this command itself changes nothing)."""
    lines, waiting = [], []
    for progress in await service.recent(ctx.repo, ctx.now):
        campaign = progress.campaign
        lines.append(
            t(
                "announce.progress_line",
                id=campaign.id,
                kind=label(campaign.kind),
                when=local_datetime(campaign.send_at, ctx.options.timezone),
                counts=progress.summary,
                preview=progress.preview,
            )
        )
        if progress.cancellable:
            waiting.append(
                Choice(t("announce.cancel_button", id=campaign.id), f"/thongbao_huy {campaign.id}")
            )
    overview = (
        t("announce.progress", lines="\n".join(lines)) if lines else t("announce.no_campaigns")
    )
    return Reply(overview, (Choice(t("announce.new_button"), "/thongbao_moi"), *waiting))


@router.command("thongbao_moi", access=Access.ADMIN, hidden=True)
async def compose(ctx: Context):
    units = await ctx.repo.officials.units()
    return await forms.start(ctx, ANNOUNCE_FORM, {"units": [[u.name, str(u.id)] for u in units]})


async def submit_cancel(ctx: Context, answers: dict) -> Reply:
    campaign = await service.unsent(ctx.repo, answers["campaign_id"], ctx.now)
    if campaign is None:  # started meanwhile
        return Reply(t("announce.not_cancellable"))
    await service.cancel(ctx.repo, campaign, ctx.actor)
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
    campaign = await service.unsent(ctx.repo, record_id(ctx.args), ctx.now)
    if campaign is None:
        return Reply(t("announce.not_cancellable"))
    subject = t(
        "announce.cancel_subject",
        id=campaign.id,
        preview=service.preview(campaign),
        when=local_datetime(campaign.send_at, ctx.options.timezone),
    )
    return await forms.start(ctx, CANCEL_FORM, {"campaign_id": campaign.id, "subject": subject})
