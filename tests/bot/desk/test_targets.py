"""Chỉ tiêu N and Chưa nộp on the web desk, on the commune of tests/helpers/summary_data.py
(who is missing is known by construction), in a real browser and over plain HTTP; the
quarter is named (2026Q3: taken on 30/09/2026) so the figures do not move with today."""

import aiohttp
import pytest
from sqlalchemy import select, update

from bot.desk.pages import targets as target_pages
from storage.enums import Role
from storage.models import AuditEntry, Official
from tests.helpers import summary_data as data
from tests.helpers.desk import desk_server

Q3 = "quarter=2026Q3"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def commune(database, tmp_path):
    async with data.open_commune(database, tmp_path / "summaries") as app:
        yield app


async def reads(app) -> list[AuditEntry]:
    async with app.sessionmaker() as session:
        query = select(AuditEntry).where(AuditEntry.action == "read_summary")
        return list(await session.scalars(query.order_by(AuditEntry.id)))


async def test_an_admin_opens_target_7_from_the_overview_and_sees_who_is_missing(commune):
    async with desk_server(commune) as desk:
        page = await desk.browser_login("L1")
        await page.goto(f"{desk.url}/desk/?{Q3}")
        await page.click('a[href^="/desk/chitieu/7?"] >> nth=0')
        assert (await page.inner_text("h1")).startswith("Chỉ tiêu (7): Công chức chuyên môn")
        assert "tính đến ngày 30/09/2026" in await page.inner_text("main")

        degree = await page.inner_text("#chi-tieu-7a")
        assert "Đạt 2/5 (40%) · cần ≥100% · hạn 31/12/2030: chưa đến hạn" in degree
        assert "Chưa đạt: 3 người" in degree
        rows = await page.locator("#chi-tieu-7a tbody tr").all_inner_texts()
        assert [row.split("\t")[1:4] for row in rows] == [
            ["Cán bộ S2", "S2", "Phòng UA"],
            ["Cán bộ S3", "S3", "Phòng UB"],
            ["Cán bộ S5", "S5", "Phòng UB"],
        ]
        theory = await page.inner_text("#chi-tieu-7b")
        assert "Chưa đạt: 1 người" in theory and "Cán bộ S3" in theory

        candidates = await page.inner_text("#can-cu-di-hoc")
        assert "Cần cử đi học đại học: 3 người" in candidates
        assert "còn trên 6 năm công tác" in candidates
        assert "Cán bộ S2\tS2\tPhòng UA\t—\t28/11/2032" in candidates
        assert "Cán bộ S3\tS3\tPhòng UB\t—\t28/11/2035" in candidates

    (entry,) = await reads(commune)
    assert (entry.actor, entry.entity, entry.entity_id) == ("official:L1", "target", "7")
    assert "unit:*" in entry.note and "period:2026Q3" in entry.note


async def test_a_long_list_is_shown_whole_page_by_page(commune, monkeypatch):
    monkeypatch.setattr(target_pages, "PAGE", 2)
    async with desk_server(commune) as desk:
        page = await desk.browser_login("L1")
        await page.goto(f"{desk.url}/desk/chitieu/7?{Q3}")
        assert await page.locator("#chi-tieu-7a tbody tr").count() == 2
        await page.click("#chi-tieu-7a >> text=Xem tiếp (1 người nữa)")
        assert await page.locator("section.indicator").count() == 1  # that list alone
        only = await page.inner_text("#chi-tieu-7a")
        assert "Trang 2/2" in only and "Cán bộ S5" in only and "Cán bộ S2" not in only
        assert "3\tCán bộ S5" in only  # numbered on from the first page
        await page.click("text=← Trang trước")
        first = await page.inner_text("#chi-tieu-7a")
        assert "Cán bộ S2" in first and "Cán bộ S3" in first and "Cán bộ S5" not in first
        await page.click("text=← Xem cả chỉ tiêu 7")
        assert await page.locator("section.indicator").count() == 2


async def test_a_rating_target_counts_who_has_not_submitted_and_links_the_list(commune):
    async with desk_server(commune) as desk:
        client = await desk.client_login("L1")
        async with client.get(f"{desk.url}/desk/chitieu/4?{Q3}") as response:
            text = await response.text()
        assert response.status == 200
        assert "Đạt <strong>6/10 (60%)</strong> · cần ≥100% · hạn 05/10/2026" in text
        assert "Chưa đạt: 1 người" in text and "Cán bộ L3" in text
        assert "Chưa nộp tự đánh giá quý III/2026: 3 người" in text
        assert 'href="/desk/chuanop?quarter=2026Q3"' in text
        # The ratings by period, drawn as in chat (counts only).
        assert 'src="/desk/chitieu/4/chart.png?quarter=2026Q3"' in text
        async with client.get(f"{desk.url}/desk/chitieu/4/chart.png?{Q3}") as response:
            assert response.status == 200 and (await response.read()).startswith(PNG)
        # Target 8 (equipment) has no chart of its own, and no target 9 has one.
        async with client.get(f"{desk.url}/desk/chitieu/8?{Q3}") as response:
            assert "chart.png" not in await response.text()
        for path in ("/desk/chitieu/8/chart.png", "/desk/chitieu/9/chart.png"):
            async with client.get(desk.url + path) as response:
                assert response.status == 404


