"""Announcements: an admin's message to everyone, a unit, a position group, or those who have
not submitted this period's self-evaluation, now or at a given time; each campaign's progress;
the cancelling of one nobody has been sent yet. The chat's /thongbao and the desk's «Thông
báo» both work through here, so the rules, the audit entries and the outbox are the same."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.context import Options
from handlers.dates import parse_moment
from handlers.errors import UserError
from handlers.periods import Calendar, current_period
from handlers.services.campaigns import expand, next_allowed
from handlers.texts import t
from storage.enums import CampaignKind, Role
from storage.models import Campaign, Official
from storage.repo import Repo

MIN_TEXT = 5
MAX_TEXT = 1500
LOOK_AHEAD_DAYS = 366  # how far ahead an announcement may be scheduled
PREVIEW = 40  # characters of an announcement shown in the list of campaigns
# The same send again by the same author within this long is a repeat (a form posted twice, a
# page reloaded after «Gửi ngay»), not a new announcement: it is not queued again.
REPEAT_WINDOW = timedelta(minutes=10)
AUDIENCES = ("all", "unit", "group", "not_submitted")
# A campaign's deliveries by where they are, in the order they are told.
PROGRESS = ("sent", "queued", "later", "retry", "failed", "blocked", "dropped")


def may_announce(official: Official | None) -> bool:
    """Announcing is an admin's (the chat's /thongbao is Access.ADMIN): not a unit admin's."""
    return official is not None and official.active and official.role == Role.ADMIN


def checked_text(text: str) -> str:
    """The announcement's text, stripped; raises UserError when too short or too long."""
    text = text.strip()
    if len(text) < MIN_TEXT:
        raise UserError(t("announce.text_short"))
    if len(text) > MAX_TEXT:
        raise UserError(t("announce.text_long", limit=MAX_TEXT))
    return text


def scheduled_time(typed: str, local_now: datetime) -> datetime:
    """A local time typed as the chat takes it ("01/12/2026 08:00", "ngày mai 8h"), from now
    to a year ahead; raises UserError (a time past, too far, or not a time)."""
    latest = local_now.date() + timedelta(days=LOOK_AHEAD_DAYS)  # 29/02: no year+1
    return parse_moment(typed, local_now, latest)


def audience_of(
    who: str, today: date, calendar: Calendar, *, unit_id: int | None = None, group: str = ""
) -> dict:
    """The stored audience: everyone, a unit, a position group, or those who have not
    submitted the self-evaluation of the period current on `today`."""
    if who == "unit":
        return {"who": "unit", "unit_id": unit_id}
    if who == "group":
        return {"who": "group", "group": group}
    if who == "not_submitted":
        return {"who": "not_submitted", "period": current_period(today, calendar).key}
    return {"who": "all"}


@dataclass(frozen=True)
class Reach:
    linked: int  # officials the announcement reaches now
    everyone: int  # and those of its audience not linked yet


async def reach(repo: Repo, audience: dict) -> Reach:
    linked = await repo.campaigns.recipients(audience)
    everyone = await repo.campaigns.recipients(audience, linked=False)
    return Reach(len(linked), len(everyone))


class AlreadySent(UserError):
    """The same announcement was sent by the same author moments ago; nothing was stored."""

    def __init__(self, earlier: Campaign, zone: ZoneInfo):
        at = earlier.created_at.astimezone(zone)
        super().__init__(t("announce.already_sent", at=f"{at:%H:%M %d/%m/%Y}", id=earlier.id))
        self.earlier = earlier


async def repeated(
    repo: Repo, text: str, audience: dict, send_at: datetime | None, *, now: datetime, actor: str
) -> Campaign | None:
    """The announcement `actor` made in the last REPEAT_WINDOW with the same text, audience
    and schedule (both «now», or the same time), if any."""
    stored = t("announce.message", text=checked_text(text))
    for earlier in await repo.campaigns.announced_since(actor, now - REPEAT_WINDOW):
        sent_now = earlier.send_at == earlier.created_at
        same_time = sent_now if send_at is None else not sent_now and earlier.send_at == send_at
        if earlier.text == stored and earlier.audience == audience and same_time:
            return earlier
    return None


