"""/duyet: admins verify or reject pending course reports; the official is told either way.

A verified degree, political-theory or state-management report raises the level on the
official's record (never lowers it).
"""

from handlers import forms
from handlers.context import Context
from handlers.formatting import show_date
from handlers.forms import Form, Invalid, Step
from handlers.router import Access, Router, record_id
from handlers.services.campaigns import notify
from handlers.texts import label, t
from handlers.types import Attachment, Choice, Reply
from knowledge.courses import Catalogue
from knowledge.vocabulary import attained_level
from storage.enums import ReportStatus
from storage.models import CourseReport, Official

router = Router()

# The record field each levelled category raises.
LEVEL_FIELDS = {
    "degree": "education_level",
    "political_theory": "political_theory_level",
    "state_management": "state_management_level",
}
MAX_REASON = 500


@router.command("duyet", access=Access.ADMIN, usage="/duyet [SỐ]", summary="help.duyet")
async def open_card(ctx: Context) -> list[Reply]:
    """The card of report N when it is waiting, else of the oldest one waiting."""
    number = record_id(ctx.args)
    report = await ctx.repo.reports.get(number) if number else None
    note = ""
    if number and (report is None or report.status != ReportStatus.PENDING):
        note = (
            t("review.already_reviewed", id=number, status=label(report.status))
            if report
            else t("review.no_such_report")
        )
        report = None
    report = report or await ctx.repo.reports.next_pending()
    if report is None:
        return [Reply(f"{note}\n{t('review.nothing_pending')}".strip())]
    return await _card(ctx, report, note)


@router.command("duyet_sau", access=Access.ADMIN, hidden=True)
async def later(ctx: Context) -> list[Reply]:
    """«Để sau»: the next report waiting after this one (from the oldest again at the end)."""
    after = record_id(ctx.args) or 0
    report = await ctx.repo.reports.next_pending(after) or await ctx.repo.reports.next_pending()
    if report is None:
        return [Reply(t("review.nothing_pending"))]
    return await _card(ctx, report, t("review.no_others_left") if report.id == after else "")


async def _card(ctx: Context, report: CourseReport, note: str) -> list[Reply]:
    others = await ctx.repo.reports.count_pending() - 1  # besides the one on the card
    replies = _show(report, others, problem(report, ctx.knowledge.courses))
    if note:
        replies[-1] = Reply(f"{note}\n\n{replies[-1].text}", replies[-1].choices)
    return replies


def _show(report: CourseReport, others: int, trouble: str | None) -> list[Reply]:
    official = report.official
    details = t(
        "review.card",
        id=report.id,
        name=official.full_name,
        code=official.code,
        course=report.course_name,
        category=label(report.category),
        provider=report.provider or "—",
        date=show_date(report.completed_on),
        hours=report.hours or "—",
        level=_level_label(report),
        certificate=_certificate_note(report),
        others=t("review.others", count=others) if others else t("review.no_others"),
    )
    if not official.active:
        details += "\n" + t("review.inactive")
    if trouble:  # written before the form checked this: shown as it is, and only rejected
        details += "\n\n" + t("review.inconsistent", problem=trouble)
    choices = (
        *(() if trouble else (Choice(t("review.verify_button"), f"/duyet_ok {report.id}"),)),
        Choice(t("review.reject_button"), f"/tuchoi {report.id}"),
        Choice(t("review.later_button"), f"/duyet_sau {report.id}"),
    )
    replies = []
    if report.certificate_file_id or report.certificate_url:
        replies.append(
            Reply(
                t("review.certificate_caption", id=report.id),
                attachment=Attachment(
                    report.certificate_kind or "photo",
                    file_id=report.certificate_file_id,
                    url=report.certificate_url,
                    name=f"chung-nhan-{report.id}",
                ),
            )
        )
    return [*replies, Reply(details, choices)]


def _level_label(report: CourseReport) -> str:
    try:
        level = attained_level(report.category, report.level)
    except ValueError:
        return report.level  # as stored; `problem` says what is wrong with it
    return label(level) if level else "—"


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


