"""/dangky: an official registers the training they need for next year (plan III.2.d), in the
window admins set with /handangky (registration_window.py); /xoadangky removes one while the
window is open."""

import re
from datetime import date

from handlers import forms
from handlers.context import Context
from handlers.course_steps import catalogue_course, category_step, course_steps
from handlers.formatting import show_date
from handlers.forms import Form, Invalid, Step
from handlers.router import Access, Router, record_id
from handlers.services.registration import (
    Window,
    closing_gaps,
    current_window,
    gap_rows,
    next_window,
    same_course,
    study_form_label,
    study_forms,
    window_days,
    window_in,
)
from handlers.services.road import road_of
from handlers.texts import label, t
from handlers.types import Choice, Reply
from knowledge.normalize import fold
from knowledge.vocabulary import CourseCategory
from storage.models import TrainingRegistration
from storage.types import max_length

router = Router()

ADD = "them"  # /dangky them: open the form
NO_GAP = "none"
DELETE_BUTTONS = 5
# "chỉ tiêu 7", "chi tieu so 7" (folded): the target a gap's title ends in, «… (chỉ tiêu 7)».
TARGET = re.compile(r"\bchi tieu (?:so )?(\d+)\b")


async def _window(ctx: Context) -> tuple[Window, date]:
    """The window open today or the next to open, and today (local)."""
    today = ctx.local_now.date()
    return next_window(await window_days(ctx.repo), today), today


def _line(number: int, registration: TrainingRegistration) -> str:
    return t("registration.line", number=number, registration=described(registration))


def described(registration: TrainingRegistration) -> str:
    """«Đào tạo đại học (Đào tạo chuyên môn; chuyên ngành Luật; Vừa làm vừa học)»."""
    # «Đào tạo chuyên môn», without its bracketed examples: the line has brackets of its own.
    details = [forms.BRACKETED.sub("", label(registration.category)).strip()]
    if registration.specialisation:
        details.append(t("registration.line_specialisation", name=registration.specialisation))
    details.append(study_form_label(registration.study_form))
    return t("registration.described", name=registration.course_name, details="; ".join(details))


def _lines(registrations: list[TrainingRegistration]) -> str:
    return "\n".join(_line(n, r) for n, r in enumerate(registrations, 1))


# -- the form -------------------------------------------------------------------------------


def _is_degree(ctx: Context) -> bool:
    return ctx.state.answers.get("category") == CourseCategory.DEGREE.value


def _closing_gaps(ctx: Context) -> list[tuple[str, str]]:
    """The gaps of the official's road (worked out when the form opened) that the category and
    course chosen can close."""
    return closing_gaps(
        ctx.state.answers.get("gaps") or [],
        ctx.state.answers.get("category"),
        (ctx.state.answers.get("course") or {}).get("id"),
        ctx.knowledge.courses,
    )


def _gap_choices(ctx: Context) -> tuple[Choice, ...]:
    return (
        *(Choice(title, key) for key, title in _closing_gaps(ctx)),
        Choice(t("registration.no_gap"), NO_GAP),
    )


def parse_gap(text: str, ctx: Context) -> str:
    """The gap picked, or named by its target typed loosely ("chi tieu 7"), when one choice
    names that target."""
    values = {choice.value for choice in _gap_choices(ctx)}
    if ctx.picked in values:
        return ctx.picked
    if (typed := TARGET.search(fold(text))) is not None:
        named = [
            choice.value
            for choice in _gap_choices(ctx)
            if (found := TARGET.search(fold(choice.label))) and found[1] == typed[1]
        ]
        if len(named) == 1:
            return named[0]
    raise Invalid(t("forms.pick_one"))


def _has_gaps(ctx: Context) -> bool:
    """Asked only when the course can close a gap: none to offer stores none, unasked."""
    return bool(_closing_gaps(ctx))


async def parse_specialisation(text: str, ctx: Context) -> str:
    """Refused without a letter, or when this programme and specialisation are registered
    already: said now, where /quaylai goes back to the programme."""
    if not text:
        raise Invalid(t("registration.specialisation_empty"))
    if not any(ch.isalpha() for ch in text):  # a habitual "2" where no list is on offer
        raise Invalid(t("registration.specialisation_no_letters", typed=text[:20]))
    await _refuse_repeat(ctx, {**ctx.state.answers, "specialisation": text}, "specialisation")
    return text


