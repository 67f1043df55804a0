"""The guides in docs/ name only commands the bot has, and the CLI commands it runs."""

import re

from handlers.app import build_router
from tests.helpers import ROOT

DOCS = ROOT / "docs"


def test_every_chat_command_in_the_guides_exists():
    commands = set(build_router().commands)
    for guide in DOCS.glob("*.md"):
        # `/toi`, `/duyet 12`; not a path (`/opt/canbo-bot`).
        named = set(re.findall(r"`/([a-z_]+)(?![\w/])", guide.read_text(encoding="utf-8")))
        assert named, guide
        assert named <= commands, (guide.name, named - commands)


GUIDES = [ROOT / "README.md", *DOCS.glob("*.md")]
# The bot's command line as the guides write it: through the project's virtual environment.
CLI = re.compile(r"(?:\.venv/bin/python -m bot|\.venv/bin/canbo-bot) ([a-z-]+)(?: ([a-z-]+))?")


def test_every_cli_command_in_the_guides_exists():
    from bot.__main__ import parser

    commands = parser()._subparsers._group_actions[0].choices
    for guide in GUIDES:
        for command, action in CLI.findall(guide.read_text(encoding="utf-8")):
            assert command in commands, (guide.name, command)
            # The first word after a command that takes a fixed set (db backup, roster import).
            choices = [
                a.choices for a in commands[command]._actions if not a.option_strings and a.choices
            ]
            if choices and action:
                assert action in choices[0], (guide.name, command, action)


def test_the_guides_run_python_from_the_virtual_environment():
    """A bare `python -m bot …` fails on a fresh machine (`No module named 'sqlalchemy'`):
    the dependencies live in .venv."""
    bare = re.compile(r"(?<![\w/.-])python3?\s+(?:-m\s|[\w./-]+\.py\b)")
    for guide in GUIDES:
        for number, line in enumerate(guide.read_text(encoding="utf-8").splitlines(), 1):
            assert not bare.search(line), f"{guide.name}:{number}: {line.strip()}"
