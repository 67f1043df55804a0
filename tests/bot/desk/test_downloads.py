"""Tải về on the web desk: «Tạo tệp mới» makes the summary workbook or the print chart in a
background job, the list shows its progress then the file, and each file reaches only who
may see it, until its keep time is over. On the commune of tests/helpers/summary_data.py."""

import asyncio
import threading
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import aiohttp
import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func, select, update

from handlers.services import desk_exports
from handlers.services.summaries import workbook
from storage.enums import Role
from storage.models import AuditEntry, DeskFile, Official
from storage.types import utcnow
from tests.helpers import summary_data as data
from tests.helpers.desk import desk_server

SHEETS = ["Tổng hợp", "Cán bộ", "Khóa học", "Đánh giá"]


@pytest.fixture
async def commune(database, tmp_path):
    async with data.open_commune(database, tmp_path / "summaries") as app:
        yield app


@pytest.fixture
def held(monkeypatch):
    """Holds every workbook in its worker thread once its sheet «Cán bộ» is about to be
    written (its progress said), until the test opens the gate (10 s at most). The worker's
    event loop goes on meanwhile, so the progress line reaches the row."""
    gate, reached = threading.Event(), threading.Event()
    write = workbook._officials_sheet

    async def officials_sheet(*args, **kwargs):
        reached.set()
        await asyncio.to_thread(gate.wait, 10)
        await write(*args, **kwargs)

    monkeypatch.setattr(workbook, "_officials_sheet", officials_sheet)
    monkeypatch.setattr(desk_exports, "PROGRESS_EVERY", 0.05)
    gate.reached = reached
    yield gate
    gate.set()


async def files(app) -> list[DeskFile]:
    async with app.sessionmaker() as session:
        return list(await session.scalars(select(DeskFile).order_by(DeskFile.id)))


async def audited(app, action: str) -> list[AuditEntry]:
    async with app.sessionmaker() as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        return list(await session.scalars(query))


def cells(sheet) -> set:
    return {value for row in sheet.iter_rows(values_only=True) for value in row}


async def make(desk, client, **form) -> aiohttp.ClientResponse:
    """«Tạo tệp» posted as the page's form does (CSRF token included unless given)."""
    form.setdefault("csrf", await desk.csrf(client, "/desk/taive"))
    form.setdefault("period", "2026Q3")
    async with client.post(f"{desk.url}/desk/taive", data=form) as response:
        await response.read()
        return response


async def test_an_admin_makes_the_commune_workbook_watches_it_and_downloads_it(
    commune, held, tmp_path
):
    async with desk_server(commune) as desk:
        page = await desk.browser_login("L1")
        await page.click("nav >> text=Tải về")
        assert "Chưa có tệp nào" in await page.inner_text("main")
        await page.select_option("select[name=kind]", "export")
        await page.select_option("select[name=unit]", "")
        period = await page.inner_text("select[name=period] option:checked")  # the current
        await page.click("#make-file")
        assert "Đã bắt đầu tạo tệp" in await page.inner_text("main")
        row = page.locator("tr.file").first
        assert (
            f"Tệp Excel tổng hợp — Toàn xã, {period[:1].lower()}{period[1:]}"
            in await row.inner_text()
        )
        assert "Cán bộ L1" in await row.inner_text()
        # The page reloads itself while the file is being made, showing how far it is.
        assert await page.locator('meta[http-equiv="refresh"]').count() == 1
        await page.wait_for_selector("text=Đang tạo trang Cán bộ… 10%", timeout=15_000)

        held.set()
        link = await page.wait_for_selector("a.download", timeout=15_000)
        assert await page.locator('meta[http-equiv="refresh"]').count() == 0
        assert " KB" in await page.locator("tr.file").first.inner_text()
        async with page.expect_download() as started:
            await link.click()
        download = await started.value
        assert download.suggested_filename.startswith("tong-hop-toan-xa-20")
        saved = tmp_path / "downloaded.xlsx"
        await download.save_as(saved)

    book = load_workbook(saved, read_only=True)
    assert book.sheetnames == SHEETS
    listed = cells(book["Cán bộ"])
    assert {c for c, *_ in data.PEOPLE if c != "X1"} <= listed  # every active official
    assert "X1" not in listed
    (made,) = await files(commune)
    assert (made.status, made.unit_id, made.kind) == ("ready", None, "export")
    assert made.size == Path(made.path).stat().st_size
    (export,) = await audited(commune, "export")
    assert export.actor == "official:L1" and "unit:*" in export.note
    (download,) = await audited(commune, "download")
    assert download.actor == "official:L1" and download.entity_id == str(made.id)


