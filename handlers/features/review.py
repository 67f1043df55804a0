"""/duyet: admins verify or reject pending course reports; the official is told either way.

The rules, audit entries and notices are handlers/services/reviews.py's, shared with the web
desk; this module is the chat's card and buttons.
"""

from handlers import forms
from handlers.context import Context
from handlers.formatting import show_date
from handlers.forms import Form, Invalid, Step
from handlers.router import Access, Router, record_id
from handlers.services import reviews
from handlers.services.reviews import Inconsistent, ReviewRefused, level_label, problem
from handlers.texts import label, t
from handlers.types import Attachment, Choice, Reply
from storage.enums import ReportStatus
from storage.models import CourseReport

router = Router()


@router.command("duyet", access=Access.UNIT_ADMIN, usage="/duyet [SỐ]", summary="help.duyet")
async def open_card(ctx: Context) -> list[Reply]:
    """The card of report N when it is waiting, else of the oldest one waiting."""
    number = record_id(ctx.args)
    unit_id = reviews.unit_of(ctx.official)
    report = await ctx.repo.reports.get(number) if number else None
    note = ""
    if report is not None and not reviews.may_review(ctx.official, report):
        note, report = t("review.not_in_unit", id=number), None
    elif number and (report is None or report.status != ReportStatus.PENDING):
        note = (
            t("review.already_reviewed", id=number, status=label(report.status))
            if report
            else t("review.no_such_report")
        )
        report = None
    report = report or await ctx.repo.reports.next_pending(unit_id=unit_id)
    if report is None:
        return [Reply(f"{note}\n{t('review.nothing_pending')}".strip())]
    return await _card(ctx, report, note)


@router.command("duyet_sau", access=Access.UNIT_ADMIN, hidden=True)
async def later(ctx: Context) -> list[Reply]:
    """«Để sau»: the next report waiting after this one (from the oldest again at the end)."""
    after, unit_id = record_id(ctx.args) or 0, reviews.unit_of(ctx.official)
    pending = ctx.repo.reports.next_pending
    report = await pending(after, unit_id) or await pending(unit_id=unit_id)
    if report is None:
        return [Reply(t("review.nothing_pending"))]
    return await _card(ctx, report, t("review.no_others_left") if report.id == after else "")


async def _card(ctx: Context, report: CourseReport, note: str) -> list[Reply]:
    # besides the one on the card
    others = await ctx.repo.reports.count_pending(reviews.unit_of(ctx.official)) - 1
    replies = _show(
        report, others, problem(report, ctx.knowledge.courses), reviews.own(ctx.official, report)
    )
    if note:
        replies[-1] = Reply(f"{note}\n\n{replies[-1].text}", replies[-1].choices)
    return replies


def _show(report: CourseReport, others: int, trouble: str | None, own: bool) -> list[Reply]:
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
        level=level_label(report),
        certificate=_certificate_note(report),
        others=t("review.others", count=others) if others else t("review.no_others"),
    )
    if not official.active:
        details += "\n" + t("review.inactive")
    if trouble:  # written before the form checked this: shown as it is, and only rejected
        details += "\n\n" + t("review.inconsistent", problem=trouble)
    if own:  # shown, as it is waiting, but someone else reviews it
        details += "\n\n" + t("review.own_report_mark")
    choices = (
        *(() if trouble or own else (Choice(t("review.verify_button"), f"/duyet_ok {report.id}"),)),
        *(() if own else (Choice(t("review.reject_button"), f"/tuchoi {report.id}"),)),
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


def _certificate_note(report: CourseReport) -> str:
    has_file = report.certificate_file_id or report.certificate_url
    return t("review.certificate_yes") if has_file else t("review.certificate_no")


async def _pending(ctx: Context) -> CourseReport:
    number = record_id(ctx.args)
    if not number:
        raise Invalid(t("review.no_such_report"))
    try:
        return await reviews.pending_report(ctx.repo, ctx.official, number)
    except ReviewRefused as refused:
        raise Invalid(str(refused)) from None


@router.command("duyet_ok", access=Access.UNIT_ADMIN, hidden=True)
async def verify(ctx: Context) -> Reply:
    report = await _pending(ctx)
    try:
        done = await reviews.verify(
            ctx.repo,
            ctx.official,
            report.id,
            now=ctx.now,
            options=ctx.options,
            catalogue=ctx.knowledge.courses,
        )
    except Inconsistent as refused:
        return Reply(str(refused), (Choice(t("review.reject_button"), f"/tuchoi {report.id}"),))
    text = t("review.verified", id=report.id, name=report.official.full_name)
    if done.raised:
        text += "\n" + t("review.level_raised", level=done.raised)
    return Reply(text, (Choice(t("review.next_button"), "/duyet"),))


async def submit_rejection(ctx: Context, answers: dict) -> Reply:
    try:
        report = await reviews.reject(
            ctx.repo,
            ctx.official,
            answers["report_id"],
            answers["reason"],
            now=ctx.now,
            options=ctx.options,
        )
    except ReviewRefused as refused:
        return Reply(str(refused))
    return Reply(
        t("review.rejected", id=report.id, name=report.official.full_name),
        (Choice(t("review.next_button"), "/duyet"),),
    )


def _reason(text: str, ctx: Context) -> str:
    try:
        return reviews.clean_reason(text)
    except ReviewRefused as refused:
        raise Invalid(str(refused)) from None


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
                max_length=reviews.MAX_REASON,
            ),
        ),
        submit=submit_rejection,
        access=Access.UNIT_ADMIN,
        subject=t("review.label_subject"),
    )
)


@router.command("tuchoi", access=Access.UNIT_ADMIN, hidden=True)
async def reject(ctx: Context):
    report = await _pending(ctx)
    subject = t(
        "review.subject", id=report.id, name=report.official.full_name, course=report.course_name
    )
    return await forms.start(ctx, REJECT_FORM, {"report_id": report.id, "subject": subject})