async def _repeated(ctx: Context, answers: dict) -> TrainingRegistration | None:
    """The official's registration for the same year, course and specialisation, if any."""
    course = answers.get("course") or {}
    specialisation = answers.get("specialisation") if _is_degree(ctx) else None
    mine = await ctx.repo.registrations.of_official(ctx.official.id, answers["year"])
    for registration in mine:
        if same_course(registration, course.get("id"), course.get("name", ""), specialisation):
            return registration
    return None


async def parse_study_form(text: str, ctx: Context) -> str:
    """The form of study; refused (keeping the answers) when the course is already registered,
    so the official learns it before the summary."""
    if ctx.picked not in study_forms():
        raise Invalid(t("forms.pick_one"))
    await _refuse_repeat(ctx, ctx.state.answers)
    return ctx.picked


async def _refuse_repeat(ctx: Context, answers: dict, asked: str = "") -> None:
    """Invalid when the course is registered already; at the specialisation step (`asked`)
    the message offers another specialisation."""
    if (existing := await _repeated(ctx, answers)) is not None:
        mine = await ctx.repo.registrations.of_official(ctx.official.id, answers["year"])
        number = next(n for n, r in enumerate(mine, 1) if r.id == existing.id)
        key = "registration.repeated_specialisation" if asked else "registration.repeated"
        raise Invalid(t(key, line=_line(number, existing), year=answers["year"]))


async def submit(ctx: Context, answers: dict) -> str:
    """Writes the answers confirmed, if the window is still open for the year they are for."""
    window, today = await _window(ctx)
    if not window.is_open(today) or window.year != answers["year"]:
        return t("registration.closed_at_submit", year=answers["year"])
    await _refuse_repeat(ctx, answers)  # also made since (another chat, a double form)
    course = answers["course"]
    chosen = catalogue_course(ctx)
    if chosen is not None and chosen.category != CourseCategory(answers["category"]):
        raise Invalid(t("courses.course_other_category"))
    gap = answers.get("gap")
    registration = await ctx.repo.registrations.add(
        TrainingRegistration(
            official_id=ctx.official.id,
            year=answers["year"],
            category=CourseCategory(answers["category"]),
            course_id=course.get("id"),
            course_name=course["name"],
            specialisation=answers.get("specialisation") if _is_degree(ctx) else None,
            study_form=answers["study_form"],
            gap=None if gap in (None, NO_GAP) else gap,
        )
    )
    await ctx.repo.audit.record(
        ctx.actor,
        "registration_created",
        "training_registration",
        registration.id,
        after={
            "year": registration.year,
            "category": registration.category.value,
            "course": registration.course_name,
            "specialisation": registration.specialisation,
            "study_form": registration.study_form,
            "gap": registration.gap,
        },
    )
    return t(
        "registration.received",
        name=registration.course_name,
        year=registration.year,
        closes=show_date(window.closes),
    )


REGISTRATION_FORM = router.form(
    Form(
        name="dangky",
        title=t("registration.title"),
        steps=(
            category_step(t("registration.label_category"), t("registration.ask_category")),
            *course_steps(
                t("registration.label_course"),
                t("registration.ask_course"),
                max_length(TrainingRegistration.course_name),
                catalogue_only=frozenset({CourseCategory.DEGREE}),
                # The plan groups registrations by course: a right guess is the catalogue's
                # course under its own name (a degree's field is the specialisation step).
                keep_detail=False,
            ),
            Step(
                "specialisation",
                t("registration.label_specialisation"),
                t("registration.ask_specialisation"),
                parse=parse_specialisation,
                when=_is_degree,
                max_length=max_length(TrainingRegistration.specialisation),
                follow_up=True,  # a detail of the course: the step count stays the same
            ),
            Step(
                "study_form",
                t("registration.label_study_form"),
                t("registration.ask_study_form"),
                parse=parse_study_form,
                choices=lambda ctx: tuple(Choice(name, key) for key, name in study_forms().items()),
                show=study_form_label,
            ),
            Step(
                "gap",
                t("registration.label_gap"),
                t("registration.ask_gap"),
                choices=_gap_choices,
                parse=parse_gap,
                when=_has_gaps,
                default=lambda ctx: NO_GAP,
                # Asked only when the course closes a gap (known once it is chosen): counted
                # with the form of study, so the step count never changes on the way.
                follow_up=True,
            ),
        ),
        submit=submit,
    )
)


async def _open_form(ctx: Context, window: Window, today: date) -> list[Reply]:
    days = ctx.options.self_study_days
    road = await road_of(ctx.repo, ctx.official, ctx.knowledge, today, self_study_days=days)
    opened = await forms.start(
        ctx, REGISTRATION_FORM, {"year": window.year, "gaps": gap_rows(road.gaps)}
    )
    intro = t("registration.intro", year=window.year, closes=show_date(window.closes))
    return [Reply(f"{intro}\n\n{opened[0].text}", opened[0].choices)]


