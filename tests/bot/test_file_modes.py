"""Files holding names and birth dates are the bot's user's alone from their first byte,
and so are their folders, whatever umask the operator's shell had."""

import dataclasses
import os
import stat

from tests.helpers.app import chat_as
from tests.helpers.procs import run


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_command_line_writes_private_files(tmp_path):
    os.umask(0o022)  # a usual shell: files 0644, folders 0755
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/data/cli.db"}
    assert run("demo-data", env=env).returncode == 0
    assert run("export", "--out", str(tmp_path / "tong-hop.xlsx"), env=env).returncode == 0
    assert run("roster", "export", str(tmp_path / "ds.csv"), env=env).returncode == 0
    assert run("roster", "export", str(tmp_path / "ds.xlsx"), env=env).returncode == 0
    for name in ("tong-hop.xlsx", "ds.csv", "ds.xlsx", "data/cli.db"):
        assert mode(tmp_path / name) == 0o600, name
    assert mode(tmp_path / "data") == 0o700


async def test_charts_and_workbooks_for_admins_are_private(app, tmp_path):
    folder = tmp_path / "summaries"
    folder.mkdir(mode=0o755)  # left open by an earlier version
    app = dataclasses.replace(app, conversation=app.conversation.with_options(summaries_dir=folder))
    admin = await chat_as(app, "DEMO001")
    await admin.send("/tonghop")
    made = list(folder.iterdir())
    assert made and all(mode(path) == 0o600 for path in made)
    assert mode(folder) == 0o700


async def test_workbooks_kept_on_the_desk_are_private(app, tmp_path):
    os.umask(0o022)
    folder = tmp_path / "summaries"  # not there yet: /xuat makes it
    app = dataclasses.replace(app, conversation=app.conversation.with_options(summaries_dir=folder))
    admin = await chat_as(app, "DEMO001")
    await admin.send("/xuat")
    (workbook,) = (folder / "desk").iterdir()
    assert workbook.suffix == ".xlsx" and workbook.stat().st_size > 0
    assert mode(workbook) == 0o600
    assert mode(folder / "desk") == 0o700 and mode(folder) == 0o700