@pytest.mark.parametrize("typed", ["9", "0", "abc", "99999999999999999999", "²"])
async def test_an_unknown_target_gets_a_clear_page(commune, typed):
    async with desk_server(commune) as desk:
        client = await desk.client_login("L1")
        async with client.get(f"{desk.url}/desk/chitieu/{typed}") as response:
            text = await response.text()
        assert response.status == 404
        assert f"Không có chỉ tiêu số {typed[:20]}" in text
        assert 'href="/desk/chitieu/8"' in text
    assert await reads(commune) == []


async def test_chua_nop_lists_who_has_not_submitted_and_picks_a_unit(commune):
    async with desk_server(commune) as desk:
        page = await desk.browser_login("L1")
        await page.click("nav >> text=Chưa nộp")
        assert "Chưa nộp tự đánh giá" in await page.inner_text("h1")
        await page.goto(f"{desk.url}/desk/chuanop?{Q3}")
        assert await page.inner_text("h1") == "Chưa nộp tự đánh giá quý III/2026 · Toàn xã"
        main = await page.inner_text("main")
        assert "3/10 cán bộ chưa nộp bản tự đánh giá quý III/2026 (hạn nộp 05/10/2026)" in main
        rows = await page.locator("tbody tr").all_inner_texts()
        assert [row.split("\t")[1:4] for row in rows] == [
            ["Cán bộ S2", "S2", "Phòng UA"],
            ["Cán bộ S4", "S4", "Phòng UB"],
            ["Cán bộ S5", "S5", "Phòng UB"],
        ]
        await page.select_option("select[name=unit]", "UA")
        await page.fill("input[name=quarter]", "2026Q2")
        await page.click("form.filters button")
        assert await page.inner_text("h1") == "Chưa nộp tự đánh giá quý II/2026 · Phòng UA"
        assert "6/6 cán bộ chưa nộp" in await page.inner_text("main")

    entries = await reads(commune)
    assert [e.entity for e in entries][-2:] == ["not_submitted", "not_submitted"]
    assert "unit:UA" in entries[-1].note and "period:2026Q2" in entries[-1].note


async def test_a_unit_admin_sees_their_unit_only(commune):
    async with desk_server(commune) as desk:
        client = await desk.client_login("H2")  # unit admin of UB
        async with client.get(f"{desk.url}/desk/chitieu/7?{Q3}") as response:
            text = await response.text()
        assert response.status == 200 and "Phòng UB" in text
        assert "Cán bộ S3" in text and "Cán bộ S5" in text and "Cán bộ S2" not in text
        assert "Toàn xã" not in text
        async with client.get(f"{desk.url}/desk/chitieu/4/chart.png?unit=UA") as response:
            assert response.status == 404
        before = len(await reads(commune))
        for path in (f"/desk/chitieu/7?unit=UA&{Q3}", f"/desk/chuanop?unit=UA&{Q3}"):
            async with client.get(desk.url + path) as response:
                text = await response.text()
            assert response.status == 400, path
            assert "Bạn chỉ xem được số liệu của đơn vị mình (Phòng UB)" in text
            assert "Cán bộ S2" not in text
        assert len(await reads(commune)) == before  # nothing shown, nothing read


async def test_without_a_session_or_once_demoted_nothing_is_shown(commune):
    async with desk_server(commune) as desk:
        async with aiohttp.ClientSession() as anonymous:
            for path in ("/desk/chitieu/7", "/desk/chuanop"):
                async with anonymous.get(desk.url + path) as response:
                    assert response.status == 401
                    assert "Cán bộ S" not in await response.text()
        client = await desk.client_login("L1")
        async with commune.sessionmaker() as session, session.begin():
            await session.execute(
                update(Official).where(Official.code == "L1").values(role=Role.OFFICIAL)
            )
        for path in ("/desk/chitieu/7", "/desk/chuanop"):
            async with client.get(desk.url + path) as response:
                assert response.status == 401
    assert await reads(commune) == []
