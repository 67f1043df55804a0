"""`python -m bot db backup DIR [--keep N]` as an operator (or the daily timer) runs it, and a
restore by the steps of docs/huong-dan-quan-tri.md («Vận hành»)."""

import asyncio
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.__main__ import main
from storage.demo import seed_demo
from storage.repo import Repo
from tests.helpers import TEST_DATABASE_URL
from tests.helpers.app import Database
from tests.helpers.procs import bot_env, cli, fresh_database


async def link_accounts(app, numbers) -> None:
    """One committed transaction per linked Telegram account, as the bot writes them."""
    for number in numbers:
        async with app.sessionmaker() as session, session.begin():
            repo = Repo(session)
            official = await repo.officials.by_code(f"DEMO{number % 40 + 1:03d}")
            await repo.accounts.link(official, "telegram", f"tg-{number}", f"tg-{number}")


def linked(path: Path) -> list[int]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("SELECT external_user_id FROM channel_accounts").fetchall()
    return sorted(int(user.removeprefix("tg-")) for (user,) in rows)


async def test_backup_of_a_running_sqlite_bot_holds_every_row_and_restores(tmp_path):
    path = tmp_path / "data" / "canbo.db"
    database = Database(f"sqlite+aiosqlite:///{path}")
    env = bot_env(database_url=database.url)
    backups = tmp_path / "backups"

    async with database.app() as app:  # the bot's connection stays open, as while it runs
        async with app.sessionmaker() as session, session.begin():
            await seed_demo(session)
        await link_accounts(app, range(20))
        # The last writes are still in the WAL, not yet in the file: a copy of the file would
        # miss them.
        assert Path(f"{path}-wal").stat().st_size > 0

        stop = asyncio.Event()

        async def keep_writing() -> int:
            number = 20
            while not stop.is_set():
                await link_accounts(app, [number])
                number += 1
                await asyncio.sleep(0.01)
            return number

        writer = asyncio.create_task(keep_writing())
        output = await cli("db", "backup", str(backups), env=env)
        stop.set()
        written = await writer
        await link_accounts(app, [written])  # after the backup: must be gone after the restore

    taken = Path(output.strip().splitlines()[-1])  # the path alone on the last line
    assert taken.parent == backups and taken.name.startswith("canbo-") and taken.suffix == ".db"
    with closing(sqlite3.connect(taken)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    saved = linked(taken)
    # Every row committed before the backup began, and a consistent snapshot: no gaps.
    assert saved == list(range(len(saved))) and len(saved) >= 20
    assert len(saved) <= written

    # Restore as documented: the bot stopped, the file copied back, the old -wal/-shm removed.
    shutil.copyfile(taken, path)
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    accounts = await cli("account", "list", env=env)
    assert accounts.strip().splitlines()[-1] == f"{len(saved)} tài khoản đã liên kết."
    assert "phiên bản lược đồ" in await cli("db", "current", env=env)
    assert linked(path) == saved


def test_backups_are_private_and_keep_removes_only_the_oldest_of_its_own(
    tmp_path, monkeypatch, capsys
):
    source = tmp_path / "canbo.db"
    with closing(sqlite3.connect(source)) as connection, connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
        connection.execute("INSERT INTO notes VALUES ('hồ sơ cán bộ')")
    monkeypatch.chdir(tmp_path)  # no .env of the project's folder
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{source}")
    backups = tmp_path / "sao-luu"
    backups.mkdir(mode=0o700)
    # The operator's own files and a backup taken before a migration: never pruned.
    others = [
        backups / "ghi-chu.txt",
        backups / "canbo-20250101-000000Z-truoc-nang-cap-0005.db",
        backups / "canbo-cu.db",
    ]
    for other in others:
        other.write_text("giữ nguyên")

    taken = []
    for _ in range(3):
        assert main(["db", "backup", str(backups), "--keep", "2"]) == 0
        taken.append(Path(capsys.readouterr().out.strip().splitlines()[-1]))

    assert len(set(taken)) == 3
    assert sorted(backups.iterdir()) == sorted([*others, *taken[1:]])
    for path in taken[1:]:
        assert path.stat().st_mode & 0o777 == 0o600
        with closing(sqlite3.connect(path)) as copy:
            assert copy.execute("SELECT body FROM notes").fetchall() == [("hồ sơ cán bộ",)]


def test_backup_creates_its_folder_readable_by_the_bot_only(tmp_path, monkeypatch, capsys):
    source = tmp_path / "canbo.db"
    sqlite3.connect(source).close()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{source}")
    previous = os.umask(0o022)  # the usual umask: it would make folders 0755
    try:
        assert main(["db", "backup", "nested/sao-luu"]) == 0
    finally:
        os.umask(previous)
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("nested/sao-luu/canbo-")
    assert (tmp_path / "nested" / "sao-luu").stat().st_mode & 0o777 == 0o700


def test_backup_of_a_database_that_does_not_exist(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/khong-co.db")
    assert main(["db", "backup", "sao-luu"]) == 1
    assert "Không có tệp cơ sở dữ liệu" in capsys.readouterr().err
    assert not (tmp_path / "khong-co.db").exists()  # not created empty by the attempt


def test_postgresql_backup_without_pg_dump_says_what_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://canbo@127.0.0.1:5432/canbo")
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump here
    assert main(["db", "backup", "sao-luu"]) == 1
    assert "pg_dump" in (err := capsys.readouterr().err) and "postgresql-client" in err
    assert not list((tmp_path / "sao-luu").iterdir())  # no empty or partial file left


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL: set TEST_DATABASE_URL")
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="needs pg_dump and pg_restore")
async def test_postgresql_backup_and_restore_by_the_documented_steps(tmp_path):
    async with fresh_database(TEST_DATABASE_URL) as url:
        env = bot_env(database_url=url)
        await cli("demo-data", env=env)
        output = await cli("db", "backup", str(tmp_path / "sao-luu"), env=env)
        taken = Path(output.strip().splitlines()[-1])
        assert taken.suffix == ".dump" and taken.stat().st_mode & 0o777 == 0o600

        # A change after the backup, then the documented restore over the same database.
        await cli("account", "role", "DEMO005", "admin", env=env)
        libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--dbname", libpq, str(taken)],
            check=True,
            capture_output=True,
        )
        card = await cli("account", "list", "--official", "DEMO005", env=env)
        assert "Quyền: Cán bộ" in card
        assert "thêm 0 đơn vị, 0 cán bộ" in await cli("demo-data", env=env)
