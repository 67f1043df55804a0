"""Finding the unit a roster row names, or making up the code of a new one."""

from dataclasses import dataclass

from knowledge.normalize import fold
from storage.models import Unit


@dataclass(eq=False)  # each new unit is its own thing, whatever its name
class NewUnit:
    name: str
    code: str


class UnitFinder:
    def __init__(self, units: list[Unit], code_limit: int):
        self.code_limit = code_limit
        self.new: list[NewUnit] = []
        self._by_key: dict[str, Unit | NewUnit] = {}
        # A name wins over a code that happens to read the same.
        for unit in units:
            self._by_key.setdefault(fold(unit.name), unit)
        for unit in units:
            self._by_key.setdefault(fold(unit.code), unit)
        self._codes = {unit.code.upper() for unit in units}

    def find(self, name: str | None) -> Unit | NewUnit | None:
        """The unit called `name` (by name or code, any case or diacritics), new if none is."""
        if name is None:
            return None
        key = fold(name)
        unit = self._by_key.get(key)
        if unit is None:
            unit = self._by_key[key] = NewUnit(name, self._new_code(key))
            self.new.append(unit)
        return unit

    def _new_code(self, key: str) -> str:
        # The words' initials, as the commune's own codes go: "Phòng Kinh tế" → PKT.
        base = "".join(word[0] for word in key.split()).upper()[: self.code_limit - 3] or "DV"
        code, number = base, 1
        while code in self._codes:
            number += 1
            code = f"{base}{number}"
        self._codes.add(code)
        return code
