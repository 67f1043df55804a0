"""How long an official has left to serve, as the plan's «Cần cử đi học» shows it: to the
statutory retirement age (Bộ luật Lao động 2019, Điều 169; Nghị định 135/2020/NĐ-CP; the
ages are data in targets.yaml), not a rule of the plan. The plan only uses the time to say
who is sent to university («còn trên 06 năm công tác», Mục III.2.d)."""

from collections.abc import Mapping
from datetime import date

from handlers.formatting import show_date
from handlers.texts import t
from knowledge.retirement import RULES, add_months, retirement_date, whole_months


def service_left(birth: date | None, gender, today: date, rules: Mapping = RULES) -> str:
    """In years, months and days, with the day the age is reached: «6 năm 1 ngày (đến
    28/11/2032)». Whole years alone would print «6» beside «còn trên 6 năm»."""
    if birth is None:
        return t("training_plan.years_unknown")
    retires = retirement_date(birth, gender, dict(rules))
    if retires <= today:
        return t("training_plan.left_retired", day=show_date(retires))
    months = whole_months(today, retires)
    days = (retires - add_months(today, months)).days
    years, months = divmod(months, 12)
    parts = [
        t(f"training_plan.left_{unit}", n=n)
        for unit, n in (("years", years), ("months", months), ("days", days))
        if n
    ]
    return t("training_plan.left", span=" ".join(parts), day=show_date(retires))
