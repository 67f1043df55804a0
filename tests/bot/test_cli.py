"""The command line as an operator runs it, in a separate process."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from tests.helpers import ROOT
from tests.helpers.procs import run


@pytest.fixture
def db_env(tmp_path):
    return {"DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}


def test_run_without_tokens_opens_the_console_demo(tmp_path):
    # `make run` in a fresh folder: default database under data/, demo roster seeded.
    result = run("run", stdin="/help\n/toi\n", cwd=tmp_path, env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert "Các lệnh:" in result.stdout and "/toi — Xem hồ sơ của tôi" in result.stdout
    assert "Tẩn Văn Sơn (mã DEMO001)" in result.stdout
    assert (tmp_path / "data" / "canbo.db").exists()
    assert "Traceback" not in result.stderr


def test_demo_data_is_idempotent(db_env):
    first = run("demo-data", env=db_env)
    assert first.returncode == 0 and "thêm 9 đơn vị, 40 cán bộ" in first.stdout
    again = run("demo-data", env=db_env)
    assert "thêm 0 đơn vị, 0 cán bộ" in again.stdout


def test_invite_prints_the_code_alone_on_the_last_line_and_it_links(db_env):
    run("demo-data", env=db_env)
    result = run("invite", "DEMO003", env=db_env)
    assert result.returncode == 0, result.stderr
    code = result.stdout.strip().splitlines()[-1]
    assert len(code) == 10 and code.isalnum() and code.isupper()
    chat = run("chat", stdin=f"/start {code}\n/toi\n", env=db_env)
    assert "Đã liên kết tài khoản với cán bộ" in chat.stdout and "(mã DEMO003)" in chat.stdout


def test_invite_json_and_admin(db_env):
    run("demo-data", env=db_env)
    plain = json.loads(run("invite", "DEMO004", "--json", env=db_env).stdout)
    assert plain["deep_link"] is None and len(plain["code"]) == 10
    expires = datetime.fromisoformat(plain["expires_at"])
    assert abs(expires - datetime.now(timezone.utc) - timedelta(days=7)) < timedelta(minutes=5)

    env = {**db_env, "TELEGRAM_BOT_USERNAME": "canbo_silolau_bot"}
    admin = json.loads(run("invite", "DEMO004", "--admin", "--json", "--days", "2", env=env).stdout)
    assert admin["deep_link"] == f"https://t.me/canbo_silolau_bot?start={admin['code']}"
    chat = run("chat", stdin=f"/start {admin['code']}\n/help\n", env=db_env)
    assert "Dành cho quản trị viên:" in chat.stdout


def test_invite_for_unknown_official(db_env):
    result = run("invite", "NOBODY", env=db_env)
    assert result.returncode == 2 and "Không có cán bộ" in result.stderr


@pytest.mark.parametrize("days", ["0", "-1", "366"])
def test_invite_days_out_of_range_are_refused(db_env, days):
    assert run("demo-data", env=db_env).returncode == 0
    result = run("invite", "DEMO004", "--days", days, env=db_env)
    assert result.returncode == 2 and "từ 1 đến 365" in result.stderr


def test_status_neither_creates_nor_migrates_a_database(tmp_path):
    result = run(
        "status",
        env={"DATABASE_URL": f"sqlite:///{tmp_path}/none.db", "STATE_DIR": str(tmp_path / "run")},
    )
    assert result.returncode == 1
    assert "Không có tiến trình bot nào đang chạy" in result.stdout
    assert "không đọc được cơ sở dữ liệu" in result.stdout
    assert not (tmp_path / "none.db").exists()


def test_chat_as_a_given_official(db_env):
    run("demo-data", env=db_env)
    result = run("chat", "--user", "demo012", stdin="/toi\n", env=db_env)
    assert result.returncode == 0 and "(mã DEMO012)" in result.stdout


def test_db_upgrade(db_env):
    result = run("db", "upgrade", env=db_env)
    assert result.returncode == 0 and "phiên bản lược đồ 0010" in result.stdout


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"DATABASE_URL": "postgresql+asyncpg://postgres@"}, "DATABASE_URL"),
        ({"DATABASE_URL": "://"}, "DATABASE_URL"),
        ({"TIMEZONE": "Asia/Saigon_Moon"}, "TIMEZONE"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN"),
    ],
)
def test_bad_configuration_is_one_line_and_exit_2(env, expected):
    result = run("db", "upgrade", env=env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and expected in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_line_and_non_zero():
    # Port 9 (discard) has nothing listening on these machines.
    result = run(
        "db", "upgrade", env={"DATABASE_URL": "postgresql://postgres:s3cret@127.0.0.1:9/x"}
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Không kết nối được cơ sở dữ liệu postgresql+asyncpg://")
    assert result.stderr.count("\n") == 1 and "s3cret" not in result.stderr


def test_accounts_are_listed_unlinked_and_roles_changed_from_the_command_line(db_env):
    run("demo-data", env=db_env)
    code = run("invite", "DEMO003", env=db_env).stdout.strip().splitlines()[-1]
    run("chat", stdin=f"/start {code}\n", env=db_env)
    listed = run("account", "list", env=db_env)
    assert listed.returncode == 0 and "DEMO003\tLý Thị Mai\tCán bộ\tconsole" in listed.stdout
    one = run("account", "list", "--official", "demo003", env=db_env)
    assert "Lý Thị Mai (DEMO003)" in one.stdout and "• Bảng điều khiển:" in one.stdout

    role = run("account", "role", "DEMO003", "unit-admin", env=db_env)
    assert role.returncode == 0 and "thành: Quản trị đơn vị" in role.stdout
    again = run("account", "role", "DEMO003", "unit-admin", env=db_env)
    assert again.returncode == 2 and "đã có quyền «Quản trị đơn vị»" in again.stderr

    note = run("invite", "DEMO003", env=db_env)
    assert "đang liên kết Bảng điều khiển" in note.stdout
    assert len(note.stdout.strip().splitlines()[-1]) == 10  # the code still alone, last

    unlinked = run("account", "unlink", "DEMO003", env=db_env)
    assert unlinked.returncode == 0 and "Đã gỡ liên kết Bảng điều khiển" in unlinked.stdout
    assert run("account", "unlink", "DEMO003", env=db_env).returncode == 2  # nothing left
    assert "0 tài khoản" in run("account", "list", env=db_env).stdout
    unknown = run("account", "role", "XYZ", "admin", env=db_env)
    assert unknown.returncode == 2 and "Không tìm thấy cán bộ có mã XYZ" in unknown.stderr
