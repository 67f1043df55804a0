"""How an official's road reads: /lotrinh's message, the line at the end of /toi and the
quarterly nudge's one next step. Shared by the chat features and the scheduler."""

from handlers.formatting import show_date
from handlers.texts import t
from handlers.types import Choice, Reply
from knowledge.road import Gap, Road
from knowledge.targets import Targets
from knowledge.vocabulary import CourseCategory

COURSES_SHOWN = 2  # catalogue courses named per gap: enough to act on, short on a phone


def road_reply(name: str, road: Road, targets: Targets, plan: str, self_study_days: int) -> Reply:
    """The whole road: the gaps most important first, each with its deadline, a course or
    two and the plan's words; what is met; the choices to report or register."""
    choices = (Choice(t("road.choice_report"), "/baocao"),)
    if not road.gaps:
        lines = [t("road.congratulations", name=name)]
        if road.met:
            lines.append(t("road.met", items="; ".join(road.met)))
        return Reply("\n".join(lines), choices)
    lines = [t("road.header", name=name)]
    todo = len(road.todo)
    lines.append(t("road.todo_count", count=todo) if todo else t("road.all_pending"))
    ruled = False
    for number, gap in enumerate(road.gaps, 1):
        lines += _gap_lines(number, gap, self_study_days, plan)
        if _is_standard_degree(gap, targets):
            lines.append(_six_years(road, targets, plan))
            ruled = True
    if road.below_standard and not ruled:
        lines.append(_six_years(road, targets, plan).strip())
    if road.met:
        lines.append(t("road.met", items="; ".join(road.met)))
    lines.append(t("road.encourage"))
    return Reply("\n".join(lines), (*choices, Choice(t("road.choice_register"), "/dangky")))


def profile_line(road: Road) -> str:
    if not road.gaps:
        return t("road.profile_done")
    if not road.todo:
        return t("road.profile_pending")
    return t("road.profile_todo", count=len(road.todo))


def next_step(road: Road) -> str | None:
    """The quarterly nudge: the most important thing left to do and one course for it; None
    when nothing is left (or all of it waits for review)."""
    if not road.todo:
        return None
    gap = road.todo[0]
    if not gap.courses:
        return t("road.nudge_no_course", title=gap.title, deadline=_deadline(gap))
    return t("road.nudge", title=gap.title, deadline=_deadline(gap), course=gap.courses[0].name)


def view_choice() -> Choice:
    return Choice(t("road.choice_view"), "/lotrinh")


def _gap_lines(number: int, gap: Gap, self_study_days: int, plan: str) -> list[str]:
    if gap.category == CourseCategory.DIGITAL_SELF_STUDY and gap.target is None:
        kind = t("road.kind_self_study")
    else:
        kind = t("road.kind_required") if gap.required else t("road.kind_share")
    lines = [t("road.gap", number=number, title=gap.title, kind=kind, deadline=_deadline(gap))]
    if gap.courses:
        names = "; ".join(c.name for c in gap.courses[:COURSES_SHOWN])
        lines.append("   " + t("road.courses", names=names))
    if gap.pending:
        lines.append("   " + t("road.pending"))
    if gap.target is None:
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
        return "   " + t("road.rule_unknown", **values)
    if road.degree_candidate:
        return "   " + t("road.rule_applies", **values)
    return "   " + t("road.rule_not_applies", **values)
