"""The officials an admin looks through (the web desk's «Cán bộ» page): those in the viewer's
scope (admins every unit, unit admins their own), found by name or code whatever the accents
typed, filtered by unit and by whether they have linked a messaging account yet, a page at a
time with the platforms each has linked."""

import asyncio
from dataclasses import dataclass

from handlers.formatting import platform_names
from handlers.services.summaries.scope import ScopeError, visible_unit
from handlers.texts import t
from knowledge.normalize import fold
from storage.models import Official, Unit
from storage.repo import Repo

PAGE_SIZE = 50


@dataclass(frozen=True)
class Row:
    official: Official
    platforms: tuple[str, ...]  # where they have an account: none yet, or telegram, zalo, …

    @property
    def linked(self) -> str:
        """ "Telegram, Zalo"; empty when none."""
        return platform_names(self.platforms)


@dataclass(frozen=True)
class Listing:
    unit: Unit | None  # None: every unit
    rows: list[Row]
    total: int  # officials found, on every page
    page: int  # from 1
    pages: int


async def unit_in_scope(repo: Repo, viewer: Official, unit_code: str | None) -> Unit | None:
    """The unit asked for, if `viewer` may see it: admins any (None: all), unit admins their
    own whatever they ask. ScopeError (its text is shown) otherwise."""
    own = visible_unit(viewer)
    code = (unit_code or "").strip().upper()
    if own is not None:
        if code and code != own.code.upper():
            raise ScopeError(t("desk_people.other_unit"))
        return own
    if not code:
        return None
    unit = next((u for u in await repo.officials.units() if u.code.upper() == code), None)
    if unit is None:
        raise ScopeError(t("desk_people.unknown_unit", code=code[:32]))
    return unit


def _matching(named: list[tuple[int, str, str]], words: list[str]) -> list[tuple[int, str, str]]:
    return [row for row in named if matches(words, row[1], row[2])]


def _containing(named: list[tuple[int, str, str]], typed: str) -> list[tuple[int, str, str]]:
    return [row for row in named if typed in f"{row[2]} {row[1]}".casefold()]


def matches(words: list[str], code: str, name: str) -> bool:
    """Every word typed (folded) is in the official's name or code: «nguyen hoa», «Hòa» and
    «demo01» all find Nguyễn Thị Hòa, DEMO012."""
    found = fold(f"{name} {code}")
    return all(word in found for word in words)


async def find_officials(
    repo: Repo,
    unit: Unit | None,
    *,
    text: str = "",
    unlinked: bool = False,
    page: int = 1,
) -> Listing:
    """One page of the officials of `unit` (None: all) matching `text`, by code."""
    words = fold(text).split()
    named = await repo.officials.names(unit.id if unit else None, unlinked=unlinked)
    if words:  # folding a province's names takes a while: not on the event loop
        named = await asyncio.to_thread(_matching, named, words)
    elif text.strip():  # only signs folding drops («_», «-»): found as typed, not everyone
        named = _containing(named, text.strip().casefold())
    found = [official_id for official_id, _, _ in named]
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = await repo.officials.by_ids(found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    platforms = await repo.accounts.platforms([official.id for official in shown])
    rows = [Row(official, tuple(platforms.get(official.id, ()))) for official in shown]
    return Listing(unit, rows, len(found), page, pages)
