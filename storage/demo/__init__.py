"""A fictional commune roster for trying the bot (`python -m bot demo-data`)."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from knowledge.vocabulary import (
    EducationLevel,
    Gender,
    PoliticalTheoryLevel,
    PositionGroup,
    StateManagementLevel,
)
from storage.enums import Role
from storage.models import Official, Unit
from storage.repo import Repo

ROSTER = Path(__file__).with_name("roster.yaml")

ENUM_FIELDS = {
    "gender": Gender,
    "position_group": PositionGroup,
    "education_level": EducationLevel,
    "political_theory_level": PoliticalTheoryLevel,
    "state_management_level": StateManagementLevel,
    "role": Role,
}


@dataclass(frozen=True)
class Seeded:
    units: int
    officials: int


async def seed_demo(session: AsyncSession) -> Seeded:
    """Add the demo units and officials that are not there yet; existing rows are left alone."""
    data = yaml.safe_load(ROSTER.read_text(encoding="utf-8"))
    repo = Repo(session)
    units, added_units, added_officials = {}, 0, 0
    for row in data["units"]:
        unit = await repo.officials.unit_by_code(row["code"])
        if unit is None:
            unit = Unit(code=row["code"], name=row["name"])
            session.add(unit)
            added_units += 1
        units[row["code"]] = unit
    await session.flush()
    for row in data["officials"]:
        if await repo.officials.by_code(row["code"]) is not None:
            continue
        fields = dict(row)
        fields["unit_id"] = units[fields.pop("unit")].id
        fields["birth_date"] = date.fromisoformat(fields["birth_date"])
        for name, enum in ENUM_FIELDS.items():
            if fields.get(name) is not None:
                fields[name] = enum(fields[name])
        session.add(Official(**fields))
        added_officials += 1
    await session.flush()
    return Seeded(added_units, added_officials)


async def is_demo_database(session: AsyncSession) -> bool:
    """True when everyone in the database is from the demo roster: one made for trying the
    bot, where the console may plan and send pushes. On a commune's real database it must
    not: it would take pushes meant for Telegram and Zalo users."""
    codes = [row["code"] for row in yaml.safe_load(ROSTER.read_text(encoding="utf-8"))["officials"]]
    others = await session.scalar(
        select(func.count()).select_from(Official).where(Official.code.not_in(codes))
    )
    return others == 0
