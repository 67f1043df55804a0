"""The roster template an admin fills in, and the `roster` command line as an operator runs it."""

import io

from openpyxl import load_workbook

from handlers.services.roster import roster_template
from handlers.services.roster.columns import COLUMNS
from handlers.texts import label
from knowledge import vocabulary as enums
from tests.helpers.procs import run
from tests.helpers.roster_files import FILLED, HEADERS, csv_bytes, dropdown, sheet_rows


def test_the_template_helps_whoever_fills_it_in():
    workbook = load_workbook(io.BytesIO(roster_template("mau.xlsx")))
    assert workbook.sheetnames == ["Danh sách cán bộ", "Hướng dẫn", "Danh mục"]
    sheet, guide, lists = workbook.worksheets
    assert [c.value for c in sheet[1]] == HEADERS and sheet.max_row == 1
    assert sheet.freeze_panes == "A2" and lists.sheet_state == "hidden"
    assert sheet.column_dimensions["B"].width >= 20
    assert sheet.column_dimensions["Q"].number_format == "@"  # phone numbers stay text
    validations = {
        str(v.sqref).split(":")[0][0]: v.formula1 for v in sheet.data_validations.dataValidation
    }
    assert sorted(validations) == list("CFIJKMNOPR")
    groups = [row[0].value for row in lists[validations["I"].split("!")[1].replace("$", "")]]
    assert groups == [label(m) for m in enums.PositionGroup]
    rows = {row[0]: row for row in guide.iter_rows(min_row=2, values_only=True) if row[0]}
    assert rows["Trình độ chuyên môn"][4].startswith("Trung cấp; Cao đẳng; Đại học; Thạc sĩ")
    assert "ThS" in rows["Trình độ chuyên môn"][4] and rows["Mã cán bộ*"][1] == "Có"
    assert all(rows[h][2] and rows[h][3] for h in HEADERS)  # an example and how to fill it in


def test_every_column_has_a_header_and_help():
    assert [c.header for c in COLUMNS] == HEADERS


# The command line, as an operator runs it.


def cli(*args, db):
    return run("roster", *args, env={"DATABASE_URL": f"sqlite:///{db}"})


def test_cli_template_import_export(tmp_path):
    db = tmp_path / "cli.db"
    template = tmp_path / "mau.xlsx"
    made = cli("template", str(template), db=db)
    assert made.returncode == 0 and "Đã tạo tệp mẫu" in made.stdout
    assert not db.exists()  # the template needs no database

    workbook = load_workbook(template)
    for row in FILLED:
        workbook.worksheets[0].append(row)
    workbook.save(template)

    dry = cli("import", str(template), "--dry-run", db=db)
    assert dry.returncode == 0 and dry.stdout.startswith("Chạy thử mau.xlsx (3 dòng)")
    done = cli("import", str(template), db=db)
    assert done.returncode == 0, done.stderr
    assert "• Thêm mới: 3\n• Cập nhật: 0\n• Không đổi: 0" in done.stdout
    assert "Đơn vị mới: Phòng Nông nghiệp (PNN)." in done.stdout

    # Now there is a database: its units are offered in the next template's «Đơn vị».
    again = cli("template", str(tmp_path / "mau-2.xlsx"), db=db)
    assert again.returncode == 0 and "danh sách 1 đơn vị hiện có" in again.stdout
    assert dropdown(load_workbook(tmp_path / "mau-2.xlsx"), "G") == ["Phòng Nông nghiệp"]

    exported = cli("export", str(tmp_path / "ra.xlsx"), db=db)
    assert exported.returncode == 0 and "Đã xuất 3 cán bộ" in exported.stdout
    assert sheet_rows((tmp_path / "ra.xlsx").read_bytes()) == FILLED
    assert cli("export", str(tmp_path / "ra.csv"), db=db).returncode == 0
    again = cli("import", str(tmp_path / "ra.csv"), db=db)
    assert "• Thêm mới: 0\n• Cập nhật: 0\n• Không đổi: 3" in again.stdout


def test_cli_import_with_problems_exits_2_and_lists_them(tmp_path):
    bad = tmp_path / "sai.csv"
    bad.write_bytes(csv_bytes([["X1", "", "Nam", "", *FILLED[0][4:]]], delimiter=";"))
    result = cli("import", str(bad), db=tmp_path / "cli.db")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "sai.csv: 1 lỗi, chưa ghi gì vào cơ sở dữ liệu. Sửa các lỗi sau rồi nhập lại:",
        "Dòng 2, cột «Họ và tên*»: chưa điền (cột bắt buộc).",
    ]


def test_cli_refuses_other_file_types_and_missing_files(tmp_path):
    wrong = cli("template", str(tmp_path / "mau.ods"), db=tmp_path / "cli.db")
    assert wrong.returncode == 2 and ".xlsx hoặc .csv" in wrong.stderr
    missing = cli("import", str(tmp_path / "khong-co.xlsx"), db=tmp_path / "cli.db")
    assert missing.returncode == 2 and "Không đọc được" in missing.stderr
    assert "Traceback" not in wrong.stderr + missing.stderr


def test_cli_dry_run_lists_every_changed_field(tmp_path):
    db = tmp_path / "cli.db"
    first = tmp_path / "ds.csv"
    first.write_bytes(csv_bytes(FILLED))
    assert cli("import", str(first), db=db).returncode == 0
    # 18 changes in all: more than a chat message lists.
    edited = [
        [*row[:4], "Dao", *row[5:7], "Chuyên viên chính", *row[8:10], "Đại học", "Kinh tế", "Không", None,
         "Chuyên viên", "Không", *row[16:]]
        for row in FILLED
    ]  # fmt: skip
    second = tmp_path / "sua.csv"
    second.write_bytes(csv_bytes(edited))
    dry = cli("import", str(second), "--dry-run", db=db)
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    changes = lines[lines.index("Chi tiết cập nhật:") + 1 :]
    assert "CB001: Chức vụ Trưởng phòng → Chuyên viên chính" in changes
    assert "CB001: Lý luận chính trị Trung cấp → (trống)" in changes
    assert "CB002: Chuyên ngành Luật → Kinh tế" in changes
    assert len(changes) == 18 and "thay đổi khác" not in dry.stdout
