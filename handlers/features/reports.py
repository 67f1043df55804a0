"""/baocao: an official reports a completed course; /khoahoc lists their reports; /rut withdraws."""

import re
import unicodedata
from datetime import date

from handlers import forms
from handlers.context import Context
from handlers.course_steps import catalogue_course, category_of, category_step, course_steps
from handlers.dates import parse_day
from handlers.formatting import show_date
from handlers.forms import Form, Invalid, Step
from handlers.router import Access, Router, record_id
from handlers.texts import label, t
from handlers.types import Choice, Reply
from knowledge.courses import Catalogue
from knowledge.vocabulary import LEVELS, CourseCategory, attained_level
from storage.enums import ReportStatus
from storage.models import CourseReport
from storage.types import max_length

router = Router()

MAX_HOURS = 2000
DEFAULT_PROVIDER = "p:default"  # the catalogue's provider for the chosen course


# "8", "8 giờ", "8h", "1 tiếng": with a unit, "1" is one hour even where "1" picks «Bỏ qua».
# Signs and other digits are not numbers of hours: "-5" is refused, not read as 5.
HOURS = re.compile(r"\s*(\d{1,4})\s*(?:h|giờ|gio|tiếng|tieng)?\s*", re.ASCII)


def parse_hours(text: str, ctx: Context) -> int:
    found = HOURS.fullmatch(unicodedata.normalize("NFC", text).lower())
    if found is None or not 1 <= int(found[1]) <= MAX_HOURS:
        raise Invalid(t("reports.hours_invalid", limit=MAX_HOURS))
    return int(found[1])


def parse_certificate(text: str, ctx: Context) -> dict:
    if not ctx.incoming.attachments:
        raise Invalid(t("reports.certificate_missing"))
    file = ctx.incoming.attachments[0]
    # What the platform gives to fetch the file again must fit its column whole: a cut
    # address would show the reviewer nothing.
    for value, column in (
        (file.url, CourseReport.certificate_url),
        (file.file_id, CourseReport.certificate_file_id),
    ):
        if value and len(value) > max_length(column):
            raise Invalid(t(f"reports.certificate_too_long_{file.kind}", limit=max_length(column)))
    return {
        "kind": file.kind,
        "file_id": file.file_id,
        "url": file.url,
        "platform": ctx.incoming.channel,
        "name": file.name,
    }


def _certificate_prompt(ctx: Context) -> str:
    # Zalo users can send photos only, not files.
    return t(
        "reports.ask_certificate_photo"
        if ctx.incoming.channel == "zalo"
        else "reports.ask_certificate"
    )


def _levelled(ctx: Context) -> bool:
    return "category" in ctx.state.answers and category_of(ctx) in LEVELS


def _needs_level(ctx: Context) -> bool:
    """Asked for a levelled category when the course named does not fix the level."""
    if not _levelled(ctx) or "course" not in ctx.state.answers:
        return False
    course = catalogue_course(ctx)
    return not (course and course.level)


def _course_level(ctx: Context) -> str | None:
    course = catalogue_course(ctx)
    return course.level if _levelled(ctx) and course and course.level else None


def _level_choices(ctx: Context) -> tuple[Choice, ...]:
    return tuple(Choice(label(level), level.value) for level in LEVELS[category_of(ctx)])


def _provider_choices(ctx: Context) -> tuple[Choice, ...]:
    course = catalogue_course(ctx)
    return (Choice(course.provider, DEFAULT_PROVIDER),) if course and course.provider else ()


def _provider(text: str, ctx: Context) -> str:
    if ctx.picked == DEFAULT_PROVIDER and catalogue_course(ctx):
        return catalogue_course(ctx).provider
    if not text:
        raise Invalid(t("reports.provider_empty"))
    return text


def _completed_on(text: str, ctx: Context) -> str:
    return parse_day(text, ctx.local_now.date()).isoformat()


# -- submitting -----------------------------------------------------------------------------


def check(answers: dict, catalogue: Catalogue) -> None:
    """The category, the catalogue course and the level must agree; raises Invalid if not.
    (The steps only offer what agrees; this also holds for a form saved by an older version.)"""
    category = CourseCategory(answers["category"])
    chosen = answers["course"].get("id")
    course = catalogue.get(chosen) if chosen else None
    if chosen and (course is None or course.category != category):
        raise Invalid(t("courses.course_other_category"))
    try:
        attained_level(category, answers.get("level"))
    except ValueError:
        raise Invalid(t("reports.level_other_category")) from None
    if course is not None and course.level and answers.get("level") != course.level:
        raise Invalid(t("reports.level_other_category"))


async def submit(ctx: Context, answers: dict) -> str:
    """Writes exactly the answers the official confirmed."""
    check(answers, ctx.knowledge.courses)
    official = ctx.official
    course = answers["course"]
    completed_on = date.fromisoformat(answers["completed_on"])
    earlier = await ctx.repo.reports.same_course(official.id, course["name"], completed_on)
    if earlier is not None and not answers.get("duplicate_ok"):
        ctx.state.answers = {**answers, "duplicate_ok": True}
        raise Invalid(t("reports.duplicate", id=earlier.id, status=label(earlier.status)))

    certificate = answers.get("certificate") or {}
    report = await ctx.repo.reports.add(
        CourseReport(
            official_id=official.id,
            category=CourseCategory(answers["category"]),
            course_id=course.get("id"),
            course_name=course["name"],
            provider=answers.get("provider"),
            completed_on=completed_on,
            hours=answers.get("hours"),
            level=answers.get("level"),
            certificate_kind=certificate.get("kind"),
            certificate_file_id=certificate.get("file_id"),
            certificate_url=certificate.get("url"),
            certificate_platform=certificate.get("platform"),
        )
    )
    await ctx.repo.audit.record(
        ctx.actor,
        "report_created",
        "course_report",
        report.id,
        after={
            "course": course["name"],
            "category": report.category.value,
            "completed_on": answers["completed_on"],
            "level": report.level,
        },
    )
    return t("reports.received", id=report.id, name=course["name"], date=show_date(completed_on))


