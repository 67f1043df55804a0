"""Who may see which plan, and the plan read from the database.

The scope follows /tonghop's rules (handlers/services/summaries/scope.py): admins the whole
commune or any unit, unit admins their own unit only. A plan names officials: every read of
one is audited by whoever asks for it.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from handlers.formatting import echo
from handlers.periods import Calendar
from handlers.services.road import roads_of
from handlers.services.summaries.scope import ScopeError, resolve, unknown_unit
from handlers.services.training_plan.plan import Plan, build_plan
from handlers.texts import t
from knowledge.answers import KnowledgeBase
from knowledge.normalize import fold
from knowledge.targets import Targets
from storage.models import Official, Unit
from storage.repo import Repo

# An earlier year is a typo; also the first year when the targets name no start of the plan.
EARLIEST = 2000
YEARS_AHEAD = 10
# A word meant as a year: digits, maybe with a letter o typed for a zero («2o27») or a sign.
YEAR_LIKE = re.compile(r"[+-]?[0-9oO]*[0-9][0-9oO]*")
YEAR_WORDS = {"nam"}  # «năm 2027», «nam 2027»: the word before the year, folded


@dataclass(frozen=True)
class Asked:
    """What a plan is asked for: a year and a unit (None: the whole commune)."""

    year: int
    unit: Unit | None

    @property
    def where(self) -> str:
        return self.unit.name if self.unit is not None else t("summaries.commune")

    @property
    def in_file_name(self) -> str:
        return self.unit.code if self.unit is not None else "toan-xa"

    @property
    def file_name(self) -> str:
        return f"ke-hoach-dao-tao-{self.year}-{self.in_file_name}.xlsx"

    @property
    def note(self) -> str:
        """For the audit log."""
        return f"unit:{self.unit.code if self.unit is not None else '*'} year:{self.year}"


def default_year(today: date) -> int:
    """Registrations are made in the autumn for the year after."""
    return today.year + 1


def first_year(targets: Targets) -> int:
    """The plan's first year: its training counts from `training_from` (targets.yaml)."""
    return targets.training_from.year if targets.training_from else EARLIEST


def plan_years(today: date, first: int) -> range:
    """The years a plan may be asked for, in the chat, on the desk and on the command line:
    from the plan's `first` to YEARS_AHEAD years after this one."""
    return range(first, max(first, today.year + YEARS_AHEAD) + 1)


def parse_year(text: str | None, today: date, first: int) -> int:
    """The year typed (full-width digits too), or next year when none is; ScopeError for one
    that is not a year, comes before the plan's `first` year or after the last one taken."""
    years = plan_years(today, first)
    if text is None or not text.strip():
        return max(default_year(today), first)
    text = unicodedata.normalize("NFKC", text).strip()
    last = years[-1]
    if not (text.isascii() and text.isdigit() and len(text) == 4) or int(text) < EARLIEST:
        raise ScopeError(
            t(
                "training_plan.bad_year",
                value=echo(text),
                first=first,
                last=last,
                example=max(default_year(today), first),
            )
        )
    if int(text) < first:
        raise ScopeError(t("training_plan.before_plan", year=text, first=first, last=last))
    if int(text) > last:
        raise ScopeError(t("training_plan.after_range", year=text, first=first, last=last))
    return int(text)


def split_args(args: str, today: date, first: int) -> tuple[int, str | None]:
    """(year, unit code) from /kehoachdaotao's arguments, in any order; «năm» before the year
    may be typed. A word that looks like a mistyped year is refused as a year, not taken
    for a unit's code."""
    words = unicodedata.normalize("NFKC", args).split()
    year, unit_code = None, None
    for n, word in enumerate(words):
        if YEAR_LIKE.fullmatch(word):
            if year is not None:  # "2027 2028": one plan is one year
                raise ScopeError(t("training_plan.usage"))
            year = parse_year(word, today, first)
        elif fold(word) in YEAR_WORDS and n + 1 < len(words) and YEAR_LIKE.fullmatch(words[n + 1]):
            continue
        elif unit_code is None:
            unit_code = word.upper()
        else:
            raise ScopeError(t("training_plan.usage"))
    return (year if year is not None else parse_year(None, today, first)), unit_code


async def asked_by(
    repo: Repo, viewer: Official, unit_code: str | None, year: int, today: date, cal: Calendar
) -> Asked:
    """The plan `viewer` may see: ScopeError for a unit they may not see (summaries' rules)."""
    scope = await resolve(repo, viewer, unit_code, None, today, cal)
    return Asked(year, scope.unit)


async def unit_asked(repo: Repo, unit_code: str | None, year: int) -> Asked:
    """For the command line, whose user holds the database: any unit or the whole commune."""
    if not unit_code:
        return Asked(year, None)
    units = await repo.officials.units()
    unit = next((u for u in units if u.code.upper() == unit_code.strip().upper()), None)
    if unit is None:
        raise unknown_unit(unit_code, units)
    return Asked(year, unit)


async def read_plan(
    repo: Repo, asked: Asked, *, knowledge: KnowledgeBase, targets: Targets, today: date
) -> Plan:
    """The plan; it names officials, so whoever shows it audits it (`audit_plan`)."""
    unit_id = asked.unit.id if asked.unit is not None else None
    registrations = await repo.registrations.for_year(asked.year, unit_id)
    ids = [row[0] for row in await repo.officials.names(unit_id, active=True)]
    officials = await repo.officials.by_ids(ids)
    roads = await roads_of(repo, officials, knowledge, today)
    return build_plan(
        asked.year,
        asked.where,
        registrations,
        officials,
        roads,
        targets.step_titles,
        targets.candidates_years,
        today=today,
        retirement=targets.retirement,
    )


async def audit_plan(
    repo: Repo, actor: str, asked: Asked, action: str = "read", file: str | None = None
) -> None:
    note = f"{asked.note} file:{file}" if file else asked.note
    await repo.audit.record(actor, action, "training_plan", asked.year, note=note)
