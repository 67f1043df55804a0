"""The texts of /tonghop, /chitieu and /chuanop, short enough for a phone screen."""

from handlers.formatting import show_date
from handlers.periods import period_label
from handlers.services.summaries.figures import (
    ICONS,
    Summary,
    deadline,
    goal,
    indicator_line,
    status_word,
    value,
)
from handlers.services.summaries.scope import Scope
from handlers.texts import t
from knowledge.indicators import Figure, Status
from knowledge.retirement import retirement_date
from knowledge.targets import Indicator, Target, Targets
from storage.models import Official

MAX_NAMES = 40  # per list; the workbook (/xuat) has everyone


def overview(summary: Summary) -> str:
    scope = summary.scope
    lines = [
        t("summaries.overview_title", where=scope.name),
        t(
            "summaries.overview_basis",
            date=show_date(scope.as_of),
            period=period_label(scope.period),
            headcount=summary.headcount,
        ),
        "",
    ]
    for indicator in summary.targets.indicators:
        lines.append(indicator_line(indicator, summary.figure(indicator)))
    lines += ["", t("summaries.legend")]
    if summary.candidates:
        lines.append(
            t(
                "summaries.overview_candidates",
                count=summary.candidates,
                years=summary.targets.candidates_years,
            )
        )
    if summary.undated:
        lines.append(
            t(
                "summaries.undated",
                count=summary.undated,
                years=summary.targets.candidates_years,
            )
        )
    lines.append(t("summaries.overview_more"))
    return "\n".join(lines)


def target_usage(targets: Targets, typed: str | None = None) -> str:
    lines = [t("summaries.no_such_target", typed=typed)] if typed else []
    lines.append(t("summaries.target_usage"))
    lines += [f"{target.number}. {target.title}" for target in targets.targets]
    return "\n".join(lines)


def target_detail(
    target: Target,
    scope: Scope,
    figures: dict[str, Figure],
    missing: dict[str, list[Official]],
    not_submitted: set[int],
) -> str:
    basis = t(
        "summaries.detail_basis",
        where=scope.name,
        date=show_date(scope.as_of),
        source=target.source,
    )
    if any(i.spec.rates for i in target.indicators):
        basis += " · " + t("summaries.detail_period", period=period_label(scope.period))
    parts = [t("summaries.detail_title", number=target.number, title=target.title), basis]
    for indicator in target.indicators:
        parts.append(
            _indicator_detail(
                indicator,
                figures[indicator.spec.key],
                scope,
                missing.get(indicator.spec.key, []),
                not_submitted,
            )
        )
    return "\n\n".join(parts)


def _indicator_detail(
    indicator: Indicator,
    figure: Figure,
    scope: Scope,
    missing: list[Official],
    not_submitted: set[int],
) -> str:
    lines = [f"{ICONS[figure.status]} {indicator.spec.key}. {indicator.label}"]
    if figure.status not in (Status.NOT_MEASURED, Status.NO_POPULATION):
        lines.append(
            t(
                "summaries.detail_figures",
                value=value(figure),
                goal=goal(figure),
                deadline=deadline(figure, scope),
                status=status_word(figure),
            )
        )
    else:
        lines.append(value(figure))
    lines.append(
        t(
            "summaries.detail_population",
            population=t(f"summaries.population_{indicator.spec.population}"),
            count=figure.denominator,
        )
    )
    # For ratings, those who have not submitted are counted here and listed by /chuanop.
    late = [o for o in missing if o.id in not_submitted] if indicator.spec.rates else []
    below = [o for o in missing if o not in late]
    if below:
        lines.append(t("summaries.detail_missing", count=len(below)))
        lines += _names(below, scope, lambda o: "")
    if late:
        lines.append(
            t("summaries.detail_not_submitted", count=len(late), command=_command("chuanop", scope))
        )
    if indicator.note:
        lines.append(f"ℹ️ {indicator.note}")
    return "\n".join(lines)


def candidates(officials: list[Official], scope: Scope, targets: Targets, undated: int = 0) -> str:
    """The list; then how many below the standard have no birth date (not known)."""
    unknown = [t("summaries.undated", count=undated, years=targets.candidates_years)]
    return "\n".join([_candidates(officials, scope, targets), *(unknown if undated else [])])


def _candidates(officials: list[Official], scope: Scope, targets: Targets) -> str:
    lines = [
        t(
            "summaries.candidates_title",
            years=targets.candidates_years,
            count=len(officials),
            source=targets.candidates_source,
        )
    ]
    if not officials:
        return "\n".join([*lines, t("summaries.candidates_none")])

    def retires(official: Official) -> str:
        day = retirement_date(official.birth_date, official.gender, targets.retirement)
        return t("summaries.retires_on", date=show_date(day))

    return "\n".join([*lines, *_names(officials, scope, retires)])


def not_submitted(officials: list[Official], scope: Scope, headcount: int) -> str:
    period, due = period_label(scope.period), show_date(scope.period.due)
    if not officials:
        return t("summaries.all_submitted", period=period, where=scope.name, count=headcount)
    lines = [
        t(
            "summaries.not_submitted_title",
            period=period,
            due=due,
            where=scope.name,
            count=len(officials),
            headcount=headcount,
        )
    ]
    return "\n".join([*lines, *_names(officials, scope, lambda o: "")])


def _command(name: str, scope: Scope) -> str:
    """The command that shows the same scope and period, e.g. "/chuanop PKT 2026Q2"."""
    return " ".join(["/" + name, *([scope.unit.code] if scope.unit else []), scope.period.key])


def _names(officials: list[Official], scope: Scope, extra) -> list[str]:
    """ "• Name (CODE) — Unit" lines (the unit only for the whole commune), at most MAX_NAMES."""
    lines = []
    for official in officials[:MAX_NAMES]:
        unit = official.unit.name if scope.unit is None and official.unit else ""
        line = f"• {official.full_name} ({official.code})"
        line += f" — {unit}" if unit else ""
        note = extra(official)
        lines.append(f"{line} {note}" if note else line)
    if len(officials) > MAX_NAMES:
        lines.append(t("summaries.more_names", count=len(officials) - MAX_NAMES))
    return lines
