"""`python -m bot training-plan --year 2027 --out FILE.xlsx [--unit CODE]`: the workbook for
the operator, audited as "cli"; exit 2 with a Vietnamese message for a bad year, an unknown
unit or a file name that is not .xlsx."""

import pytest
from sqlalchemy import select

from bot.__main__ import parser
from bot.cli_files import cmd_training_plan
from bot.failure import Failure
from storage.models import AuditEntry
from tests.helpers import plan_data
from tests.helpers import summary_data as data
from tests.helpers.procs import run
from tests.helpers.workbook_files import load, table


@pytest.fixture
async def commune(database, tmp_path):
    async with data.open_commune(database, tmp_path / "summaries") as app:
        await plan_data.register(app)
        yield app


async def training_plan(app, *words: str) -> None:
    await cmd_training_plan(app, parser().parse_args(["training-plan", *words]))


async def test_the_operator_gets_any_units_plan(commune, tmp_path, capsys):
    out = tmp_path / "kh.xlsx"
    await training_plan(commune, "--year", "2027", "--out", str(out), "--unit", "ub")
    said = capsys.readouterr().out
    assert said.startswith("Đã ghi kế hoạch đào tạo năm 2027 (Phòng UB: 2 đăng ký, 1 cán bộ")
    flags = table(load(out)["Cần cử đi học"])
    assert [(row["Mã cán bộ"], row["Khóa học phù hợp (danh mục)"]) for row in flags] == [
        ("S3", "Đào tạo đại học"),
    ]  # S5 has six years left on 01/01/2027, not more
    book = load(out)
    assert book["Tổng hợp"]["A3"].value.startswith("Phạm vi: Phòng UB")
    assert [row["Mã cán bộ"] for row in table(book["Theo đơn vị"])] == ["H2", "S4"]
    async with commune.sessionmaker() as session:
        (entry,) = await session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "training_plan")
        )
    assert (entry.actor, entry.action) == ("cli", "export") and "kh.xlsx" in entry.note


@pytest.mark.parametrize(
    "words, said",
    [
        (["--year", "27", "--out", "kh.xlsx"], "«27» không phải một năm hợp lệ"),
        (["--year", "2o27", "--out", "kh.xlsx"], "«2o27» không phải một năm hợp lệ"),
        (["--year", "2025", "--out", "kh.xlsx"], "Năm 2025 trước thời gian thực hiện Kế hoạch"),
        (["--year", "2027", "--out", "kh.xlsx", "--unit", "XYZ"], "Không có đơn vị mã «XYZ»"),
        (["--year", "2027", "--out", "kh.csv"], "Tên tệp phải kết thúc bằng .xlsx"),
        (["--year", "2040", "--out", "kh.xlsx"], "Năm 2040 quá xa: .* từ 2026 đến"),
        # Empty is not the whole commune said quietly.
        (
            ["--year", "2027", "--out", "kh.xlsx", "--unit", ""],
            "Mã đơn vị \\(--unit\\) đang để trống",
        ),
        (
            ["--year", "2027", "--out", "kh.xlsx", "--unit", " "],
            "Mã đơn vị \\(--unit\\) đang để trống",
        ),
    ],
)
async def test_what_cannot_be_made_exits_2_and_says_why(commune, tmp_path, words, said):
    words = [str(tmp_path / w) if w.startswith("kh.") else w for w in words]
    with pytest.raises(Failure, match=said) as failed:
        await training_plan(commune, *words)
    assert failed.value.code == 2
    assert not list(tmp_path.glob("kh.*"))


async def test_a_folder_that_does_not_exist_is_said_in_vietnamese(commune, tmp_path):
    out = tmp_path / "khong-co" / "kh.xlsx"
    with pytest.raises(Failure) as failed:
        await training_plan(commune, "--year", "2027", "--out", str(out))
    assert failed.value.code == 2
    assert str(failed.value) == (
        f"Không ghi được {out}: thư mục {tmp_path / 'khong-co'} không tồn tại"
    )


async def test_a_folder_that_takes_no_file_is_not_said_to_be_missing(commune):
    try:  # /proc exists, yet the OS says "no such file" for a file made there
        open("/proc/kh.xlsx", "wb").close()
    except FileNotFoundError:
        pass
    except OSError:
        pytest.skip("/proc answers otherwise for this user")
    with pytest.raises(Failure) as failed:
        await training_plan(commune, "--year", "2027", "--out", "/proc/kh.xlsx")
    assert failed.value.code == 2
    assert str(failed.value) == (
        "Không ghi được /proc/kh.xlsx: thư mục /proc không cho tạo tệp ở đó; hãy chọn thư mục khác"
    )


def test_the_command_line_exits_0_then_2(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    assert run("demo-data", env=env).returncode == 0
    out = tmp_path / "ke-hoach.xlsx"
    done = run("training-plan", "--year", "2027", "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert "Đã ghi kế hoạch đào tạo năm 2027 (Toàn xã" in done.stdout
    assert load(out).sheetnames == ["Tổng hợp", "Theo đơn vị", "Cần cử đi học"]
    refused = run("training-plan", "--year", "hai", "--out", str(out), env=env)
    assert refused.returncode == 2 and "không phải một năm hợp lệ" in refused.stderr
