"""How an official's road reads: /lotrinh's message, the line at the end of /toi and the
quarterly nudge's one next step. Shared by the chat features and the scheduler."""

from collections.abc import Iterable
from typing import Protocol

from handlers.formatting import show_date
from handlers.texts import t
from handlers.types import Choice, Reply
from knowledge.road import SELF_STUDY, UNIVERSITY, Gap, Road
from knowledge.targets import Targets
from knowledge.vocabulary import CourseCategory

COURSES_SHOWN = 2  # catalogue courses named per gap: enough to act on, short on a phone


class Registered(Protocol):
    """A training registration (storage.models.TrainingRegistration has it)."""

    year: int
    category: CourseCategory
    gap: str | None


def road_reply(name: str, road: Road, targets: Targets, plan: str, self_study_days: int) -> Reply:
    """The whole road: how long until retirement, the gaps most important first, each with
    its deadline, a course or two and the plan's words; what is met; the choices to report
    or register."""
    choices = (Choice(t("road.choice_report"), "/baocao"),)
    if not road.gaps:
        lines = [t("road.congratulations", name=name)]
        if road.met:
            lines.append(t("road.met", items="; ".join(road.met)))
        return Reply("\n".join(lines), choices)
    lines = [t("road.header", name=name)]
    if left := _time_left(road):
        lines.append(left)
    lines.append(_count(road))
    ruled = False
    gaps, parked = _in_order(road, targets)
    for number, gap in enumerate(gaps, 1):
        lines += _gap_lines(number, gap, self_study_days, plan, courses=gap not in parked)
        if not ruled and _is_standard_degree(gap, targets):
            lines.append("   " + _six_years(road, targets, plan))
            ruled = True
        elif gap not in parked and (first := _same_degree(gap, gaps[: number - 1], parked)):
            lines.append("   " + t("road.one_degree", number=first[0], course=first[1]))
    if road.met:
        lines.append(t("road.met", items="; ".join(road.met)))
    lines.append(t("road.encourage"))
    return Reply("\n".join(lines), (*choices, Choice(t("road.choice_register"), "/dangky")))


def profile_line(road: Road) -> str:
    if not road.gaps:
        return t("road.profile_done")
    if not road.todo:
        return t("road.profile_pending")
    waiting = len(road.gaps) - len(road.todo)
    if waiting:
        return t("road.profile_todo_waiting", count=len(road.gaps), waiting=waiting)
    return t("road.profile_todo", count=len(road.gaps))


def next_step(road: Road, registered: Iterable[Registered] = ()) -> str | None:
    """The quarterly nudge: the most important thing left to do that the official has not
    registered for yet (/dangky, this year's or next), and one course for it; when all of it
    is registered, that and a word of encouragement. None when nothing is left (or all of it
    waits for review, or is a degree Mục III.2.d does not send them to)."""
    steps, booked = road.next_steps, list(registered)
    if not steps:
        return None
    for gap in steps:
        if _registration(gap, booked) is None:
            if not gap.courses:
                return t("road.nudge_no_course", title=gap.title, deadline=_deadline(gap))
            course = gap.courses[0].name
            return t("road.nudge", title=gap.title, deadline=_deadline(gap), course=course)
    gap = steps[0]
    return t("road.nudge_registered", title=gap.title, year=_registration(gap, booked).year)


def view_choice() -> Choice:
    return Choice(t("road.choice_view"), "/lotrinh")


def _registration(gap: Gap, registered: list[Registered]) -> Registered | None:
    """The registration for this gap: one naming it, or one of its training naming no gap."""
    return next(
        (
            r
            for r in registered
            if r.gap == gap.key or (not r.gap and CourseCategory(r.category) == gap.category)
        ),
        None,
    )


def _count(road: Road) -> str:
    """How many things are listed; those waiting for review said apart, so the count and the
    numbered list agree."""
    todo, waiting = len(road.todo), len(road.gaps) - len(road.todo)
    if not todo:
        return t("road.all_pending")
    if waiting:
        return t("road.todo_count_waiting", count=len(road.gaps), waiting=waiting)
    return t("road.todo_count", count=todo)