@dataclass(frozen=True)
class Announced:
    campaign: Campaign
    queued: int | None  # deliveries queued now; None when scheduled for later
    goes: datetime  # when it really goes, the quiet hours allowing


async def announce(
    repo: Repo,
    text: str,
    audience: dict,
    send_at: datetime | None,
    *,
    now: datetime,
    options: Options,
    actor: str,
) -> Announced:
    """Store the announcement (audited); with no `send_at`, queue it now, in this
    transaction, for the sender to take at once (not at the next planning round, minutes
    away). Raises UserError for a text out of bounds, AlreadySent for a repeat."""
    if earlier := await repeated(repo, text, audience, send_at, now=now, actor=actor):
        raise AlreadySent(earlier, options.timezone)
    campaign = await repo.campaigns.add(
        Campaign(
            key=f"announcement:{uuid.uuid4().hex}",
            kind=CampaignKind.ANNOUNCEMENT,
            text=t("announce.message", text=checked_text(text)),
            audience=audience,
            send_at=send_at or now,
            created_by=actor,
            created_at=now,  # equal to send_at when sent now: `repeated` tells them so
        )
    )
    await repo.audit.record(
        actor,
        "announcement",
        "campaign",
        campaign.id,
        after={"audience": campaign.audience, "send_at": campaign.send_at.isoformat()},
    )
    queued = None if send_at is not None else await expand(repo, campaign, now, options)
    return Announced(campaign, queued, next_allowed(campaign.send_at, options))


@dataclass(frozen=True)
class Progress:
    campaign: Campaign
    counts: dict[str, int]  # deliveries by PROGRESS name

    @property
    def cancellable(self) -> bool:
        """An announcement nobody has been sent yet: not due, or held for the quiet hours'
        end."""
        started = any(self.counts.get(name) for name in PROGRESS if name != "later")
        return self.campaign.kind == CampaignKind.ANNOUNCEMENT and not started

    @property
    def delivered_to(self) -> int:
        return sum(self.counts.values())

    @property
    def summary(self) -> str:
        """ "đã gửi 5 · chờ hết giờ nghỉ 3 …": the statuses that have any, sent always first."""
        if self.campaign.expanded_at is None:
            return t("announce.progress_not_yet")
        if not self.counts:
            return t("announce.progress_nobody")
        return " · ".join(
            t(f"announce.progress_{name}", count=self.counts.get(name, 0))
            for name in PROGRESS
            if name == "sent" or self.counts.get(name)
        )

    @property
    def preview(self) -> str:
        return preview(self.campaign)


def written(campaign: Campaign) -> str:
    """What the admin wrote, without the «📣 Thông báo:» every announcement starts with."""
    return campaign.text.removeprefix(t("announce.message", text="")).strip()


def preview(campaign: Campaign) -> str:
    """The start of what the admin wrote, cut at a word."""
    text = written(campaign)
    return text if len(text) <= PREVIEW else text[:PREVIEW].rsplit(" ", 1)[0] + "…"


async def progress(repo: Repo, campaign: Campaign, now: datetime) -> Progress:
    return Progress(campaign, await repo.campaigns.progress(campaign.id, now))


async def recent(repo: Repo, now: datetime, limit: int = 5) -> list[Progress]:
    """The latest campaigns (calendar pushes too), latest first, with how far each has gone."""
    return [await progress(repo, c, now) for c in await repo.campaigns.recent(limit)]


async def unsent(repo: Repo, campaign_id: int | None, now: datetime) -> Campaign | None:
    """The announcement with this id if nobody has been sent it yet, else None."""
    campaign = await repo.campaigns.get(campaign_id) if campaign_id else None
    if campaign is None or not (await progress(repo, campaign, now)).cancellable:
        return None
    return campaign


async def cancel(repo: Repo, campaign: Campaign, actor: str) -> None:
    """Delete an announcement found by `unsent` and its queued deliveries (audited with its
    text, so what was cancelled can still be told)."""
    await repo.audit.record(
        actor,
        "announcement_cancelled",
        "campaign",
        campaign.id,
        before={"text": campaign.text, "send_at": campaign.send_at.isoformat()},
    )
    await repo.campaigns.delete(campaign)
