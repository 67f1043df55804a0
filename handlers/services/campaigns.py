"""Which pushes are due, planned from the calendar and the database, at most once each.

`plan(repo, now, options)` is safe to run any number of times (every few minutes, and once at
start-up to catch up after downtime): each campaign and each delivery has a unique key, so
nothing is queued twice, and a reminder whose time passed while the bot was down is still
queued, as long as its window is open. Pushes never go out in the quiet hours; they wait for
the morning.
"""

from datetime import date, datetime, time, timedelta

from handlers.context import Context, Options
from handlers.formatting import show_date
from handlers.periods import open_period, period_label
from handlers.services.registration import window_days, window_in
from handlers.services.road import roads_with
from handlers.services.road_messages import next_step, view_choice
from handlers.texts import t
from handlers.types import Choice
from knowledge.courses import Catalogue
from knowledge.entries import PACKAGED
from knowledge.targets import load_targets
from storage.enums import CampaignKind
from storage.models import Campaign, Delivery
from storage.repo import Repo

SEND_AT = time(8, 0)  # calendar pushes go out at 08:00 local time
# Days before the training registration window closes that those not registered are reminded.
REGISTRATION_REMINDERS = (7, 1)
SELF_STUDY_DAY = 15  # the monthly Bình dân học vụ số nudge
ROAD_NUDGE_DAY = 10  # each quarter's road nudge: this day of its first month (after eval is due)
CATCH_UP = timedelta(days=7)  # a missed yearly or monthly push still goes out within a week


def local_moment(day: date, at: time, options: Options) -> datetime:
    return datetime.combine(day, at, tzinfo=options.timezone)


def next_allowed(moment: datetime, options: Options) -> datetime:
    """`moment`, or the end of the quiet hours if it falls inside them."""
    start, end = options.quiet
    local = moment.astimezone(options.timezone)
    quiet = local.hour >= start or local.hour < end if start > end else start <= local.hour < end
    if not quiet:
        return moment
    morning = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if local.hour >= start and start > end:
        morning += timedelta(days=1)
    return morning


async def notify(
    ctx: Context, key: str, official_id: int, text: str, choices: tuple[Choice, ...] = ()
) -> None:
    """Queue a message to one official (a review's outcome), in this update's transaction,
    to go out now or, in the quiet hours, in the morning."""
    await tell(ctx.repo, key, official_id, text, ctx.now, ctx.options, choices=choices)


async def tell(
    repo: Repo,
    key: str,
    official_id: int,
    text: str,
    now: datetime,
    options: Options,
    to: tuple[str, str] | None = None,
    choices: tuple[Choice, ...] = (),
) -> None:
    """`notify` outside a chat update (the operator's command line); with `to` (platform,
    chat id), to that chat only: an account no longer linked to the official."""
    await repo.deliveries.enqueue(
        key,
        official_id,
        text,
        [(c.label, c.value) for c in choices],
        due_at=next_allowed(now, options),
        to=to,
    )


async def plan(repo: Repo, now: datetime, options: Options) -> int:
    """Create the calendar campaigns due by `now`, queue the quarter's road nudges, then
    every ready campaign's deliveries. Returns how many deliveries were queued."""
    await _calendar_campaigns(repo, now, options)
    queued = await _road_nudges(repo, now, options)
    for campaign in await repo.campaigns.ready(now):
        queued += await expand(repo, campaign, now, options)
    return queued


async def expand(repo: Repo, campaign: Campaign, now: datetime, options: Options) -> int:
    """Queue the campaign's delivery to each of its recipients; how many were queued now."""
    queued = 0
    for official_id in await repo.campaigns.recipients(campaign.audience):
        queued += await _deliver(repo, campaign, official_id, now, options)
    campaign.expanded_at = now
    return queued


async def _deliver(
    repo: Repo, campaign: Campaign, official_id: int, now: datetime, options: Options
) -> bool:
    # Keyed by campaign and official: queued at most once, however often asked.
    return await repo.deliveries.enqueue(
        f"{campaign.key}:{official_id}",
        official_id,
        campaign.text,
        due_at=next_allowed(max(now, campaign.send_at), options),
        campaign_id=campaign.id,
        condition=campaign.audience.get("condition"),
    )


async def catch_up(repo: Repo, official_id: int, now: datetime, options: Options) -> int:
    """Queue, once, what an official who just linked their account missed: the notices of
    the open self-evaluation (with its deadline) and of the open training registration, and
    the announcements of the last `options.catch_up_days` days meant for them. How many were
    queued."""
    today = now.astimezone(options.timezone).date()
    period = open_period(today, options.calendar)
    keys = [f"eval-open:{period.key}"] if period is not None else []
    registration = window_in(await window_days(repo), today.year)
    if registration.is_open(today):
        keys.append(f"registration-open:{registration.year}")
    since = now - timedelta(days=options.catch_up_days)
    queued = 0
    for campaign in await repo.campaigns.expanded(keys, CampaignKind.ANNOUNCEMENT, since):
        if official_id in await repo.campaigns.recipients(campaign.audience, official_id):
            queued += await _deliver(repo, campaign, official_id, now, options)
    return queued