def _certificate_note(report: CourseReport) -> str:
    has_file = report.certificate_file_id or report.certificate_url
    return t("review.certificate_yes") if has_file else t("review.certificate_no")


async def _pending(ctx: Context) -> CourseReport:
    number = record_id(ctx.args)
    report = await ctx.repo.reports.get(number) if number else None
    if report is None:
        raise Invalid(t("review.no_such_report"))
    if report.status != ReportStatus.PENDING:
        raise Invalid(t("review.already_reviewed", id=report.id, status=label(report.status)))
    return report


@router.command("duyet_ok", access=Access.ADMIN, hidden=True)
async def verify(ctx: Context) -> Reply:
    report = await _pending(ctx)
    if trouble := problem(report, ctx.knowledge.courses):
        return Reply(
            t("review.cannot_verify", id=report.id, problem=trouble),
            (Choice(t("review.reject_button"), f"/tuchoi {report.id}"),),
        )
    await ctx.repo.reports.review(report, ReportStatus.VERIFIED, ctx.official.id, ctx.now)
    await ctx.repo.audit.record(
        ctx.actor,
        "report_verified",
        "course_report",
        report.id,
        before={"status": "pending"},
        after={"status": "verified"},
    )
    raised = await raise_level(ctx, report)
    await notify(
        ctx,
        f"report-reviewed:{report.id}",
        report.official_id,
        t("review.notice_verified", id=report.id, course=report.course_name)
        + (("\n" + t("review.notice_level", level=raised)) if raised else ""),
    )
    text = t("review.verified", id=report.id, name=report.official.full_name)
    if raised:
        text += "\n" + t("review.level_raised", level=raised)
    return Reply(text, (Choice(t("review.next_button"), "/duyet"),))


async def raise_level(ctx: Context, report: CourseReport) -> str | None:
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
    await ctx.repo.audit.record(
        ctx.actor,
        "official_level_raised",
        "official",
        official.code,
        before={field: current.value if current else None},
        after={field: attained.value},
        note=f"course_report:{report.id}",
    )
    return label(attained)


async def submit_rejection(ctx: Context, answers: dict) -> Reply:
    report = await ctx.repo.reports.get(answers["report_id"])
    if report is None or report.status != ReportStatus.PENDING:
        return Reply(
            t(
                "review.already_reviewed",
                id=answers["report_id"],
                status=label(report.status) if report else "—",
            )
        )
    reason = answers["reason"]
    await ctx.repo.reports.review(report, ReportStatus.REJECTED, ctx.official.id, ctx.now, reason)
    await ctx.repo.audit.record(
        ctx.actor,
        "report_rejected",
        "course_report",
        report.id,
        before={"status": "pending"},
        after={"status": "rejected", "reason": reason},
    )
    await notify(
        ctx,
        f"report-reviewed:{report.id}",
        report.official_id,
        t("review.notice_rejected", id=report.id, course=report.course_name, reason=reason)
        + ("\n" + t("review.notice_resubmit") if report.official.active else ""),
    )
    return Reply(
        t("review.rejected", id=report.id, name=report.official.full_name),
        (Choice(t("review.next_button"), "/duyet"),),
    )


def _reason(text: str, ctx: Context) -> str:
    if len(text) < 3:
        raise Invalid(t("review.reason_short"))
    return text


REJECT_FORM = router.form(
    Form(
        name="tuchoi",
        title=t("review.reject_title"),
        steps=(
            Step(
                "reason",
                t("review.label_reason"),
                t("review.ask_reason"),
                parse=_reason,
                max_length=MAX_REASON,
            ),
        ),
        submit=submit_rejection,
        access=Access.ADMIN,
        subject=t("review.label_subject"),
    )
)


@router.command("tuchoi", access=Access.ADMIN, hidden=True)
async def reject(ctx: Context):
    report = await _pending(ctx)
    subject = t(
        "review.subject", id=report.id, name=report.official.full_name, course=report.course_name
    )
    return await forms.start(ctx, REJECT_FORM, {"report_id": report.id, "subject": subject})
