"""Kế hoạch đào tạo on the web desk: the plan on the page (groups, flags, registrations) for
admins (the commune or a unit) and unit admins (their own unit), audited; «Tạo tệp Excel»
makes the workbook in a background job listed on «Tải về». On the commune of
tests/helpers/summary_data.py with the registrations of tests/helpers/plan_data.py."""

import re
from datetime import datetime, timedelta, timezone
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from storage.models import AuditEntry, DeskFile
from tests.helpers import plan_data
from tests.helpers import summary_data as data
from tests.helpers.desk import desk_server

PAGE = "/desk/kehoachdaotao"
HANOI = timezone(timedelta(hours=7))


@pytest.fixture
async def commune(database, tmp_path):
    async with data.open_commune(database, tmp_path / "summaries") as app:
        await plan_data.register(app)
        yield app


async def files(app) -> list[DeskFile]:
    async with app.sessionmaker() as session:
        return list(await session.scalars(select(DeskFile).order_by(DeskFile.id)))


async def reads(app) -> list[AuditEntry]:
    async with app.sessionmaker() as session:
        query = select(AuditEntry).where(AuditEntry.entity == "training_plan")
        return list(await session.scalars(query.order_by(AuditEntry.id)))


async def test_an_admin_sees_the_plan_and_makes_its_workbook(commune):
    async with desk_server(commune) as desk:
        client = await desk.client_login("L1")
        async with client.get(f"{desk.url}{PAGE}?year=2027") as response:
            assert response.status == 200
            text = await response.text()
        assert "Kế hoạch đào tạo, bồi dưỡng năm 2027 · Toàn xã" in text
        assert "5 đăng ký của 5/10 cán bộ" in text
        assert "Đào tạo thạc sĩ, chuyên ngành Luật hành chính" in text
        assert "Đào tạo đại học, chuyên ngành Luật hành chính" in text
        # The desk reads the real clock: S5 (more than six years left until 28/11/2026) may
        # no longer be a candidate; S3 is one until 2029.
        assert "Cần cử đi học (" in text and "Cán bộ S3" in text
        assert "Chỉ tiêu 7: Trình độ đại học" in text
        assert "Chỉ tiêu 1: Đào tạo lại chuyên môn phù hợp vị trí việc làm (đã đạt)" in text
        assert "(đến 28/11/2035)" in text  # S3's statutory retirement day
        assert "Bộ luật Lao động 2019, Điều 169; Nghị định 135/2020/NĐ-CP" in text
        # The years offered are those the chat and the command line take: from the plan's
        # first (training_from 2026-01-01) to ten years after this one.
        years = [int(y) for y in re.findall(r'<option value="(\d{4})"', text)]
        this_year = datetime.now(HANOI).year
        assert years == list(range(2026, this_year + 11))
        async with client.get(f"{desk.url}{PAGE}?year={this_year + 10}") as response:
            assert response.status == 200
        assert 'href="/desk/kehoachdaotao"' in text  # in the menu
        csrf = await desk.csrf(client, PAGE)
        form = {"csrf": csrf, "year": "2027", "unit": "UB"}
        async with client.post(f"{desk.url}{PAGE}", data=form) as response:
            assert response.status == 200 and response.url.path == "/desk/taive"
            assert "Đã bắt đầu tạo tệp" in await response.text()
        await commune.conversation.jobs.wait()
        (kept,) = await files(commune)
        assert (kept.kind, kept.status, kept.name) == (
            "training_plan",
            "ready",
            "ke-hoach-dao-tao-2027-UB.xlsx",
        )
        async with client.get(f"{desk.url}/desk/taive") as response:
            assert "Kế hoạch đào tạo năm 2027 — Phòng UB" in await response.text()
        async with client.get(f"{desk.url}/desk/taive/{kept.key}") as response:
            book = load_workbook(BytesIO(await response.read()))
        assert book.sheetnames == ["Tổng hợp", "Theo đơn vị", "Cần cử đi học"]
    assert [(e.action, e.note) for e in await reads(commune)][:1] == [("read", "unit:* year:2027")]
    assert any(e.action == "export" and "unit:UB" in e.note for e in await reads(commune))


async def test_a_unit_admin_sees_their_own_unit_only(commune):
    async with desk_server(commune) as desk:
        client = await desk.client_login("H2")
        # 2027 named: the page opens on next year's plan, 2028 from 1 January 2027 on.
        async with client.get(f"{desk.url}{PAGE}?year=2027") as response:
            text = await response.text()
        assert response.status == 200 and "Phòng UB" in text
        assert "Cán bộ S4" in text and "Cán bộ S1" not in text
        assert '<option value="">Toàn xã</option>' not in text
        async with client.get(f"{desk.url}{PAGE}?unit=UA") as response:
            assert response.status == 403
            assert "chỉ xem được số liệu của đơn vị mình" in await response.text()
        csrf = await desk.csrf(client, PAGE)
        form = {"csrf": csrf, "year": "2027", "unit": "UA"}
        async with client.post(f"{desk.url}{PAGE}", data=form) as response:
            assert response.status == 400
        assert await files(commune) == []


async def test_a_bad_year_is_said(commune):
    async with desk_server(commune) as desk:
        client = await desk.client_login("L1")
        async with client.get(f"{desk.url}{PAGE}?year=1800") as response:
            assert response.status == 400
            assert "«1800» không phải một năm hợp lệ" in await response.text()
        async with client.get(f"{desk.url}{PAGE}?year=2025") as response:
            assert response.status == 400
            assert "Năm 2025 trước thời gian thực hiện Kế hoạch" in await response.text()


async def test_in_a_browser_the_year_picker_and_the_button_work(commune):
    async with desk_server(commune) as desk:
        page = await desk.browser_login("L1")
        await page.click("nav >> text=Kế hoạch đào tạo")
        await page.select_option("select[name=year]", "2028")
        await page.click("form.filters button")
        assert "năm 2028 · Toàn xã" in await page.inner_text("h1")
        assert "Cán bộ S3" in await page.inner_text("#registrations")
        await page.click("#make-workbook")
        assert "Đã bắt đầu tạo tệp" in await page.inner_text("main")
        await commune.conversation.jobs.wait()
        await page.reload()
        assert "Kế hoạch đào tạo năm 2028 — Toàn xã" in await page.inner_text("tr.file")
