"""The guides in docs/ name only commands the bot has, and the CLI commands it runs."""

import re

from handlers.app import build_router
from tests.helpers import ROOT

DOCS = ROOT / "docs"


def test_every_chat_command_in_the_guides_exists():
    commands = set(build_router().commands)
    for guide in DOCS.glob("*.md"):
        named = set(re.findall(r"`/([a-z_]+)", guide.read_text(encoding="utf-8")))
        assert named, guide
        assert named <= commands, (guide.name, named - commands)


def test_every_cli_command_in_the_guides_exists():
    from bot.__main__ import parser

    actions = parser()._subparsers._group_actions[0].choices
    for guide in DOCS.glob("*.md"):
        for command in re.findall(r"python -m bot ([a-z-]+)", guide.read_text(encoding="utf-8")):
            assert command in actions, (guide.name, command)
