"""Every user-facing text, kept as data in `handlers/texts/*.yaml`.

A key is "<file>.<name>", e.g. `t("common.unknown_command", command="/abc")`.
"""

from enum import Enum
from functools import cache
from pathlib import Path

import yaml

TEXTS_DIR = Path(__file__).parent / "texts"


@cache
def _texts() -> dict[str, str | dict]:
    texts: dict[str, str | dict] = {}
    for path in sorted(TEXTS_DIR.glob("*.yaml")):
        for name, value in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            texts[f"{path.stem}.{name}"] = value
    return texts


def t(key: str, **values) -> str:
    template = _texts()[key]
    return template.format(**values).strip() if values else template.strip()


def label(member: Enum | None) -> str:
    """The Vietnamese name of an enumeration value, e.g. EducationLevel.THAC_SI → "Thạc sĩ"."""
    if member is None:
        return t("labels.none")
    return _texts()[f"labels.{type(member).__name__}"][member.value]


def options(key: str) -> dict[str, str]:
    """A list of named choices kept as data (key → Vietnamese label), in the file's order."""
    return dict(_texts()[key])