# -- commands -------------------------------------------------------------------------------


REPORT_FORM = router.form(
    Form(
        name="baocao",
        title=t("reports.title"),
        intro=t("reports.intro"),
        steps=(
            category_step(t("reports.label_category"), t("reports.ask_category")),
            *course_steps(
                t("reports.label_course"),
                t("reports.ask_course"),
                max_length(CourseReport.course_name),
            ),
            Step(
                "level",
                t("reports.label_level"),
                t("reports.ask_level"),
                choices=_level_choices,
                when=_needs_level,
                default=_course_level,
                follow_up=True,
            ),
            Step(
                "provider",
                t("reports.label_provider"),
                t("reports.ask_provider"),
                parse=_provider,
                choices=_provider_choices,
                optional=True,
                max_length=max_length(CourseReport.provider),
            ),
            Step(
                "completed_on",
                t("reports.label_date"),
                t("reports.ask_date"),
                parse=_completed_on,
                show=lambda v: show_date(date.fromisoformat(v)),
            ),
            Step(
                "hours",
                t("reports.label_hours"),
                t("reports.ask_hours"),
                parse=parse_hours,
                takes_numbers=True,
                optional=True,
                show=lambda v: t("reports.hours_shown", hours=v),
            ),
            Step(
                "certificate",
                t("reports.label_certificate"),
                _certificate_prompt,
                parse=parse_certificate,
                optional=True,
                takes_file=True,
                show=lambda v: t("reports.certificate_attached"),
            ),
        ),
        submit=submit,
    )
)


@router.command("baocao", access=Access.OFFICIAL, summary="help.baocao", menu="help.menu_baocao")
async def open_report(ctx: Context):
    return await forms.start(ctx, REPORT_FORM)


@router.command("khoahoc", access=Access.OFFICIAL, summary="help.khoahoc", menu="help.menu_khoahoc")
async def my_reports(ctx: Context) -> Reply:
    reports = await ctx.repo.reports.of_official(ctx.official.id)
    if not reports:
        return Reply(t("reports.none_yet"), (Choice(t("help.menu_baocao"), "/baocao"),))
    lines = [_line(report) for report in reports]
    pending = [r for r in reports if r.status == ReportStatus.PENDING][:3]
    choices = tuple(Choice(t("reports.withdraw_button", id=r.id), f"/rut {r.id}") for r in pending)
    choices += (Choice(t("help.menu_baocao"), "/baocao"),)
    return Reply(t("reports.mine", lines="\n".join(lines)), choices)


def _line(report: CourseReport) -> str:
    line = t(
        "reports.line",
        id=report.id,
        name=report.course_name,
        date=show_date(report.completed_on),
        status=label(report.status),
    )
    if report.status == ReportStatus.REJECTED and report.review_note:
        line += "\n   " + t("reports.reason", reason=report.review_note)
    return line


async def _own_pending(ctx: Context, number: int | None) -> CourseReport:
    """The official's own report `number`, still waiting for review; else Invalid."""
    report = await ctx.repo.reports.get(number) if number else None
    if report is None or report.official_id != ctx.official.id:
        raise Invalid(t("reports.not_yours"))
    if report.status != ReportStatus.PENDING:
        raise Invalid(t("reports.not_pending", id=report.id, status=label(report.status)))
    return report


async def submit_withdrawal(ctx: Context, answers: dict) -> str:
    try:  # reviewed since the question was asked: nothing to withdraw
        report = await _own_pending(ctx, answers["report_id"])
    except Invalid as refused:
        return str(refused)
    report.status = ReportStatus.WITHDRAWN
    await ctx.repo.audit.record(
        ctx.actor,
        "report_withdrawn",
        "course_report",
        report.id,
        before={"status": "pending"},
        after={"status": "withdrawn"},
    )
    return t("reports.withdrawn", id=report.id, name=report.course_name)


# No question to answer: withdrawing is only confirmed, so a "1" sent by mistake after
# /khoahoc does not withdraw anything.
WITHDRAW_FORM = router.form(
    Form(
        name="rut",
        title=t("reports.withdraw_title"),
        steps=(),
        submit=submit_withdrawal,
        subject=t("reports.label_report"),
    )
)


@router.command("rut", access=Access.OFFICIAL, usage="/rut SỐ", hidden=True)
async def withdraw(ctx: Context):
    if not ctx.args:
        return Reply(t("reports.withdraw_usage"))
    report = await _own_pending(ctx, record_id(ctx.args))
    subject = t(
        "reports.subject",
        id=report.id,
        name=report.course_name,
        date=show_date(report.completed_on),
    )
    return await forms.start(ctx, WITHDRAW_FORM, {"report_id": report.id, "subject": subject})
