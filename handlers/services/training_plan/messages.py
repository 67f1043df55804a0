"""The plan as a short chat message: what fits a phone screen, the file has the rest."""

from handlers.services.training_plan.plan import Plan
from handlers.texts import label, t

TOP_GROUPS = 5  # the most registered programmes named in the message
TOP_MET = 5  # registrations for a target already met, named in the message


def overview(plan: Plan) -> str:
    lines = [t("training_plan.message_title", year=plan.year, where=plan.where)]
    if not plan.lines:
        lines.append(t("training_plan.message_none", year=plan.year))
    else:
        lines.append(
            t(
                "training_plan.message_counts",
                registrations=len(plan.lines),
                officials=plan.registered,
                headcount=plan.headcount,
            )
        )
        lines += [
            t("training_plan.message_category", category=label(category), count=count)
            for category, count in plan.by_category()
        ]
        top = sorted(plan.groups, key=lambda g: -g.count)[:TOP_GROUPS]
        lines.append("")
        lines.append(t("training_plan.message_top"))
        lines += [
            # «Đào tạo thạc sĩ, chuyên ngành Luật» names its category already.
            t(
                "training_plan.message_group_degree"
                if g.specialisation
                else "training_plan.message_group",
                detail=g.detail,
                category=label(g.category),
                count=g.count,
            )
            for g in top
        ]
    lines += _met(plan)
    lines.append("")
    if plan.flags:
        lines.append(t("training_plan.message_flagged", count=len(plan.flags)))
    else:
        lines.append(t("training_plan.message_no_flag"))
    return "\n".join(lines)


def _met(plan: Plan) -> list[str]:
    """Registrations for a target their official meets since: worth a second look."""
    met = plan.met_lines
    if not met:
        return []
    lines = ["", t("training_plan.message_met")]
    lines += [
        t("training_plan.message_met_line", name=m.person.name, course=m.course, target=m.serves)
        for m in met[:TOP_MET]
    ]
    if len(met) > TOP_MET:
        lines.append(t("training_plan.message_met_more", count=len(met) - TOP_MET))
    return lines