# -- commands -------------------------------------------------------------------------------


@router.command("dangky", access=Access.OFFICIAL, summary="help.dangky", menu="help.menu_dangky")
async def register(ctx: Context):
    window, today = await _window(ctx)
    if not window.is_open(today):
        return await _closed(ctx, window, today)
    mine = await ctx.repo.registrations.of_official(ctx.official.id, window.year)
    if not mine or ctx.args.strip().lower() == ADD:
        return await _open_form(ctx, window, today)
    # The deletions first, so that on Zalo (numbers only) choice N deletes registration N.
    choices = tuple(
        Choice(t("registration.delete_button", number=n), f"/xoadangky {n}")
        for n in range(1, min(len(mine), DELETE_BUTTONS) + 1)
    )
    choices += (Choice(t("registration.add_button"), f"/dangky {ADD}"),)
    text = t(
        "registration.mine_open",
        year=window.year,
        closes=show_date(window.closes),
        lines=_lines(mine),
    )
    return Reply(text, choices)


async def _closed(ctx: Context, coming: Window, today: date) -> str:
    """Outside the window: the last one (closed, and what they registered in it), then when
    the next opens."""
    days = await window_days(ctx.repo)
    this_year = current_window(days, today)
    if today > this_year.closes:  # this year's has closed (or was just moved to the past)
        last = this_year
        parts = [t("registration.closed", year=last.year, closed=show_date(last.closes))]
    else:
        last = window_in(days, today.year - 1)
        parts = [t("registration.not_yet")]
    mine = await ctx.repo.registrations.of_official(ctx.official.id, last.year)
    if mine:
        parts.append(t("registration.registered", year=last.year, lines=_lines(mine)))
    elif last is this_year:
        parts.append(t("registration.registered_none", year=last.year))
    parts.append(
        t(
            "registration.opens",
            year=coming.year,
            opens=show_date(coming.opens),
            closes=show_date(coming.closes),
        )
    )
    return "\n\n".join(parts)


async def _own(ctx: Context, number: int | None, window: Window) -> TrainingRegistration:
    """The official's registration `number` (as listed) for the open window's year."""
    mine = await ctx.repo.registrations.of_official(ctx.official.id, window.year)
    if number is None or not 1 <= number <= len(mine):
        raise Invalid(t("registration.no_such_number", count=len(mine)))
    return mine[number - 1]


async def _delete_usage(ctx: Context, window: Window) -> str:
    mine = await ctx.repo.registrations.of_official(ctx.official.id, window.year)
    if not mine:
        return t("registration.delete_usage_none", year=window.year)
    return t("registration.delete_usage", year=window.year, lines=_lines(mine))


async def submit_deletion(ctx: Context, answers: dict) -> str:
    window, today = await _window(ctx)
    registration = await ctx.repo.registrations.get(answers["registration_id"])
    if not window.is_open(today) or window.year != answers["year"]:
        return t("registration.closed_at_submit", year=answers["year"])
    if registration is None or registration.official_id != ctx.official.id:
        return t("registration.already_gone")
    await ctx.repo.audit.record(
        ctx.actor,
        "registration_deleted",
        "training_registration",
        registration.id,
        before={
            "year": registration.year,
            "category": registration.category.value,
            "course": registration.course_name,
            "specialisation": registration.specialisation,
            "study_form": registration.study_form,
        },
    )
    await ctx.repo.registrations.delete(registration)
    return t("registration.deleted", name=registration.course_name, year=registration.year)


# Only confirmed, like /rut: a "1" sent by mistake after /dangky deletes nothing.
DELETE_FORM = router.form(
    Form(
        name="xoadangky",
        title=t("registration.delete_title"),
        steps=(),
        submit=submit_deletion,
        subject=t("registration.label_registration"),
    )
)


@router.command("xoadangky", access=Access.OFFICIAL, usage="/xoadangky SỐ", hidden=True)
async def delete(ctx: Context):
    window, today = await _window(ctx)
    if not window.is_open(today):
        return await _closed(ctx, window, today)
    number = record_id(ctx.args)
    if number is None:  # no number (or no number typed): how to use it, with the list
        return await _delete_usage(ctx, window)
    registration = await _own(ctx, number, window)
    subject = described(registration)  # as /dangky lists it: the specialisation tells two apart
    return await forms.start(
        ctx,
        DELETE_FORM,
        {"registration_id": registration.id, "year": window.year, "subject": subject},
    )
