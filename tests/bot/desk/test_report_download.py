"""«Tạo tệp mới» on the desk's «Tải về»: the periodic report draft (a Word file), for full
admins only. On the commune of tests/helpers/summary_data.py (taken on 27/11/2026)."""

import re
from io import BytesIO

import pytest
from docx import Document
from sqlalchemy import select

from storage.models import AuditEntry, DeskFile
from tests.helpers import summary_data as data
from tests.helpers.desk import desk_server


@pytest.fixture
async def commune(database, tmp_path):
    async with data.open_commune(database, tmp_path / "summaries") as app:
        yield app


async def make(desk, client, **form):
    form.setdefault("csrf", await desk.csrf(client, "/desk/taive"))
    form.setdefault("period", "2026Q3")
    async with client.post(f"{desk.url}/desk/taive", data=form) as response:
        return response.status, await response.text()


async def files(app) -> list[DeskFile]:
    async with app.sessionmaker() as session:
        return list(await session.scalars(select(DeskFile).order_by(DeskFile.id)))


async def test_an_admin_drafts_the_report_and_downloads_it(commune):
    async with desk_server(commune) as desk:
        client = await desk.client_login("L1")
        async with client.get(f"{desk.url}/desk/taive") as response:
            page = await response.text()
        assert "Báo cáo sơ kết/tổng kết" in page
        # This year (under way), its first half and last year's two, none before the plan's
        # period (from 01/01/2026); the default preselected (the desk takes today from the
        # real clock, 2026 or later).
        offered = re.findall(r'<option value="(\d{4}(?:H1)?)"( selected)?>', page)
        assert {"2026", "2026H1"} <= {key for key, _ in offered}
        assert all(int(key[:4]) >= 2026 for key, _ in offered)
        assert len([key for key, chosen in offered if chosen]) == 1
        assert '<option value="2026H1">Sơ kết 6 tháng đầu năm 2026</option>' in page
        # The quarters too start at the plan's first year.
        quarters = re.findall(r'<option value="(\d{4})Q\d">', page)
        assert quarters and all(int(year) >= 2026 for year in quarters)
        assert "2025" not in page
        status, _ = await make(desk, client, kind="report", unit="", report_period="2026H1")
        assert status == 200
        await commune.conversation.jobs.wait()
        (made,) = await files(commune)
        assert (made.status, made.kind, made.unit_id) == ("ready", "report", None)
        assert made.title == "Dự thảo báo cáo sơ kết 6 tháng đầu năm 2026 — Toàn xã"
        async with client.get(f"{desk.url}/desk/taive/{made.key}") as response:
            assert "bao-cao-2026H1-toan-xa.docx" in response.headers["Content-Disposition"]
            doc = Document(BytesIO(await response.read()))
        async with client.get(f"{desk.url}/desk/taive") as response:
            assert "Dự thảo báo cáo sơ kết 6 tháng đầu năm 2026 — Toàn xã" in await response.text()
    rows = {row.cells[0].text: row.cells[2].text for row in doc.tables[1].rows}
    assert rows["2a"] == "3/10 (30%)"
    assert len(doc.inline_shapes) == 1
    async with commune.sessionmaker() as session:
        query = select(AuditEntry).where(AuditEntry.action == "export")
        (entry,) = await session.scalars(query)
    assert entry.actor == "official:L1" and entry.entity == "report"


async def test_a_bad_period_is_said_and_nothing_is_made(commune):
    async with desk_server(commune) as desk:
        client = await desk.client_login("L1")
        status, text = await make(desk, client, kind="report", unit="", report_period="2026Q2")
        assert status == 400 and "không phải một kỳ báo cáo" in text
        status, text = await make(desk, client, kind="report", unit="", report_period="2025")
        assert status == 400 and "trước khi Kế hoạch bắt đầu thực hiện (từ 01/01/2026)" in text
    assert await files(commune) == []


async def test_a_unit_admin_is_not_offered_the_report_and_is_refused_it(commune):
    async with desk_server(commune) as desk:
        client = await desk.client_login("H2")
        async with client.get(f"{desk.url}/desk/taive") as response:
            page = await response.text()
        assert "Báo cáo sơ kết/tổng kết" not in page and "report_period" not in page
        status, text = await make(desk, client, kind="report", unit="UB", report_period="2026H1")
        # In the desk's words: «lệnh» is the chat's.
        assert status == 400 and "Chỉ quản trị viên của xã lập được dự thảo báo cáo" in text
        assert "lệnh" not in text
    assert await files(commune) == []