async def test_a_unit_workbook_and_the_chart_at_print_resolution(commune):
    async with desk_server(commune) as desk:
        client = await desk.client_login("L1")
        response = await make(desk, client, kind="export", unit="UB")
        assert response.status == 200 and "Đã bắt đầu tạo tệp" in await response.text()
        await commune.conversation.jobs.wait()
        response = await make(desk, client, kind="chart", unit="")
        await commune.conversation.jobs.wait()
        unit_book, chart = await files(commune)
        assert (unit_book.status, chart.status) == ("ready", "ready")

        async with client.get(f"{desk.url}/desk/taive/{unit_book.key}") as response:
            book = load_workbook(BytesIO(await response.read()), read_only=True)
        listed = cells(book["Cán bộ"])
        assert {"H2", "S3", "S4", "S5"} <= listed and "L1" not in listed
        courses = cells(book["Khóa học"])  # the unit's course list in full
        assert {"Bồi dưỡng trưởng phòng", "Văn hóa công sở", "An toàn thông tin"} <= courses
        assert "Bồi dưỡng lãnh đạo cấp xã" not in courses  # L1's, of unit UA

        async with client.get(f"{desk.url}/desk/taive/{chart.key}") as response:
            assert response.headers["Content-Disposition"].startswith("attachment")
            image = Image.open(BytesIO(await response.read()))
        assert image.format == "PNG" and round(image.info["dpi"][0]) >= 200
        assert image.width >= 8 * 200  # the chart is 8.5 inches wide

        async with client.get(f"{desk.url}/desk/taive") as response:
            listing = await response.text()
        assert "Tệp Excel tổng hợp — Phòng UB, quý III/2026" in listing
        assert "Biểu đồ các chỉ tiêu — Toàn xã, quý III/2026" in listing
    assert len(await audited(commune, "export_chart")) == 1


async def test_a_second_file_waits_for_the_first(commune, held):
    async with desk_server(commune) as desk:
        client = await desk.client_login("L1")
        assert (await make(desk, client, kind="export", unit="")).status == 200
        assert await asyncio.to_thread(held.reached.wait, 10)
        response = await make(desk, client, kind="chart", unit="")
        text = await response.text()
        assert response.status == 400 and "vẫn đang được tạo" in text
        assert len(await files(commune)) == 1
        held.set()
        await commune.conversation.jobs.wait()
        assert (await make(desk, client, kind="chart", unit="")).status == 200
        await commune.conversation.jobs.wait()
        assert [f.status for f in await files(commune)] == ["ready", "ready"]


async def test_a_file_left_running_by_a_restart_shows_as_interrupted_and_blocks_nothing(commune):
    async with desk_server(commune) as desk:
        client = await desk.client_login("L1")
        await make(desk, client, kind="chart", unit="")
        await commune.conversation.jobs.wait()
        async with commune.sessionmaker() as session, session.begin():
            await session.execute(
                update(DeskFile).values(status="running", created_at=utcnow() - timedelta(hours=2))
            )
        async with client.get(f"{desk.url}/desk/taive") as response:
            text = await response.text()
        assert "bị gián đoạn" in text and 'http-equiv="refresh"' not in text
        assert (await make(desk, client, kind="chart", unit="")).status == 200
        await commune.conversation.jobs.wait()


async def test_an_admin_demoted_while_the_file_is_made_gets_nothing(commune, held):
    async with desk_server(commune) as desk:
        client = await desk.client_login("L1")
        await make(desk, client, kind="export", unit="")
        assert await asyncio.to_thread(held.reached.wait, 10)
        async with commune.sessionmaker() as session, session.begin():
            await session.execute(
                update(Official).where(Official.code == "L1").values(role=Role.OFFICIAL)
            )
        held.set()
        await commune.conversation.jobs.wait()
        async with client.get(f"{desk.url}/desk/taive") as response:
            assert response.status == 401  # and the session is over
    (made,) = await files(commune)
    assert made.status == "failed" and "chỉ dành cho quản trị viên" in made.progress
    assert not Path(made.path).exists()
    assert await audited(commune, "export") == []


