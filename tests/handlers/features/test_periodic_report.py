"""/baocaodinhky and `python -m bot report`: the periodic report draft (.docx), read back with
python-docx, on the commune of tests/helpers/summary_data.py (taken on 27/11/2026): the header,
the title, the targets' table against /tonghop for the same day, the training counts, the
ratings by period, the chart; LibreOffice opens it. On SQLite and PostgreSQL."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from sqlalchemy import select

from handlers.services.report.period import (
    ReportPeriodError,
    asked_period,
    default_report_period,
    parse_report_period,
)
from storage.models import AuditEntry, DeskFile
from storage.types import utcnow
from tests.helpers import summary_data as data
from tests.helpers.app import chat_as
from tests.helpers.office import NO_SOFFICE, SOFFICE, pdf_text, to_pdf
from tests.helpers.procs import run


@pytest.fixture
async def commune(database, tmp_path):
    async with data.open_commune(database, tmp_path / "summaries") as app:
        yield app


@pytest.fixture
async def admin(commune):
    return await chat_as(commune, "L1")


PLAN_FROM = date(2026, 1, 1)


def attached(out: str) -> Path:
    found = re.findall(r"\[Tệp: (.+)\]", out)
    assert found, out
    return Path(found[-1])


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


# -- the period ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "2026H1",
        "2026h1",
        " 2026 H1 ",
        "H1/2026",
        "6T2026",
        "6t/2026",
        "6 tháng 2026",
        "6 tháng đầu năm 2026",  # as people say it
        "6 thang dau nam 2026",
        "Sơ kết 6 tháng đầu năm 2026",
        "２０２６Ｈ１",  # full-width, as some phone keyboards type
        "６ tháng đầu năm ２０２６",
    ],
)
def test_the_first_half_as_people_type_it(typed):
    period = parse_report_period(typed)
    assert (period.key, period.label) == ("2026H1", "sơ kết 6 tháng đầu năm 2026")


@pytest.mark.parametrize("typed", ["2026", "năm 2026", "nam 2026", "Tổng kết năm 2026", "２０２６"])
def test_the_whole_year_as_people_type_it(typed):
    period = parse_report_period(typed)
    assert (period.key, period.label) == ("2026", "tổng kết năm 2026")


@pytest.mark.parametrize(
    "typed",
    [
        "2026Q2",
        "2026H2",
        "1999",
        "abc",
        "H3/2026",
        "6 tháng cuối năm 2026",  # the second half: never read as the first
        "6 thang cuoi nam 2026",
    ],
)
def test_what_is_not_a_report_period(typed):
    with pytest.raises(ReportPeriodError, match="không phải một kỳ báo cáo") as refused:
        parse_report_period(typed)
    assert "«6 tháng đầu năm 2026»" in str(refused.value)  # the forms it takes


def test_a_long_period_is_said_back_shortened():
    with pytest.raises(ReportPeriodError) as refused:
        parse_report_period("x" * 3900)
    assert str(refused.value).startswith(f"«{'x' * 29}…» không phải một kỳ báo cáo")


@pytest.mark.parametrize(
    ("typed", "end"),
    [
        ("2025", "tổng kết năm 2025"),
        ("2025H1", "sơ kết 6 tháng đầu năm 2025"),
        ("năm 2024", "tổng kết năm 2024"),
    ],
)
def test_periods_before_the_plan_are_refused(typed, end):
    # The plan's period starts on 01/01/2026 (targets.yaml training_from).
    with pytest.raises(ReportPeriodError) as refused:
        asked_period(typed, date(2026, 12, 7), PLAN_FROM)
    assert str(refused.value) == (
        f"Kỳ {end} kết thúc trước khi Kế hoạch bắt đầu thực hiện (từ 01/01/2026) nên không lập "
        "báo cáo theo Kế hoạch được. Kỳ báo cáo đầu tiên là sơ kết 6 tháng đầu năm 2026 (2026H1)."
    )


@pytest.mark.parametrize(
    ("today", "key"),
    [
        (date(2026, 1, 15), "2025"),  # last year's, being finished
        (date(2026, 5, 31), "2025"),
        (date(2026, 6, 10), "2026H1"),  # written in the half-year's last month
        (date(2026, 11, 27), "2026H1"),  # the latest that has ended
        (date(2026, 12, 1), "2026"),
    ],
)
def test_the_default_period(today, key):
    assert default_report_period(today).key == key


@pytest.mark.parametrize(
    ("today", "key"),
    [
        (date(2026, 1, 15), "2026H1"),  # last year's is before the plan: its first period
        (date(2026, 5, 31), "2026H1"),
        (date(2026, 11, 27), "2026H1"),
        (date(2027, 2, 1), "2026"),
    ],
)
def test_the_default_period_is_never_before_the_plan(today, key):
    assert asked_period(None, today, PLAN_FROM).key == key


# -- the draft from chat -------------------------------------------------------------------------


async def test_the_half_year_draft_matches_tonghop_for_the_same_day(commune, admin):
    out = await admin.send("/baocaodinhky 2026H1")
    assert "Đang lập dự thảo báo cáo sơ kết 6 tháng đầu năm 2026 — Toàn xã" in out
    assert (
        "📎 Dự thảo báo cáo sơ kết 6 tháng đầu năm 2026 — Toàn xã, số liệu tính đến 30/06/2026"
        in out
    )
    path = attached(out)
    assert path.suffix == ".docx"
    doc = Document(str(path))

    header = table_rows(doc.tables[0])[0]
    assert header[0].split("\n") == [
        "ĐẢNG ỦY XÃ SÌ LỞ LẦU",  # a ban writes its committee above its name (36-HD/VPTW)
        "BAN XÂY DỰNG ĐẢNG",
        "*",
        "Số: ……-BC/……",
    ]
    national, _, place = header[1].split("\n")
    assert national == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert place == "Sì Lở Lầu, ngày …… tháng …… năm ……"
    right = doc.tables[0].rows[0].cells[1].paragraphs
    assert right[0].runs[0].underline and right[2].runs[0].italic
    paragraphs = texts(doc)
    assert "BÁO CÁO" in paragraphs
    title = next(p for p in paragraphs if p.startswith("Sơ kết"))
    assert title.startswith(
        "Sơ kết 6 tháng đầu năm 2026 thực hiện Kế hoạch triển khai thực hiện Nghị quyết số 05-NQ/TU"
    )
    assert not title.endswith(")")  # the plan's name without its issuer in brackets
    for heading in (
        "I. TÌNH HÌNH TRIỂN KHAI",
        "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        "VII. KIẾN NGHỊ, ĐỀ XUẤT",
    ):
        assert heading in paragraphs

    # Every indicator's figure as /tonghop gives it for the same day (2026Q2, on 30/06/2026).
    tonghop = await admin.send("/tonghop 2026Q2")
    assert "Tính đến 30/06/2026 · xếp loại quý II/2026" in tonghop
    targets = table_rows(doc.tables[1])
    assert targets[0] == ["STT", "Chỉ tiêu", "Kết quả", "Mục tiêu", "Tình trạng"]
    indicators = [row for row in targets[1:] if len(set(row)) > 1]
    assert len(indicators) == 16 and len(targets) == 1 + 16 + 8  # a row per target too
    lines = dict(re.findall(r"^\S+ (\d[a-d]?)\. (.+)$", tonghop, re.MULTILINE))
    assert len(lines) == 16
    for key, _name, figure, goal, status in indicators:
        measured = status not in ("chưa đo", "không có đối tượng")
        shown = f": {figure} · {goal}" if measured else f": {figure}"
        assert lines[key].endswith(shown), (key, lines[key], shown)
    assert dict((r[0], r[2]) for r in indicators)["2a"] == "3/10 (30%)"  # L1, S1, H2 by 30/06
    # Levels are the records' current ones (no history is kept): said under the table.
    levels_note = (
        "Trình độ chuyên môn, lý luận chính trị (chỉ tiêu 5, 6, 7) tính theo hồ sơ cán bộ hiện "
        "nay, không theo ngày cuối kỳ."
    )
    assert levels_note in paragraphs
    assert paragraphs.index(levels_note) < paragraphs.index("III. CÔNG TÁC ĐÀO TẠO, BỒI DƯỠNG")

    # Training: verified reports completed 01/01–30/06/2026, active officials only.
    training = {row[1]: row[2:] for row in table_rows(doc.tables[2])[1:]}
    assert training["Bồi dưỡng theo VTVL"] == ["3", "3"]  # not X1's (left), not L2's pending
    assert training["Cập nhật kiến thức"] == ["2", "2"]
    assert training["Đào tạo chuyên môn"] == ["1", "1"]
    assert training["Bình dân học vụ số"] == ["0", "0"]  # L3's and S4's are after June
    assert training["Tổng cộng"] == ["6", "4"]  # L1, L2, S1 and H2 (S1, H2 have two)

    ratings = table_rows(doc.tables[3])
    assert [row[0] for row in ratings[1:]] == ["Quý I/2026", "Quý II/2026"]
    assert ratings[2] == ["Quý II/2026", "0", "1", "0", "0", "9", "10"]  # S4's «tốt»

    assert len(doc.inline_shapes) == 1  # the chart
    recipients, signature = table_rows(doc.tables[-1])[0]
    assert recipients.split("\n") == [
        "Nơi nhận:",
        "- Ban Thường vụ Đảng ủy (b/c),",  # Mục IV.3
        "- Thường trực Đảng ủy,",
        "- Lưu VPĐU, BXĐĐ.",
    ]  # not Ban Tổ chức Tỉnh ủy: the plan sends its own text there, not this report
    assert signature.startswith("TRƯỞNG BAN\n") and "T/M" not in signature  # a ban's head

    # The page number top centre from page 2: a PAGE field, the first page's header empty.
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    number = section.header.paragraphs[0]
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" in [code.text.strip() for code in number._p.iter(qn("w:instrText"))]
    assert section.first_page_header.is_linked_to_previous is False
    assert "".join(p.text for p in section.first_page_header.paragraphs) == ""

    # The file's properties: its title and author, made now, not python-docx's template's.
    properties = doc.core_properties
    assert properties.title.startswith("Báo cáo sơ kết 6 tháng đầu năm 2026 thực hiện Kế hoạch")
    assert properties.author == "Ban Xây dựng Đảng Đảng ủy xã Sì Lở Lầu"
    assert "python-docx" not in f"{properties.comments} {properties.last_modified_by}"
    assert abs(properties.created - utcnow()) < timedelta(days=1)

    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.left_margin.cm, 1) == 3.0 and round(section.top_margin.cm, 1) == 2.0
    assert doc.styles["Normal"].font.name == "Times New Roman"

    # Kept on the desk with a login link, and audited.
    async with commune.sessionmaker() as session:
        (kept,) = await session.scalars(select(DeskFile))
        (entry,) = await session.scalars(select(AuditEntry).where(AuditEntry.action == "export"))
    assert (kept.kind, kept.unit_id, kept.name) == ("report", None, "bao-cao-2026H1-toan-xa.docx")
    assert kept.title == "Dự thảo báo cáo sơ kết 6 tháng đầu năm 2026 — Toàn xã"
    assert re.search(r"^\[Bàn làm việc web: http://\S+/desk/login/\S+\]$", out, re.MULTILINE)
    assert entry.actor == "official:L1" and entry.entity == "report" and path.name in entry.note


async def test_the_year_draft_has_every_period_opened_so_far(admin):
    out = await admin.send("/baocaodinhky năm 2026")
    doc = Document(str(attached(out)))
    assert any(p.startswith("Tổng kết năm 2026 thực hiện Kế hoạch") for p in texts(doc))
    assert "Số liệu tính đến ngày 27/11/2026" in "\n".join(texts(doc))
    ratings = table_rows(doc.tables[3])
    # The annual evaluation opens on 01/12: not yet on 27/11.
    assert [row[0] for row in ratings[1:]] == ["Quý I/2026", "Quý II/2026", "Quý III/2026"]
    assert ratings[3] == ["Quý III/2026", "2", "2", "2", "1", "3", "10"]
    training = {row[1]: row[2:] for row in table_rows(doc.tables[2])[1:]}
    assert training["Bình dân học vụ số"] == ["2", "2"]  # L3 on the day, S4 in September


async def test_what_cannot_be_drafted_is_said_at_once(commune, admin):
    out = await admin.send("/baocaodinhky 2026Q2")
    assert "«2026Q2» không phải một kỳ báo cáo. Ghi 2026H1" in out and "[Tệp:" not in out
    out = await admin.send("/baocaodinhky 2027")
    assert "Kỳ tổng kết năm 2027 chưa bắt đầu (từ 01/01/2027)" in out and "[Tệp:" not in out
    for before in ("2025", "2025H1", "6 tháng đầu năm 2025"):
        out = await admin.send(f"/baocaodinhky {before}")
        assert "trước khi Kế hoạch bắt đầu thực hiện (từ 01/01/2026)" in out
        assert "[Tệp:" not in out
    # A unit's code beside the period: the report is the whole commune's.
    for typed, unit, period in (("2026 UA", "UA", "2026"), ("ub 2026H1", "ub", "2026H1")):
        out = await admin.send(f"/baocaodinhky {typed}")
        assert (
            "Báo cáo định kỳ là báo cáo chung của toàn xã, không lập riêng cho một đơn vị nên"
            f" không ghi «{unit}»: gõ /baocaodinhky {period}."
        ) in out
        assert "không phải một kỳ báo cáo" not in out and "[Tệp:" not in out
    out = await admin.send("/baocaodinhky 6 tháng cuối năm 2026")
    assert "«6 tháng cuối năm 2026» không phải một kỳ báo cáo" in out and "[Tệp:" not in out
    said = (await admin.send("/baocaodinhky " + "9" * 3900)).split("\n", 1)[1]  # not the echo
    assert said.startswith(f"«{'9' * 29}…» không phải một kỳ báo cáo") and len(said) < 500
    said = (await admin.send("/tonghop " + "Z" * 3900)).split("\n", 1)[1]  # shared message
    assert said.startswith(f"Không có đơn vị mã «{'Z' * 29}…». Các mã đơn vị:")
    assert len(said) < 500
    out = await admin.send("/baocaodinhky")  # on 27/11: the first half, the latest ended
    assert "sơ kết 6 tháng đầu năm 2026" in out and attached(out).is_file()


async def test_unit_admins_and_officials_are_refused(commune):
    for code in ("H2", "S1"):
        chat = await chat_as(commune, code)
        out = await chat.send("/baocaodinhky 2026H1")
        # «của xã»: a unit admin, told they are «quản trị đơn vị», is not the one meant.
        assert "Xin lỗi, lệnh này chỉ dành cho quản trị viên của xã." in out
        assert "[Tệp:" not in out
    async with commune.sessionmaker() as session:
        assert list(await session.scalars(select(DeskFile))) == []


@pytest.mark.skipif(SOFFICE is None, reason=NO_SOFFICE)
async def test_libreoffice_converts_the_draft_to_pdf(admin, tmp_path):
    source = attached(await admin.send("/baocaodinhky 2026H1"))
    to_pdf(source, tmp_path)
    text = pdf_text(tmp_path / (source.stem + ".pdf"))
    if text is not None:
        assert "BÁO CÁO" in text and "Sơ kết 6 tháng đầu năm 2026" in text
        printed = text.split("\f")
        assert not printed[0].strip().startswith("1")  # no number on the first page
        assert printed[1].strip().startswith("2")  # the PAGE field, top centre, from page 2


# -- the command line ---------------------------------------------------------------------------


def test_the_command_line_writes_the_draft(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "STATE_DIR": str(tmp_path)}
    assert run("demo-data", env=env).returncode == 0
    out = tmp_path / "bao-cao.docx"
    # The plan's first period: begun whatever the real clock says (the plan dates from 2026).
    done = run("report", "--period", "2026H1", "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert "Đã lập dự thảo báo cáo sơ kết 6 tháng đầu năm 2026 (Toàn xã" in done.stdout
    doc = Document(str(out))
    assert any(p.text.startswith("Sơ kết 6 tháng đầu năm 2026 thực hiện") for p in doc.paragraphs)
    assert len(doc.inline_shapes) == 1

    out.unlink()
    for before in ("2025", "2025H1"):  # before the plan's period (from 01/01/2026)
        early = run("report", "--period", before, "--out", str(out), env=env)
        assert early.returncode == 2 and "trước khi Kế hoạch bắt đầu" in early.stderr
        assert not out.exists()
    bad = run("report", "--period", "2025Q4", "--out", str(out), env=env)
    assert bad.returncode == 2 and "«2025Q4» không phải một kỳ báo cáo" in bad.stderr
    unknown = run("report", "--unit", "XYZ", "--out", str(out), env=env)
    assert unknown.returncode == 2 and "Không có đơn vị mã «XYZ»" in unknown.stderr
    long = run("report", "--unit", "Z" * 3900, "--out", str(out), env=env)
    assert long.returncode == 2 and f"Không có đơn vị mã «{'Z' * 29}…»" in long.stderr
    assert len(long.stderr) < 500
    word = run("report", "--out", str(tmp_path / "bao-cao.xlsx"), env=env)
    assert word.returncode == 2 and "phải kết thúc bằng .docx" in word.stderr
