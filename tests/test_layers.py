"""The layers of DESIGN.md, read from the imports of every module: each imports only down,
features never import each other, and `bot/` reaches the features through handlers/app.py."""

import ast
from pathlib import Path

import pytest

from tests.helpers import ROOT

PACKAGES = ("bot", "handlers", "knowledge", "storage")
# What each top-level package may import from the others.
MAY_IMPORT = {
    "bot": {"handlers", "knowledge", "storage"},
    "handlers": {"knowledge", "storage"},
    "storage": {"knowledge"},
    "knowledge": set(),
}


def modules() -> list[Path]:
    return sorted(
        p
        for package in PACKAGES
        for p in (ROOT / package).rglob("*.py")
        if "migrations" not in p.parts
    )


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def name_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


@pytest.mark.parametrize("path", modules(), ids=name_of)
def test_imports_point_down_only(path):
    package = name_of(path).split(".")[0]
    for name in imported(path):
        top = name.split(".")[0]
        if top in PACKAGES and top != package:
            assert top in MAY_IMPORT[package], f"{name_of(path)} imports {name}"


@pytest.mark.parametrize("path", modules(), ids=name_of)
def test_features_are_reached_only_through_handlers_app(path):
    module = name_of(path)
    features = {n for n in imported(path) if n.startswith("handlers.features.")}
    if module.startswith("handlers.features."):
        assert not features, f"{module} imports another feature: {sorted(features)}"
    elif module != "handlers.app":
        assert not features, f"{module} imports a feature module: {sorted(features)}"