async def test_a_unit_admin_sees_and_gets_their_units_files_only(commune):
    async with desk_server(commune) as desk:
        admin = await desk.client_login("L1")
        for unit in ("", "UA", "UB"):
            assert (await make(desk, admin, kind="chart", unit=unit)).status == 200
            await commune.conversation.jobs.wait()
        whole, ua, ub = await files(commune)

        unit_admin = await desk.client_login("H2")  # unit admin of UB
        async with unit_admin.get(f"{desk.url}/desk/taive") as response:
            listing = await response.text()
        assert "Phòng UB" in listing
        assert "Toàn xã, quý" not in listing and "Phòng UA" not in listing
        for row in (whole, ua):
            async with unit_admin.get(f"{desk.url}/desk/taive/{row.key}") as response:
                assert response.status == 403
                assert response.content_type == "text/html"
        async with unit_admin.get(f"{desk.url}/desk/taive/{ub.key}") as response:
            assert response.status == 200 and response.content_type == "image/png"

        # Nor can they make a file about another unit; the whole commune means their own.
        response = await make(desk, unit_admin, kind="export", unit="UA")
        assert response.status == 400
        assert "Bạn chỉ xem được số liệu của đơn vị mình (Phòng UB)" in await response.text()
        assert len(await files(commune)) == 3
        assert (await make(desk, unit_admin, kind="chart", unit="")).status == 200
        await commune.conversation.jobs.wait()
        assert (await files(commune))[-1].unit_id == ub.unit_id
        downloads = await audited(commune, "download")
        assert [(d.actor, d.entity_id) for d in downloads] == [("official:H2", str(ub.id))]


async def test_refusals_change_nothing(commune):
    async with desk_server(commune) as desk:
        async with aiohttp.ClientSession() as anonymous:
            async with anonymous.get(f"{desk.url}/desk/taive") as response:
                assert response.status == 401
            form = {"kind": "export", "unit": "", "period": "2026Q3", "csrf": "x"}
            async with anonymous.post(f"{desk.url}/desk/taive", data=form) as response:
                assert response.status == 401
        client = await desk.client_login("L1")
        for form in (
            {"kind": "export", "unit": "", "period": "2026Q3"},  # no CSRF token
            {"kind": "export", "unit": "", "period": "2026Q3", "csrf": "forged"},
        ):
            async with client.post(f"{desk.url}/desk/taive", data=form) as response:
                assert response.status == 403 and "Biểu mẫu đã cũ" in await response.text()
        for form, said in (
            ({"kind": "macro", "unit": ""}, "Hãy chọn loại tệp"),
            ({"kind": "export", "unit": "ZZ"}, "Không có đơn vị mã «ZZ»"),
            ({"kind": "export", "unit": "", "period": "2026Q9"}, "không phải một quý hợp lệ"),
            ({"kind": "export", "unit": "", "period": "2099Q1"}, "chưa mở"),
        ):
            response = await make(desk, client, **form)
            assert response.status == 400 and said in await response.text(), form
        await commune.conversation.jobs.wait()
        assert await files(commune) == []


async def test_a_file_past_its_keep_time_is_gone(commune):
    async with desk_server(commune) as desk:
        client = await desk.client_login("L1")
        await make(desk, client, kind="chart", unit="")
        await commune.conversation.jobs.wait()
        (made,) = await files(commune)
        async with commune.sessionmaker() as session, session.begin():
            await session.execute(
                update(DeskFile).values(expires_at=utcnow() - timedelta(seconds=1))
            )
        async with client.get(f"{desk.url}/desk/taive") as response:
            listing = await response.text()
        assert "Chưa có tệp nào" in listing and made.key not in listing
        async with client.get(f"{desk.url}/desk/taive/{made.key}") as response:
            assert response.status == 404 and "không còn" in await response.text()
    async with commune.sessionmaker() as session:
        downloads = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "download")
        )
    assert downloads == 0
