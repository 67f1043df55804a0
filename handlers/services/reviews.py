"""Verifying and rejecting course reports: who may review which report, the checks, the
audit entries and the official's notice. The chat's /duyet and the web desk's «Báo cáo chờ
duyệt» both go through here, so the rules are the same wherever an admin works.

A verified degree, political-theory or state-management report raises the level on the
official's record (never lowers it).
"""

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from handlers.context import Options
from handlers.errors import UserError
from handlers.services.campaigns import tell
from handlers.services.desk import actor_of
from handlers.services.road_messages import view_choice
from handlers.services.summaries.scope import visible_unit
from handlers.texts import label, t
from knowledge.courses import Catalogue
from knowledge.vocabulary import attained_level
from storage.enums import ReportStatus, Role
from storage.models import CourseReport, Official
from storage.repo import Repo

# The record field each levelled category raises.
LEVEL_FIELDS = {
    "degree": "education_level",
    "political_theory": "political_theory_level",
    "state_management": "state_management_level",
}
MIN_REASON = 3
MAX_REASON = 500


class ReviewRefused(UserError):
    """This report cannot be reviewed as asked; the message says why. Nothing was changed."""


class Inconsistent(ReviewRefused):
    """The stored report does not agree with itself: it can be rejected, not verified."""


@dataclass(frozen=True)
class Verified:
    report: CourseReport
    raised: str | None  # the official's new level, when the report raised it


def may_review(reviewer: Official, report: CourseReport) -> bool:
    """Admins review every report; unit admins those of their own unit's officials."""
    if reviewer.role == Role.ADMIN:
        return True
    return (
        reviewer.role == Role.UNIT_ADMIN
        and reviewer.unit_id is not None
        and report.official.unit_id == reviewer.unit_id
    )


def own(reviewer: Official, report: CourseReport) -> bool:
    """The reviewer's own report: someone else reviews it (nobody reviews their own work)."""
    return report.official_id == reviewer.id


def unit_of(reviewer: Official) -> int | None:
    """The unit whose reports `reviewer` reviews: None (every one) for an admin. A unit admin
    with no unit reviews none (ScopeError)."""
    unit = visible_unit(reviewer)
    return unit.id if unit is not None else None


async def waiting(repo: Repo, reviewer: Official, limit: int) -> tuple[list[CourseReport], int]:
    """The oldest `limit` pending reports `reviewer` may review, and how many there are in
    all. A unit admin with no unit sees none (ScopeError)."""
    unit_id = unit_of(reviewer)
    return await repo.reports.pending(unit_id, limit), await repo.reports.count_pending(unit_id)


async def pending_report(repo: Repo, reviewer: Official, report_id: int) -> CourseReport:
    """Report `report_id`, if it exists, `reviewer` may review it (in scope, not their own),
    and it is still pending."""
    report = await repo.reports.get(report_id)
    if report is None:
        raise ReviewRefused(t("review.not_found", id=report_id))
    if not may_review(reviewer, report):
        raise ReviewRefused(t("review.not_in_unit", id=report_id))
    if own(reviewer, report):
        raise ReviewRefused(t("review.own_report", id=report_id))
    if report.status != ReportStatus.PENDING:
        raise ReviewRefused(await already_reviewed(repo, report))
    return report


async def why_not(
    repo: Repo, reviewer: Official, report_id: int, catalogue: Catalogue, verifying: bool
) -> str | None:
    """Why `reviewer` cannot verify (or reject) report `report_id` now, if they cannot."""
    try:
        report = await pending_report(repo, reviewer, report_id)
    except ReviewRefused as refused:
        return str(refused)
    trouble = problem(report, catalogue) if verifying else None
    return t("review.cannot_verify", id=report.id, problem=trouble) if trouble else None


async def already_reviewed(repo: Repo, report: CourseReport) -> str:
    """Its state now, and who reviewed it: someone else may have, since the reviewer looked."""
    reviewer = await repo.officials.get(report.reviewed_by_id) if report.reviewed_by_id else None
    if reviewer is None or report.status == ReportStatus.WITHDRAWN:
        return t("review.already_reviewed", id=report.id, status=label(report.status))
    return t(
        "review.already_reviewed_by",
        id=report.id,
        status=label(report.status),
        name=reviewer.full_name,
    )


