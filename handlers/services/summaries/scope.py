"""What a summary covers: the commune or one unit, the day it is taken and the rating period.

"This quarter" is the evaluation period open today or, when none is open, the most recent
one whose window has passed (on 15/05/2026: 2026Q1; on 20/12/2026: 2026Q4, the annual one).
A quarter asked for by name ("2026Q2") is taken at its last day, or today if that is sooner.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from handlers.errors import UserError
from handlers.formatting import echo
from handlers.periods import Calendar, Period, current_period, period_label
from handlers.texts import t
from knowledge.indicators import Basis
from knowledge.targets import Targets
from storage.enums import Role
from storage.models import Official, Unit
from storage.repo import Repo

QUARTER_LIKE = re.compile(r"^\d{4}\s*[Qq]\s*\d$")


class ScopeError(UserError):
    """The summary cannot be made as asked; the message is the reply."""


def unknown_unit(code: str, units: list[Unit]) -> ScopeError:
    """The refusal of a unit code no unit has: the code said back (shortened), the codes there
    are listed."""
    codes = ", ".join(u.code for u in units)
    return ScopeError(t("summaries.unknown_unit", code=echo(code), codes=codes))


@dataclass(frozen=True)
class Scope:
    unit: Unit | None  # None: the whole commune
    period: Period
    as_of: date
    today: date

    @property
    def unit_id(self) -> int | None:
        return self.unit.id if self.unit else None

    @property
    def name(self) -> str:
        return self.unit.name if self.unit else t("summaries.commune")

    @property
    def note(self) -> str:
        """For the audit log: where and when."""
        return f"unit:{self.unit.code if self.unit else '*'} as_of:{self.as_of} period:{self.period.key}"

    def basis(self, targets: Targets) -> Basis:
        return Basis(
            as_of=self.as_of,
            period=self.period.key,
            period_due=self.period.due,
            unit_id=self.unit_id,
            training_from=targets.training_from,
            today=self.today,
        )


def visible_unit(viewer: Official) -> Unit | None:
    """The unit whose officials `viewer` may see: None for a full admin (every unit), their
    own for a unit admin. A unit admin with no unit sees nothing of anyone (ScopeError)."""
    if viewer.role == Role.ADMIN:
        return None
    if viewer.unit is None:
        raise ScopeError(t("summaries.no_unit"))
    return viewer.unit


def quarter_end(period: Period) -> date:
    month = 3 * period.quarter
    return date(period.year, month, calendar.monthrange(period.year, month)[1])


def when(today: date, period: Period | None, cal: Calendar | None = None) -> tuple[Period, date]:
    """(rating period, as-of day) for a summary taken `today`, of `period` if one is named."""
    if period is None:
        return current_period(today, cal), today
    return period, min(quarter_end(period), today)


def split_args(args: str, cal: Calendar) -> tuple[str | None, Period | None, list[str]]:
    """(unit code, period, other words) from a command's arguments, in any order."""
    unit_code, period, rest = None, None, []
    for word in args.split():
        try:
            period = Period.parse(word, cal)
            continue
        except ValueError:
            if QUARTER_LIKE.match(word):  # "1900Q1", "2026Q5": meant as a quarter
                raise ScopeError(t("summaries.bad_quarter", value=echo(word))) from None
        if word.isascii() and word.lstrip("+-").isdigit():  # "²": isdigit(), not int()
            rest.append(word)
        elif unit_code is None:
            unit_code = word.upper()
        else:
            rest.append(word)
    return unit_code, period, rest


async def resolve(
    repo: Repo,
    viewer: Official,
    unit_code: str | None,
    period: Period | None,
    today: date,
    cal: Calendar,
) -> Scope:
    """The scope `viewer` may see: admins any unit or the commune, unit admins their own unit
    only (a unit admin with no unit sees nothing)."""
    if viewer.role == Role.ADMIN:
        unit = None
        if unit_code:
            units = await repo.officials.units()  # a commune has a handful
            unit = next((u for u in units if u.code.upper() == unit_code), None)
            if unit is None:
                raise unknown_unit(unit_code, units)
    else:
        unit = visible_unit(viewer)
        if unit_code and unit_code != unit.code.upper():
            raise ScopeError(t("summaries.own_unit_only", unit=unit.name))
    if period is not None and period.opens > today:  # nobody could have submitted yet
        raise ScopeError(
            t(
                "summaries.period_not_open",
                period=period_label(period),
                opens=period.opens.strftime("%d/%m/%Y"),
            )
        )
    rating_period, as_of = when(today, period, cal)
    return Scope(unit, rating_period, as_of, today)
