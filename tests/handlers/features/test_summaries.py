"""/tonghop, /chitieu, /chuanop and /xuat through the console seam, on the commune of
tests/helpers/summary_data.py (figures known by construction), on SQLite and PostgreSQL."""

import asyncio
import os
import re
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select, update

from handlers.periods import current_period
from handlers.services.summaries.charts import indicators_figure
from handlers.services.summaries.figures import summarise
from handlers.services.summaries.scope import Scope
from handlers.types import Incoming, Reply
from knowledge.targets import load_targets
from storage.enums import Role
from storage.models import AuditEntry, DeskFile, Official
from storage.repo import Repo
from tests.helpers import ROOT
from tests.helpers import summary_data as data
from tests.helpers.app import chat_as
from tests.helpers.workbook_files import codes, load, table

TARGETS = load_targets()
TARGETS_FILE = ROOT / "knowledge" / "targets.yaml"
PNG = b"\x89PNG\r\n\x1a\n"
REFUSAL = "dành cho quản trị viên và quản trị viên đơn vị"


@pytest.fixture
async def commune(database, tmp_path):
    async with data.open_commune(database, tmp_path / "summaries") as app:
        yield app


@pytest.fixture
async def admin(commune):
    return await chat_as(commune, "L1")


@pytest.fixture
async def unit_admin(commune):
    return await chat_as(commune, "H2")


def attached(out: str) -> Path:
    found = re.findall(r"\[Tệp: (.+)\]", out)
    assert found, out
    return Path(found[-1])


async def desk_files(app) -> list[DeskFile]:
    async with app.sessionmaker() as session:
        return list(await session.scalars(select(DeskFile).order_by(DeskFile.id)))