def _time_left(road: Road) -> str | None:
    """Until statutory retirement, so the official can check the six-years rule."""
    if road.retires_on is None or road.months_left is None:
        return None
    when = f"{road.retires_on.month:02d}/{road.retires_on.year}"
    if not road.months_left:
        return t("road.retired", when=when)
    years, months = divmod(road.months_left, 12)
    parts = [t("road.span_years", years=years)] if years else []
    if months:
        parts.append(t("road.span_months", months=months))
    return t("road.time_left", span=" ".join(parts), when=when)


def _in_order(road: Road, targets: Targets) -> tuple[list[Gap], list[Gap]]:
    """The gaps as /lotrinh lists them, and those it names no course for. Below the education
    standard with six years or less left, Mục III.2.d does not send one to university: the
    degrees (the standard's first) come after what they can act on, with no course, as the
    quarterly nudge names none (Road.next_steps)."""
    if not road.degree_ruled_out:
        return list(road.gaps), []
    parked = [gap for gap in road.gaps if gap.category == CourseCategory.DEGREE]
    parked.sort(key=lambda gap: not _is_standard_degree(gap, targets))  # stable: then as listed
    return [gap for gap in road.gaps if gap not in parked] + parked, parked


def _same_degree(gap: Gap, before: list[Gap], parked: list[Gap]) -> tuple[int, str] | None:
    """(number, course) when a degree listed earlier, of a level (7a's đại học), is closed by a
    course this gap (a degree of any level: 1b's retraining) is closed by too: a verified
    degree raises the recorded level (targets.yaml) and counts as the degree course."""
    if gap.category != CourseCategory.DEGREE or gap.level is not None:
        return None
    names = {course.name for course in gap.courses}
    for number, earlier in enumerate(before, 1):
        if earlier in parked or earlier.category != CourseCategory.DEGREE or not earlier.level:
            continue
        shared = [course.name for course in earlier.courses if course.name in names]
        if shared:
            return number, shared[0]
    return None


def _gap_lines(
    number: int, gap: Gap, self_study_days: int, plan: str, *, courses: bool = True
) -> list[str]:
    if gap.key == SELF_STUDY:
        kind = t("road.kind_self_study")
    elif gap.key == UNIVERSITY:
        kind = t("road.kind_university")
    else:
        kind = t("road.kind_required") if gap.required else t("road.kind_share")
    lines = [t("road.gap", number=number, title=gap.title, kind=kind, deadline=_deadline(gap))]
    if courses and gap.courses:
        names = "; ".join(c.name for c in gap.courses[:COURSES_SHOWN])
        lines.append("   " + t("road.courses", names=names))
    if gap.pending:
        lines.append("   " + t("road.pending"))
    if gap.key == SELF_STUDY:
        lines.append("   " + t("road.self_study_window", days=self_study_days))
    if gap.source:  # the plan's name once, with the first gap; the section alone after it
        cited = t("road.source", plan=plan, source=gap.source) if number == 1 else gap.source
        lines.append("   📖 " + cited)
    return lines


def _deadline(gap: Gap) -> str:
    if gap.deadline is None:
        return t("road.deadline_ongoing")
    return t("road.deadline", date=show_date(gap.deadline))


def _is_standard_degree(gap: Gap, targets: Targets) -> bool:
    """The gap the six-years-left rule speaks to: the education standard itself."""
    return gap.category == CourseCategory.DEGREE and gap.level == targets.candidates_below


def _six_years(road: Road, targets: Targets, plan: str) -> str:
    values = {"years": targets.candidates_years, "plan": plan, "source": targets.candidates_source}
    if road.years_left is None:
        return t("road.rule_unknown", **values)
    if road.degree_candidate:
        return t("road.rule_applies", **values)
    return t("road.rule_not_applies", **values)
