"""What a roster import writes (officials, units, the audit log; nothing on a dry run) and what
export gives back."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from handlers.services.roster import export_roster
from handlers.services.roster.columns import COLUMNS
from knowledge import vocabulary
from storage import enums
from storage.repo import Repo
from tests.helpers.roster_files import (
    FILLED,
    HEADERS,
    audit,
    counts,
    csv_bytes,
    officials,
    run_import,
    sheet_rows,
    xlsx,
)


async def test_template_fill_import_export_gives_back_what_was_filled(empty_app):
    report = await run_import(empty_app, xlsx(FILLED))
    assert report.ok and report.written, report.text()
    assert (len(report.added), len(report.updated), len(report.unchanged)) == (3, 0, 0)
    assert report.new_units == [("Phòng Nông nghiệp", "PNN")]

    async with empty_app.sessionmaker() as session:
        exported, count = await export_roster(Repo(session), "ra.xlsx")
    assert count == 3
    assert sheet_rows(exported) == FILLED

    stored = await officials(empty_app)
    mai = stored["CB003"]
    assert mai.position_group is vocabulary.PositionGroup.LEADERSHIP and mai.is_vice_chair
    assert mai.political_theory_level is vocabulary.PoliticalTheoryLevel.CU_NHAN
    assert not mai.active and mai.unit is None and mai.birth_date is None
    assert stored["CB002"].phone == "0209381234"  # the leading 0 kept


async def test_csv_round_trip(empty_app):
    await run_import(empty_app, csv_bytes(FILLED), "ds.csv")
    async with empty_app.sessionmaker() as session:
        exported, _ = await export_roster(Repo(session), "ra.csv")
    assert exported.startswith(b"\xef\xbb\xbf")  # so Excel opens it as UTF-8
    again = await run_import(empty_app, exported, "ra.csv")
    assert (len(again.added), len(again.updated), len(again.unchanged)) == (0, 0, 3)
    lines = exported.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(HEADERS)
    assert lines[1].startswith("CB001,Lò Văn Minh,Nam,05/03/1985,Hà Nhì,Có,")


async def test_dry_run_reports_the_same_and_writes_nothing(app):
    before = await counts(app)
    rows = [FILLED[0], ["DEMO002", "Nguyễn Văn Hùng Sửa", *FILLED[0][2:]]]
    dry = await run_import(app, xlsx(rows), dry_run=True, deactivate_missing=True)
    assert dry.ok and not dry.written
    assert (len(dry.added), len(dry.updated), len(dry.deactivated)) == (1, 1, 39)
    assert dry.text().startswith("Chạy thử ds.xlsx (2 dòng), chưa ghi gì vào cơ sở dữ liệu:")
    assert await counts(app) == before
    assert (await officials(app))["DEMO002"].full_name == "Nguyễn Văn Hùng"
    real = await run_import(app, xlsx(rows), deactivate_missing=True)
    assert (real.added, real.updated, real.deactivated) == (dry.added, dry.updated, dry.deactivated)


async def test_importing_the_same_file_again_changes_nothing(app):
    data = xlsx(FILLED)
    await run_import(app, data)
    entries = len(await audit(app))
    again = await run_import(app, data)
    assert (len(again.added), len(again.updated), len(again.unchanged)) == (0, 0, 3)
    assert again.new_units == []
    assert len(await audit(app)) == entries
    assert "• Thêm mới: 0\n• Cập nhật: 0\n• Không đổi: 3" in again.text()


async def test_export_then_import_of_the_demo_roster_changes_nothing(app):
    async with app.sessionmaker() as session:
        exported, count = await export_roster(Repo(session), "demo.xlsx")
    report = await run_import(app, exported, "demo.xlsx")
    assert count == 40 and len(report.unchanged) == 40 and not report.updated


async def test_audit_log_has_every_change_with_before_and_after(app):
    rows = [
        FILLED[0],
        # DEMO002 with another title and political theory, everything else as it was.
        ["DEMO002", "Nguyễn Văn Hùng", "Nam", date(1976, 10, 13), "Kinh", "Không",
         "Lãnh đạo Đảng ủy, HĐND, UBND xã", "Bí thư Đảng ủy", "Lãnh đạo", "Không", "Đại học",
         "Công tác xã hội", "Có", "Cử nhân", "Chuyên viên chính", "Có", "0900000002", "Có"],
    ]  # fmt: skip
    report = await run_import(app, xlsx(rows), deactivate_missing=True)
    assert report.ok, report.text()
    assert report.updated == ["DEMO002"] and len(report.deactivated) == 39
    entries = await audit(app)
    by_action = {}
    for entry in entries:
        assert entry.actor == "test" and entry.note == "roster import: ds.xlsx"
        by_action.setdefault((entry.action, entry.entity), []).append(entry)
    [unit] = by_action["create", "unit"]
    assert (unit.entity_id, unit.after) == ("PNN", {"code": "PNN", "name": "Phòng Nông nghiệp"})
    [added] = by_action["create", "official"]
    assert added.entity_id == "CB001" and added.before is None
    assert added.after["birth_date"] == "1985-03-05" and added.after["unit"] == "PNN"
    assert added.after["education_level"] == "thac_si" and added.after["phone"] == "0912345678"
    [updated] = by_action["update", "official"]
    assert updated.entity_id == "DEMO002"
    assert updated.before == {
        "title": "Bí thư Đảng ủy, Chủ tịch HĐND xã",
        "political_theory_level": "cao_cap",
    }
    assert updated.after == {"title": "Bí thư Đảng ủy", "political_theory_level": "cu_nhan"}
    deactivated = by_action["deactivate", "official"]
    assert len(deactivated) == 39
    assert deactivated[0].before == {"active": True} and deactivated[0].after == {"active": False}
    stored = await officials(app)
    assert not stored["DEMO001"].active and stored["DEMO002"].active
    assert stored["DEMO001"].role is enums.Role.ADMIN  # the file never touches roles


async def test_empty_cells_clear_and_missing_columns_keep(app):
    headers = ["Mã cán bộ", "Họ và tên", "Giới tính", "Nhóm vị trí", "Chuyên ngành"]
    rows = [["demo003", "Hà Thị Lan", "Nữ", "Công chức chuyên môn", None]]
    before = (await officials(app))["DEMO003"]
    report = await run_import(app, xlsx(rows, headers))
    assert report.updated == ["DEMO003"], report.text()
    after = (await officials(app))["DEMO003"]
    assert after.code == "DEMO003"  # matched case-insensitively, stored spelling kept
    assert after.major is None and after.full_name == "Hà Thị Lan"
    assert (after.birth_date, after.phone, after.unit_id, after.education_level) == (
        before.birth_date, before.phone, before.unit_id, before.education_level,
    )  # fmt: skip


async def test_units_are_matched_by_name_or_code_and_new_ones_get_unique_codes(app):
    base = FILLED[0]
    rows = [
        ["U1", "A", *base[2:6], "PHÒNG KINH TẾ", *base[7:]],  # existing, by name
        ["U2", "B", *base[2:6], "vpdu", *base[7:]],  # existing, by code
        ["U3", "C", *base[2:6], "Phòng Kế toán", *base[7:]],  # new; PKT is taken
        ["U4", "D", *base[2:6], "phong ke toan", *base[7:]],  # the same new unit
    ]
    report = await run_import(app, xlsx(rows))
    assert report.new_units == [("Phòng Kế toán", "PKT2")]
    stored = await officials(app)
    assert [stored[c].unit.code for c in ("U1", "U2", "U3", "U4")] == [
        "PKT",
        "VPDU",
        "PKT2",
        "PKT2",
    ]


# Text a spreadsheet would take for a formula, as an official's fields may hold it.
FORMULA_LIKE = {
    "DEMO002": {"full_name": '=HYPERLINK("https://example.com/x","Nguyễn Văn Hùng")'},
    "DEMO003": {"title": "+Phó Bí thư", "major": "-Luật"},
    "DEMO004": {"ethnicity": "@Mông", "phone": "+84900000004"},
}


@pytest.mark.parametrize("filename", ["ra.xlsx", "ra.csv"])
async def test_formula_like_text_is_exported_as_text_and_imports_back_unchanged(app, filename):
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        for official in await repo.officials.all():
            repo.officials.change(official, **FORMULA_LIKE.get(official.code, {}))
    async with app.sessionmaker() as session:
        exported, _ = await export_roster(Repo(session), filename)

    cells = _exported_cells(exported, filename)
    for code, fields in FORMULA_LIKE.items():
        for field, value in fields.items():
            if filename.endswith(".csv"):  # OWASP: a quote before it, so it stays text
                assert cells[code, field] == "'" + value
            else:  # a string cell with Excel's quote prefix, not a formula
                cell = cells[code, field]
                assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", value, True)

    report = await run_import(app, exported, filename)
    assert report.ok, report.text()
    assert (len(report.updated), len(report.unchanged)) == (0, 40)
    stored = await officials(app)
    assert stored["DEMO002"].full_name == FORMULA_LIKE["DEMO002"]["full_name"]
    assert stored["DEMO004"].phone == "+84900000004"


def _exported_cells(data: bytes, filename: str) -> dict:
    """(code, field) → the CSV cell's text, or the XLSX cell itself."""
    if filename.endswith(".csv"):
        table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    else:
        table = list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows())
    fields = [column.field for column in COLUMNS]
    cells = {}
    for row in table[1:]:
        code = row[0] if filename.endswith(".csv") else row[0].value
        cells.update({(code, field): cell for field, cell in zip(fields, row, strict=True)})
    return cells