def problem(report: CourseReport, catalogue: Catalogue) -> str | None:
    """What in a stored report does not agree (category, catalogue course, level), if any."""
    try:
        attained_level(report.category, report.level)
    except ValueError:
        return t("review.level_mismatch", level=report.level, category=label(report.category))
    course = catalogue.get(report.course_id) if report.course_id else None
    if course is not None and course.category != report.category:
        return t("review.course_mismatch", course=course.name, category=label(report.category))
    return None


def level_label(report: CourseReport) -> str:
    try:
        level = attained_level(report.category, report.level)
    except ValueError:
        return report.level  # as stored; `problem` says what is wrong with it
    return label(level) if level else "—"


def clean_reason(text: str) -> str:
    """A rejection reason as the official will read it: without invisible characters (as
    chat messages are), at least a few characters, at most MAX_REASON (refused, not cut)."""
    reason = "".join(
        ch
        for ch in text
        if ch in "\n\t" or ch.isprintable() or unicodedata.category(ch) not in ("Cc", "Cf")
    ).strip()
    if len(reason) < MIN_REASON:
        raise ReviewRefused(t("review.reason_short"))
    if len(reason) > MAX_REASON:
        raise ReviewRefused(
            t(
                "forms.too_long",
                label=t("review.label_reason"),
                length=len(reason),
                limit=MAX_REASON,
            )
        )
    return reason


async def verify(
    repo: Repo,
    reviewer: Official,
    report_id: int,
    *,
    now: datetime,
    options: Options,
    catalogue: Catalogue,
) -> Verified:
    report = await pending_report(repo, reviewer, report_id)
    if trouble := problem(report, catalogue):
        raise Inconsistent(t("review.cannot_verify", id=report.id, problem=trouble))
    await _review(repo, report, ReportStatus.VERIFIED, reviewer, now)
    await repo.audit.record(
        actor_of(reviewer),
        "report_verified",
        "course_report",
        report.id,
        before={"status": "pending"},
        after={"status": "verified"},
    )
    raised = await _raise_level(repo, reviewer, report)
    notice = t("review.notice_verified", id=report.id, course=report.course_name)
    if raised:
        notice += "\n" + t("review.notice_level", level=raised)
    # Where the official now stands: one tap to their road.
    await tell(
        repo,
        f"report-reviewed:{report.id}",
        report.official_id,
        notice,
        now,
        options,
        choices=(view_choice(),),
    )
    return Verified(report, raised)


async def reject(
    repo: Repo,
    reviewer: Official,
    report_id: int,
    reason: str,
    *,
    now: datetime,
    options: Options,
) -> CourseReport:
    reason = clean_reason(reason)
    report = await pending_report(repo, reviewer, report_id)
    await _review(repo, report, ReportStatus.REJECTED, reviewer, now, reason)
    await repo.audit.record(
        actor_of(reviewer),
        "report_rejected",
        "course_report",
        report.id,
        before={"status": "pending"},
        after={"status": "rejected", "reason": reason},
    )
    notice = t("review.notice_rejected", id=report.id, course=report.course_name, reason=reason)
    if report.official.active:
        notice += "\n" + t("review.notice_resubmit")
    await tell(repo, f"report-reviewed:{report.id}", report.official_id, notice, now, options)
    return report


async def _review(
    repo: Repo,
    report: CourseReport,
    status: ReportStatus,
    reviewer: Official,
    now: datetime,
    note: str | None = None,
) -> None:
    """Someone else may have reviewed it (or its official withdrawn it) since it was read."""
    if not await repo.reports.review(report, status, reviewer.id, now, note):
        raise ReviewRefused(await already_reviewed(repo, report))


async def _raise_level(repo: Repo, reviewer: Official, report: CourseReport) -> str | None:
    """Raise the official's recorded level to the report's, if higher; the new level's name."""
    field = LEVEL_FIELDS.get(report.category.value)
    attained = attained_level(report.category, report.level)  # checked by `problem` before
    if field is None or attained is None:
        return None
    official: Official = report.official
    current = getattr(official, field)
    if current is not None and current.rank >= attained.rank:
        return None
    setattr(official, field, attained)
    await repo.audit.record(
        actor_of(reviewer),
        "official_level_raised",
        "official",
        official.code,
        before={field: current.value if current else None},
        after={field: attained.value},
        note=f"course_report:{report.id}",
    )
    return label(attained)
