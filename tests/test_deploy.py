"""The operator's kit: systemd units that systemd accepts and that run real commands, and a
production install pinned to exact versions without the development tools."""

import re
import shlex
import shutil
import subprocess
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.__main__ import parser
from tests.helpers import ROOT

DEPLOY = ROOT / "deploy"
INSTALL_DIR = "/opt/canbo-bot"  # where the units (and the guide) put the bot
UNITS = sorted(DEPLOY.glob("canbo-bot*.service")) + sorted(DEPLOY.glob("*.timer"))


def settings(unit: str) -> dict[str, list[str]]:
    """Each key of a unit file with its values in order (keys may repeat)."""
    found: dict[str, list[str]] = {}
    for line in (DEPLOY / unit).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


@pytest.mark.skipif(
    not shutil.which("systemd-analyze"),
    reason="systemd-analyze not installed "
    "(apt-get install systemd); the units are checked where systemd is",
)
def test_systemd_accepts_the_units_without_a_warning(tmp_path):
    # `verify` also checks that ExecStart's program exists: on this machine the bot is not
    # installed in /opt, so the units are verified as they would be in a copy installed
    # under tmp_path, every other line unchanged.
    program = tmp_path / "install" / ".venv" / "bin" / "canbo-bot"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    copies = []
    for unit in UNITS:
        copy = tmp_path / unit.name
        copy.write_text(
            unit.read_text(encoding="utf-8").replace(INSTALL_DIR, str(program.parents[2]))
        )
        copies.append(str(copy))
    result = subprocess.run(
        ["systemd-analyze", "verify", *copies], capture_output=True, text=True, timeout=60
    )
    # verify only warns about an unknown or misspelt option: any output counts as a failure.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_service_runs_as_its_own_user_sandboxed_and_restarts():
    unit = settings("canbo-bot.service")
    assert unit["User"] == ["canbo-bot"] and unit["WorkingDirectory"] == [INSTALL_DIR]
    assert unit["EnvironmentFile"] == [f"{INSTALL_DIR}/.env"]
    assert unit["Restart"] == ["on-failure"] and unit["RestartSec"]
    for hardening in (
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "PrivateDevices=yes",
        "UMask=0077",
        f"ReadWritePaths={INSTALL_DIR}/data",
        "StandardError=journal",
    ):
        key, value = hardening.split("=")
        assert unit.get(key) == [value], hardening


def test_the_daily_backup_runs_the_backup_command_and_catches_up_missed_days():
    timer = settings("canbo-bot-backup.timer")
    assert timer["Persistent"] == ["true"] and timer["Unit"] == ["canbo-bot-backup.service"]
    assert re.fullmatch(r"\*-\*-\* \d\d:\d\d:\d\d( \S+)?", timer["OnCalendar"][0])  # daily
    backup = settings("canbo-bot-backup.service")
    assert backup["Type"] == ["oneshot"] and backup["User"] == ["canbo-bot"]
    assert backup["EnvironmentFile"] == settings("canbo-bot.service")["EnvironmentFile"]


@pytest.mark.parametrize("unit", ["canbo-bot.service", "canbo-bot-backup.service"])
def test_the_units_start_commands_the_bot_has(unit):
    (command,) = settings(unit)["ExecStart"]
    program, *args = shlex.split(command)
    assert program == f"{INSTALL_DIR}/.venv/bin/canbo-bot"  # the script `make install-prod` makes
    parsed = parser().parse_args(args)  # exits (fails the test) on an unknown command
    assert parsed.command in ("run", "db")


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, sep, version = line.partition("==")
            assert sep and re.fullmatch(r"[\w.+!-]+", version), f"not an exact pin: {line}"
            pins[canonicalize_name(name)] = version
    return pins


def test_the_lock_pins_every_runtime_dependency_within_pyproject_ranges():
    pins = locked()
    for line in project()["dependencies"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock (make lock)"
        assert requirement.specifier.contains(pins[name], prereleases=True), (name, pins[name])


def test_the_lock_holds_no_development_tool():
    dev = {
        canonicalize_name(Requirement(line).name)
        for line in project()["optional-dependencies"]["dev"]
    }
    assert dev & {"pytest", "ruff"}
    assert not dev & set(locked()), "requirements.lock installs development tools on servers"


def test_ruff_is_pinned_so_make_lint_judges_the_same_everywhere():
    (ruff,) = [
        line
        for line in project()["optional-dependencies"]["dev"]
        if canonicalize_name(Requirement(line).name) == "ruff"
    ]
    assert re.fullmatch(r"==\d+\.\d+\.\d+", str(Requirement(ruff).specifier))


def test_production_installs_from_the_lock_without_the_development_extras():
    dry_run = subprocess.run(
        ["make", "-n", "install-prod"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "-r requirements.lock" in dry_run and "--no-deps ." in dry_run
    assert "[dev]" not in dry_run