def _demo_rows_changed(rows: list[list], changes: dict[str, dict[str, object]]) -> list[list]:
    """The exported demo rows with some cells changed, by code and header."""
    for row in rows:
        for header, value in changes.get(row[0], {}).items():
            row[HEADERS.index(header)] = value
    return rows


async def test_dry_run_and_import_list_every_changed_field(app):
    async with app.sessionmaker() as session:
        exported, _ = await export_roster(Repo(session), "ds.xlsx")
    rows = _demo_rows_changed(
        sheet_rows(exported),
        {
            "DEMO004": {
                "Ngày sinh": date(1981, 2, 12),
                "Chức vụ": "Chủ tịch UBND xã",
                "Chuyên ngành": None,
            },
            "DEMO005": {"Đơn vị": "Phòng Kinh tế", "Đang công tác": "Không"},
        },
    )
    dry = await run_import(app, xlsx(rows), dry_run=True)
    expected = [
        "Chi tiết cập nhật:",
        "DEMO004: Ngày sinh 02/12/1981 → 12/02/1981",
        "DEMO004: Chức vụ Phó Bí thư Đảng ủy, Chủ tịch UBND xã → Chủ tịch UBND xã",
        "DEMO004: Chuyên ngành Nông học → (trống)",
        "DEMO005: Đơn vị Lãnh đạo Đảng ủy, HĐND, UBND xã → Phòng Kinh tế",
        "DEMO005: Đang công tác Có → Không",
    ]
    assert dry.text().splitlines()[-len(expected) :] == expected
    real = await run_import(app, xlsx(rows))
    assert real.text().splitlines()[-len(expected) :] == expected
    assert (await officials(app))["DEMO004"].birth_date == date(1981, 2, 12)


async def test_a_long_list_of_changes_is_cut_short_for_a_chat(app):
    async with app.sessionmaker() as session:
        exported, _ = await export_roster(Repo(session), "ds.xlsx")
    rows = sheet_rows(exported)
    for row in rows:
        row[HEADERS.index("Chức vụ")] = "Chuyên viên"
    report = await run_import(app, xlsx(rows), dry_run=True)
    assert len(report.updated) == 40
    lines = report.text().splitlines()
    assert lines[-17] == "Chi tiết cập nhật:" and lines[-16].startswith("DEMO001: Chức vụ ")
    assert lines[-1] == "… và 25 thay đổi khác."
    everything = report.text(max_changes=None).splitlines()
    assert everything[-1].startswith("DEMO040: Chức vụ ") and len(everything) == len(lines) + 24