async def audit(app, action: str) -> list[AuditEntry]:
    async with app.sessionmaker() as session:
        return list(
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


async def test_overview_shows_all_eight_targets_and_a_chart(commune, admin):
    out = await admin.send("/tonghop")
    assert "📊 Chỉ tiêu Kế hoạch thực hiện NQ 05 — Toàn xã" in out
    assert "Tính đến 27/11/2026 · xếp loại quý III/2026 · 10 cán bộ" in out
    for line in (
        "➖ 1a. Bố trí theo VTVL: chưa đo",
        "⏳ 1b. Đào tạo lại chuyên môn: 1/3 (33,3%) · cần ≥100%",
        "⏳ 2a. Bồi dưỡng theo VTVL: 3/10 (30%) · cần ≥100%",
        "➖ 2b. Đạt chuẩn sau bổ nhiệm: chưa đo",
        "⏳ 3. Cập nhật kiến thức: 4/10 (40%) · cần ≥70%",
        "⚠️ 4a. Hoàn thành NV trở lên: 6/10 (60%) · cần ≥100%",
        "⚠️ 4b. Hoàn thành tốt trở lên: 4/10 (40%) · cần >95%",
        "⏳ 5a. Lãnh đạo: thạc sĩ: 2/3 (66,7%) · cần ≥75%",
        "✅ 5b. PCT: LLCT cao cấp, cử nhân: 2/2 (100%) · cần ≥100%",
        "✅ 5c. Có cán bộ nữ: 1 người · cần ≥1 người",
        "⏳ 5d. Có cán bộ DTTS: 0 người · cần ≥1 người",
        "✅ 6b. Trưởng, phó: LLCT CC/cử nhân: 1/2 (50%) · cần ≥50%",
        "⏳ 7b. Chuyên môn: LLCT trung cấp: 4/5 (80%) · cần >80%",
        "⏳ 8. Trang thiết bị đạt chuẩn: 8/10 (80%) · cần ≥100%",
        "🎓 3 cán bộ chưa đạt chuẩn trình độ, còn trên 6 năm công tác",
    ):
        assert line in out
    for number in range(1, 9):
        assert re.search(rf"^\S+ {number}[a-d]?\. ", out, re.MULTILINE), number

    chart = attached(out)
    assert chart.suffix == ".png" and chart.parent.name == "summaries"
    assert chart.read_bytes().startswith(PNG)
    import matplotlib.image

    pixels = matplotlib.image.imread(chart)
    assert pixels.shape[0] > 800 and pixels.shape[1] > 800
    assert await audit(commune, "read_summary") == []  # figures only, no names
    assert await desk_files(commune) == []  # sent as a photo: nothing kept on the desk


async def test_a_chart_zalo_cannot_fetch_is_kept_on_the_desk_for_the_unit_it_shows(
    commune, unit_admin
):
    async with commune.sessionmaker() as session, session.begin():
        repo = Repo(session)
        await repo.accounts.link(await repo.officials.by_code("H2"), "zalo", "z2", "z2")
    text, chart = await commune.conversation.handle(Incoming("zalo", "z2", "z2", text="/chitieu 4"))
    assert "📌 Chỉ tiêu (4): Kết quả đánh giá, xếp loại" in text.text  # figures, in the text
    assert chart.text == "Biểu đồ xếp loại theo kỳ đánh giá."
    assert chart.attachment.name == "bieu-do-xep-loai-UB-2026Q3.png"
    assert "/desk/login/" in chart.attachment.link
    (kept,) = await desk_files(commune)
    async with commune.sessionmaker() as session:
        unit = (await Repo(session).officials.by_code("H2")).unit
    assert (kept.kind, kept.unit_id, kept.path) == ("chart", unit.id, chart.attachment.path)
    assert kept.title == "Biểu đồ xếp loại — Phòng UB, quý III/2026"
    assert Path(kept.path).read_bytes().startswith(PNG)
    assert Path(kept.path).parent == commune.conversation.options.desk_dir
    import matplotlib.image

    # A download from the desk, at print resolution (PRINT_DPI), not the phone's.
    width = matplotlib.image.imread(kept.path).shape[1]
    assert (
        width
        >= 1.5 * matplotlib.image.imread(attached(await unit_admin.send("/chitieu 4"))).shape[1]
    )


async def test_the_chart_draws_every_indicator(commune):
    async with commune.sessionmaker() as session:
        period = current_period(data.TODAY)
        summary = await summarise(
            Repo(session), TARGETS, Scope(None, period, data.TODAY, data.TODAY)
        )
    axes = indicators_figure(summary).axes[0]
    labels = [label.get_text() for label in axes.get_yticklabels()]
    assert sorted(labels) == sorted(i.short for i in TARGETS.indicators)
    assert {label.split(".")[0].rstrip("abcd") for label in labels} == {str(n) for n in range(1, 9)}
    assert len(axes.patches) == 12  # a bar for each measured share; 1a, 5c, 5d are text
    texts = [text.get_text() for text in axes.texts]
    assert "chưa đo" in texts and "1 người — đạt" in texts


async def undated_specialist(app, code: str = "S7") -> None:
    """A specialist below the university standard whose record has no birth date."""
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        s3 = await repo.officials.by_code("S3")
        session.add(
            Official(
                code=code,
                full_name=f"Cán bộ {code}",
                unit_id=s3.unit_id,
                position_group=s3.position_group,
                gender=s3.gender,
                birth_date=None,
                education_level=s3.education_level,
            )
        )


async def test_below_the_standard_without_a_birth_date_is_counted_apart(commune, admin):
    """Counted under 7a «Chưa đạt», not as sent to university (the years left are unknown),
    and said apart so that the birth date is added."""
    await undated_specialist(commune)
    out = await admin.send("/chitieu 7")
    assert "• Cán bộ S7 (S7) — Phòng UB" in out  # 7a's «Chưa đạt»
    assert "còn trên 6 năm công tác (3):" in out  # not among the candidates
    line = (
        "❔ 1 cán bộ chưa đạt chuẩn trình độ nhưng hồ sơ chưa có ngày sinh: chưa xác định được"
        " còn trên 6 năm công tác (cần cử đi học đại học) hay không; cần bổ sung ngày sinh."
    )
    assert line in out
    assert line in await admin.send("/tonghop")
    assert "❔" not in await admin.send("/tonghop UA")  # S7 is in UB


async def test_one_target_in_detail_with_names(commune, admin):
    out = await admin.send("/chitieu 7")
    assert "📌 Chỉ tiêu (7): Công chức chuyên môn" in out
    assert "Đạt 2/5 (40%) · cần ≥100% · hạn 31/12/2030: chưa đến hạn" in out
    assert (
        "Chưa đạt (3):\n• Cán bộ S2 (S2) — Phòng UA\n• Cán bộ S3 (S3) — Phòng UB\n"
        "• Cán bộ S5 (S5) — Phòng UB"
    ) in out
    assert "Chưa đạt (1):\n• Cán bộ S3 (S3) — Phòng UB" in out  # 7b
    assert "còn trên 6 năm công tác (3):" in out
    assert "• Cán bộ S2 (S2) — Phòng UA · đủ tuổi nghỉ hưu 28/11/2032" in out
    assert "• Cán bộ S3 (S3) — Phòng UB · đủ tuổi nghỉ hưu 28/11/2035" in out
    (entry,) = await audit(commune, "read_summary")
    assert entry.actor == "official:L1" and entry.entity == "target" and entry.entity_id == "7"

    out = await admin.send("/chitieu 4")
    assert "xếp loại quý III/2026" in out
    assert "Đạt 6/10 (60%) · cần ≥100% · hạn 05/10/2026: chưa đạt" in out
    assert "Chưa đạt (1):\n• Cán bộ L3 (L3) — Phòng UA\nChưa nộp tự đánh giá: 3 người" in out
    assert "(danh sách: /chuanop 2026Q3)" in out
    assert attached(out).read_bytes().startswith(PNG)  # the ratings by period
    out = await admin.send("/chitieu 2 UA")
    assert "Phòng UA" in out and "Chưa đạt (4):" in out and "Phòng UB" not in out
    assert attached(out).read_bytes().startswith(PNG)  # verified training by month
    for wrong in ("/chitieu 9", "/chitieu 99999999999999999999", "/chitieu"):
        assert "Gõ /chitieu kèm số chỉ tiêu" in await admin.send(wrong)
    assert "Không có đơn vị mã «²»" in await admin.send("/chitieu ²")  # not a number


async def test_target_2s_second_requirement_is_shown_not_measured(commune, admin):
    """Chỉ tiêu (2) also asks that officials appointed to leadership and management posts meet
    their standards; the records cannot tell, so it reads «chưa đo», never as met."""
    out = await admin.send("/chitieu 2")
    assert (
        "📌 Chỉ tiêu (2): Bồi dưỡng kiến thức, kỹ năng theo vị trí việc làm; đáp ứng tiêu chuẩn "
        "sau khi bổ nhiệm lãnh đạo, quản lý"
    ) in out
    assert "⏳ 2a. Cán bộ được bồi dưỡng theo vị trí việc làm" in out
    part = out[out.index("➖ 2b.") :]
    assert part.startswith(
        "➖ 2b. Cán bộ đáp ứng yêu cầu tiêu chuẩn quy định sau khi bổ nhiệm chức vụ lãnh đạo, "
        "quản lý\nchưa đo"
    )
    assert (
        "Cán bộ giữ chức vụ lãnh đạo, quản lý: lãnh đạo xã, trưởng, phó phòng, ban, cơ quan (5 người)"
        in part
    )
    assert "ℹ️ Hồ sơ cán bộ chưa có dữ liệu về việc bổ nhiệm chức vụ lãnh đạo, quản lý" in part
    assert "Chưa đạt" not in part and "cần ≥100%" not in part


async def test_who_has_not_submitted(commune, admin):
    out = await admin.send("/chuanop")
    assert (
        "📝 Chưa nộp tự đánh giá quý III/2026 (hạn 05/10/2026) — Toàn xã: 3/10 cán bộ\n"
        "• Cán bộ S2 (S2) — Phòng UA\n• Cán bộ S4 (S4) — Phòng UB\n"
        "• Cán bộ S5 (S5) — Phòng UB"
    ) in out
    out = await admin.send("/chuanop UA 2026Q2")
    assert "quý II/2026 (hạn 05/07/2026) — Phòng UA: 6/6 cán bộ" in out
    entries = await audit(commune, "read_summary")
    assert [e.entity for e in entries] == ["not_submitted", "not_submitted"]
    assert "unit:UA" in entries[1].note and "period:2026Q2" in entries[1].note


async def test_a_unit_admin_sees_only_their_unit(commune, unit_admin):
    out = await unit_admin.send("/tonghop")
    assert "— Phòng UB" in out and "4 cán bộ" in out
    assert "▫️ 5a. Lãnh đạo: thạc sĩ: không có đối tượng" in out
    assert "✅ 8. Trang thiết bị đạt chuẩn: 4/4 (100%)" in out
    assert "Bạn chỉ xem được số liệu của đơn vị mình (Phòng UB)" in await unit_admin.send(
        "/tonghop UA"
    )
    out = await unit_admin.send("/chitieu 7")
    assert "(S3)" in out and "(S5)" in out and "(S2)" not in out
    out = await unit_admin.send("/xuat")
    book = load(attached(out))
    assert codes(book["Cán bộ"]) == ["H2", "S3", "S4", "S5"]
    assert "lệnh này chỉ dành cho quản trị viên của xã." in await unit_admin.send("/moi S3")
    out = await unit_admin.send("/help")
    assert "Dành cho quản trị viên đơn vị" in out and "/tonghop" in out and "/xuat" in out
    assert "/duyet" in out  # their unit's reports (handlers/services/reviews.py)
    assert "/moi" not in out and "/thongbao" not in out


async def test_an_admin_sees_both_admin_lists_in_help(admin):
    out = await admin.send("/help")
    assert "Dành cho quản trị viên:" in out and "/moi" in out and "/tonghop" in out
    assert "Dành cho quản trị viên đơn vị" not in out


async def test_a_unit_admin_without_a_unit_sees_nothing(commune, unit_admin):
    async with commune.sessionmaker() as session, session.begin():
        await session.execute(update(Official).where(Official.code == "H2").values(unit_id=None))
    out = await unit_admin.send("/tonghop")
    assert "chưa gắn với đơn vị nào" in out and "Toàn xã" not in out


async def test_an_official_is_refused_politely(commune):
    official = await chat_as(commune, "S1")
    for command in ("/tonghop", "/chitieu 1", "/chuanop", "/xuat"):
        out = await official.send(command)
        assert "Xin lỗi" in out and REFUSAL in out and "[Tệp:" not in out
    assert "/tonghop" not in await official.send("/help")
    assert await audit(commune, "read_summary") == [] and await audit(commune, "export") == []


async def test_an_unknown_unit_is_named_with_the_known_ones(admin):
    out = await admin.send("/tonghop XYZ")
    assert "Không có đơn vị mã «XYZ». Các mã đơn vị: UA, UB." in out


# -- the workbook (its contents: tests/handlers/services/test_workbook.py) ----------------------


async def test_the_workbook_from_chat(commune, admin):
    out = await admin.send("/xuat")
    assert "📎 Tệp Excel tổng hợp — Toàn xã, kỳ đánh giá quý III/2026" in out
    path = attached(out)
    assert path.suffix == ".xlsx"
    # Kept on the desk too, for the whole commune: the console prints its login link.
    (kept,) = await desk_files(commune)
    assert (kept.kind, kept.unit_id, kept.path) == ("export", None, str(path))
    assert kept.name == "tong-hop-toan-xa-2026Q3.xlsx"
    assert kept.title == "Tệp Excel tổng hợp — Toàn xã, quý III/2026"
    assert re.search(r"^\[Bàn làm việc web: http://\S+/desk/login/\S+\]$", out, re.MULTILINE)
    book = load(path)
    assert book.sheetnames == ["Tổng hợp", "Cán bộ", "Khóa học", "Đánh giá"]
    assert book["Tổng hợp"]["A4"].value.startswith("Người lập: Cán bộ L1")
    (entry,) = await audit(commune, "export")
    assert entry.actor == "official:L1" and path.name in entry.note


async def test_a_workbook_on_the_desk_outlives_the_two_days_other_files_are_kept(commune, admin):
    options = commune.conversation.options
    await admin.send("/xuat")
    (workbook,) = options.desk_dir.iterdir()
    chart = options.summaries_dir / "chi-tieu-cu.png"
    chart.write_bytes(PNG)
    for path, days in ((workbook, 3), (chart, 3)):
        os.utime(path, (time.time() - days * 86400,) * 2)
    await admin.send("/tonghop")  # a new chart: those older than two days go
    assert not chart.exists() and workbook.exists()  # «Tải về» keeps it DESK_KEEP_DAYS
    os.utime(workbook, (time.time() - (options.desk_keep_days + 1) * 86400,) * 2)
    await admin.send("/xuat")
    assert not workbook.exists() and len(list(options.desk_dir.iterdir())) == 1


@pytest.fixture
def held_export(monkeypatch):
    """Holds every export in its worker thread, before the workbook is written, until the
    test opens the gate (10 s at most)."""
    from handlers.services.summaries import export

    opened, reached = threading.Event(), threading.Event()
    write = export.write_workbook

    async def held(*args, **kwargs):
        reached.set()
        opened.wait(10)
        await write(*args, **kwargs)

    monkeypatch.setattr(export, "write_workbook", held)
    opened.reached = reached
    yield opened
    opened.set()


async def export_pushed(app, held_export) -> tuple[Reply, list[Reply]]:
    """/xuat typed by L1 with a chat to push to: the reply, and the list pushes go to, once
    the export is held in its worker."""
    pushed: list[Reply] = []

    async def push(reply: Reply) -> None:
        pushed.append(reply)

    (reply,) = await app.conversation.handle(
        Incoming("console", "L1", "L1", text="/xuat"), push=push
    )
    assert await asyncio.to_thread(held_export.reached.wait, 10)
    return reply, pushed


async def test_the_workbook_is_pushed_when_ready_and_others_are_answered_meanwhile(
    commune, admin, unit_admin, held_export
):
    working, pushed = await export_pushed(commune, held_export)
    assert "⏳ Đang lập tệp Excel tổng hợp — Toàn xã, kỳ đánh giá quý III/2026" in working.text
    assert working.attachment is None
    out = await unit_admin.send("/tonghop")  # while the export is being made
    assert "— Phòng UB" in out and pushed == []
    held_export.set()
    await commune.conversation.jobs.wait()
    (ready,) = pushed
    assert "📎 Tệp Excel tổng hợp — Toàn xã, kỳ đánh giá quý III/2026" in ready.text
    book = load(Path(ready.attachment.path))
    assert book.sheetnames == ["Tổng hợp", "Cán bộ", "Khóa học", "Đánh giá"]
    assert ready.attachment.name == "tong-hop-toan-xa-2026Q3.xlsx"
    assert "/desk/login/" in ready.attachment.link
    (entry,) = await audit(commune, "export")
    assert entry.actor == "official:L1" and Path(ready.attachment.path).name in entry.note


async def test_an_admin_demoted_meanwhile_gets_no_workbook(commune, admin, held_export):
    _, pushed = await export_pushed(commune, held_export)
    async with commune.sessionmaker() as session, session.begin():
        await session.execute(
            update(Official).where(Official.code == "L1").values(role=Role.OFFICIAL)
        )
    held_export.set()
    await commune.conversation.jobs.wait()
    (refused,) = pushed
    assert REFUSAL in refused.text and refused.attachment is None
    assert await audit(commune, "export") == [] and await desk_files(commune) == []
    assert not list((commune.settings.summaries_dir).rglob("tong-hop-*.xlsx"))


async def test_the_export_command(commune, tmp_path, capsys):
    from bot.__main__ import cmd_export, parser

    out = tmp_path / "bao-cao.xlsx"
    args = parser().parse_args(["export", "--out", str(out), "--unit", "ua", "--quarter", "2026Q2"])
    await cmd_export(commune, args)
    assert (
        "Đã xuất tổng hợp (Phòng UA, tính đến 30/06/2026, kỳ đánh giá quý II/2026)"
        in capsys.readouterr().out
    )
    book = load(out)
    assert codes(book["Cán bộ"]) == ["H1", "L1", "L2", "L3", "S1", "S2"]  # by unit, name
    assert {row["Kỳ"] for row in table(book["Đánh giá"])} == {"Quý II/2026"}
    # Taken at 30/06/2026: courses completed later are not there.
    completed = [row["Ngày hoàn thành"] for row in table(book["Khóa học"])]
    assert len(completed) == 6 and max(completed).date() <= data.date(2026, 6, 30)
    (entry,) = await audit(commune, "export")
    assert entry.actor == "cli" and "unit:UA" in entry.note and "period:2026Q2" in entry.note


# -- periods, arguments and the targets file ---------------------------------------------------


@pytest.mark.parametrize(
    "today, period",
    [
        ("2026-05-15", "2026Q1"),  # Q2 not open yet: the last one whose window passed
        ("2026-06-25", "2026Q2"),  # open
        ("2026-07-05", "2026Q2"),  # its last day
        ("2026-07-06", "2026Q2"),
        ("2026-11-27", "2026Q3"),
        ("2026-12-10", "2026Q4"),  # the annual evaluation, open 1–15 December
        ("2027-01-10", "2026Q4"),
    ],
)
def test_this_quarter(today, period):
    assert current_period(data.date.fromisoformat(today)).key == period


def test_a_named_quarter_is_taken_at_its_end_or_today():
    from handlers.periods import Period
    from handlers.services.summaries.scope import split_args, when

    assert when(data.TODAY, Period.parse("2026Q2")) == (
        Period.parse("2026Q2"),
        data.date(2026, 6, 30),
    )
    assert when(data.TODAY, Period.parse("2026Q4"))[1] == data.TODAY
    unit, period, rest = split_args("7 pkt 2026q2", current_period(data.TODAY).calendar)
    assert (unit, period.key, rest) == ("PKT", "2026Q2", ["7"])


def test_targets_file(tmp_path):
    from knowledge.entries import KnowledgeError

    assert [t.number for t in TARGETS.targets] == list(range(1, 9))
    assert load_targets(tmp_path) == TARGETS  # a folder without targets.yaml: the packaged one
    bad = tmp_path / "targets.yaml"
    bad.write_text(
        Path(TARGETS_FILE)
        .read_text(encoding="utf-8")
        .replace("education_at_least:thac_si", "education_at_least:giao_su", 1),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError, match=r"targets\.yaml: chỉ tiêu 5a: cách đo"):
        load_targets(tmp_path)


def test_the_export_command_line(tmp_path):
    from tests.helpers.procs import run

    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    assert run("demo-data", env=env).returncode == 0
    out = tmp_path / "tong-hop.xlsx"
    result = run("export", "--out", str(out), "--unit", "PKT", env=env)
    assert result.returncode == 0, result.stderr
    assert "Đã xuất tổng hợp (Phòng Kinh tế" in result.stdout
    assert len(codes(load(out)["Cán bộ"])) == 6
    wrong = run("export", "--out", str(out), "--unit", "ZZ", env=env)
    assert wrong.returncode == 2 and "Không có đơn vị mã «ZZ»" in wrong.stderr
    wrong = run("export", "--out", str(out), "--quarter", "2026Q7", env=env)
    assert wrong.returncode == 2 and "không phải một quý" in wrong.stderr
    wrong = run("export", "--out", str(tmp_path / "no" / "x.xlsx"), env=env)
    assert wrong.returncode == 2 and "Không ghi được" in wrong.stderr