async def _calendar_campaigns(repo: Repo, now: datetime, options: Options) -> None:
    today = now.astimezone(options.timezone).date()
    period = open_period(today, options.calendar)
    if period is not None:
        label, due = period_label(period), show_date(period.due)
        opens_at = local_moment(period.opens, SEND_AT, options)
        if opens_at <= now:
            await repo.campaigns.ensure(
                f"eval-open:{period.key}",
                CampaignKind.EVAL_OPEN,
                t("campaigns.eval_open", period=label, due=due),
                {"who": "all"},
                opens_at,
            )
        for days, day in period.reminders():
            remind_at = local_moment(day, SEND_AT, options)
            if remind_at <= now:
                audience = {
                    "who": "not_submitted",
                    "period": period.key,
                    "condition": f"not_submitted:{period.key}",
                }
                await repo.campaigns.ensure(
                    f"eval-reminder:{period.key}:{days}",
                    CampaignKind.EVAL_REMINDER,
                    t("campaigns.eval_reminder", period=label, days=days, due=due),
                    audience,
                    remind_at,
                )

    await _registration_campaigns(repo, today, now, options)

    nudge_at = local_moment(today.replace(day=SELF_STUDY_DAY), SEND_AT, options)
    if nudge_at <= now < nudge_at + CATCH_UP:
        since = (today - timedelta(days=options.self_study_days)).isoformat()
        await repo.campaigns.ensure(
            f"self-study:{today:%Y-%m}",
            CampaignKind.SELF_STUDY_NUDGE,
            t("campaigns.self_study", days=options.self_study_days),
            {"who": "no_self_study", "since": since, "optional": True},
            nudge_at,
        )


async def _registration_campaigns(repo: Repo, today: date, now: datetime, options: Options) -> None:
    """The training registration window (the one admins set, read from the database): a
    notice to all when it opens, reminders to those not registered before it closes. Both
    are optional nudges (/caidat)."""
    window = window_in(await window_days(repo), today.year)
    if today > window.closes:
        return
    closes = show_date(window.closes)
    opens_at = local_moment(window.opens, SEND_AT, options)
    if opens_at <= now:
        await repo.campaigns.ensure(
            f"registration-open:{window.year}",
            CampaignKind.REGISTRATION_OPEN,
            t("campaigns.registration_open", year=window.year, closes=closes),
            {"who": "all", "optional": True},
            opens_at,
        )
    for days in REGISTRATION_REMINDERS:
        remind_at = local_moment(window.closes - timedelta(days=days), SEND_AT, options)
        if opens_at <= remind_at <= now:
            await repo.campaigns.ensure(
                f"registration-reminder:{window.year}:{days}",
                CampaignKind.REGISTRATION_REMINDER,
                t("campaigns.registration_reminder", year=window.year, days=days, closes=closes),
                {
                    "who": "not_registered",
                    "year": window.year,
                    "optional": True,
                    "condition": f"not_registered:{window.year}",
                },
                remind_at,
            )


async def _road_nudges(repo: Repo, now: datetime, options: Options) -> int:
    """Once a quarter, to each official with nudges on who has something left to do on their
    road to the standard: that one next step and a course for it (plan I.2: «có lộ trình cụ
    thể»). Keyed per quarter and official: queued once, and within the catch-up week to
    whoever links their account late."""
    today = now.astimezone(options.timezone).date()
    quarter = (today.month - 1) // 3 + 1
    nudge_at = local_moment(date(today.year, 3 * quarter - 2, ROAD_NUDGE_DAY), SEND_AT, options)
    if not nudge_at <= now < nudge_at + CATCH_UP:
        return 0
    prefix = f"road-nudge:{today.year}Q{quarter}:"
    done = await repo.deliveries.keys_starting(prefix)
    wanted = await repo.campaigns.recipients({"who": "all", "optional": True})
    officials = await repo.officials.by_ids([i for i in wanted if f"{prefix}{i}" not in done])
    if not officials:
        return 0
    folder = options.knowledge_dir or PACKAGED
    targets, catalogue = load_targets(folder), Catalogue.load(folder)
    roads = await roads_with(repo, officials, targets, catalogue, today, options.self_study_days)
    # What they registered to study this year or next (/dangky) is not suggested again.
    registered: dict[int, list] = {}
    for year in (today.year, today.year + 1):
        for registration in await repo.registrations.for_year(year):
            registered.setdefault(registration.official_id, []).append(registration)
    view, queued = view_choice(), 0
    for official in officials:
        step = next_step(roads[official.id], registered.get(official.id, ()))
        if step is None:
            continue
        queued += await repo.deliveries.enqueue(
            f"{prefix}{official.id}",
            official.id,
            step,
            [(view.label, view.value)],
            due_at=next_allowed(max(now, nudge_at), options),
        )
    return queued


async def still_wanted(repo: Repo, delivery: Delivery) -> bool:
    """Checked just before sending: a reminder to submit (or register) is dropped once the
    official has."""
    if delivery.condition and delivery.condition.startswith("not_submitted:"):
        period = delivery.condition.removeprefix("not_submitted:")
        return not await repo.evaluations.submitted(delivery.official_id, period)
    if delivery.condition and delivery.condition.startswith("not_registered:"):
        year = int(delivery.condition.removeprefix("not_registered:"))
        return not await repo.registrations.registered(delivery.official_id, year)
    return True
