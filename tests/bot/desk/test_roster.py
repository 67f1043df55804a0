"""The desk's «Danh sách» page: a roster uploaded is first checked (every problem by row and
column, nothing written), then imported by a button; the template downloads; a big file's page
follows its progress by itself. Refused without a session, without the CSRF token, to all but
admins; an oversized or non-spreadsheet file gets a clear message."""

import asyncio
import io
import threading
from pathlib import Path

import aiohttp
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.app import App
from storage.enums import Role
from storage.models import AuditEntry, Official
from tests.helpers.desk import desk_server, set_role
from tests.helpers.roster_files import FILLED, HEADERS, csv_bytes, xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
async def app(database, tmp_path):
    """The demo commune, its admins' files (uploads among them) in this test's folder."""
    from storage.demo import seed_demo

    async with database.app(summaries_dir=tmp_path / "files") as app:
        if not database.seeded:
            async with app.sessionmaker() as session, session.begin():
                await seed_demo(session)
        yield app


def _with_error() -> bytes:
    rows = [list(row) for row in FILLED]
    rows[1][2] = "Nữx"  # CB002's «Giới tính*», row 3 as Excel shows it
    return xlsx(rows)


async def _codes(app: App) -> set[str]:
    async with app.sessionmaker() as session:
        return set(await session.scalars(select(Official.code)))


async def _count(app: App, model, *where) -> int:
    async with app.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def _upload(page, name: str, data: bytes) -> None:
    await page.set_input_files(
        "input[name=tep]", files=[{"name": name, "mimeType": XLSX, "buffer": data}]
    )
    await page.click("text=Kiểm tra tệp")


async def test_a_roster_with_an_error_is_shown_by_row_and_column_then_a_good_one_is_imported(
    app: App,
):
    before = await _codes(app)
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await page.click("nav >> text=Danh sách")
        assert "tối đa 5 MB" in await page.inner_text("main")

        await _upload(page, "danh-sach.xlsx", _with_error())
        await page.wait_for_selector("#problems")  # the page refreshes itself until checked
        problems = await page.eval_on_selector_all(
            "#problems tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText))"
        )
        assert len(problems) == 1
        row, column, text = problems[0]
        assert (row, column) == ("3", "Giới tính*") and "không nhận ra «Nữx»" in text
        assert "chưa ghi gì" in await page.inner_text("#problem")
        assert await page.query_selector("#import") is None
        assert await _codes(app) == before

        await _upload(page, "danh-sach.xlsx", xlsx(FILLED))
        await page.wait_for_selector("#checked")
        assert await page.inner_text("#added") == "3"
        assert await _codes(app) == before, "a dry run writes nothing"
        await page.click("#import")
        await page.wait_for_selector("#imported")
        assert await page.inner_text("#added") == "3"

    assert await _codes(app) == before | {"CB001", "CB002", "CB003"}
    async with app.sessionmaker() as session:
        hoa = await session.scalar(select(Official).where(Official.code == "CB002"))
        assert hoa.full_name == "Nguyễn Thị Hoa" and hoa.unit.name == "Phòng Nông nghiệp"
    created = AuditEntry.action == "create", AuditEntry.actor == "official:DEMO001"
    assert await _count(app, AuditEntry, *created, AuditEntry.entity == "official") == 3
    # The good file's dry run showed stored values; the faulty one's, its own cells only.
    assert await _count(app, AuditEntry, AuditEntry.action == "roster_dry_run") == 1


async def test_the_import_page_follows_a_long_check_by_itself(app: App):
    """While the job waits for a worker (a big file being read), the page says so and
    reloads itself; the report appears once it is done, with nothing pressed."""
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await page.goto(f"{desk.url}/desk/danhsach")
        release = threading.Event()
        busy = desk.app.conversation.jobs.pool.submit(release.wait)  # the only worker
        try:
            await page.set_input_files(
                "input[name=tep]",
                files=[{"name": "ds.csv", "mimeType": "text/csv", "buffer": csv_bytes(FILLED)}],
            )
            await page.click("text=Kiểm tra tệp")
            assert "Đang kiểm tra" in await page.inner_text("#progress")
            assert await page.query_selector("#checked") is None
        finally:
            release.set()
        await asyncio.wrap_future(busy)
        await page.wait_for_selector("#checked")
        assert await page.inner_text("#added") == "3"


async def test_the_template_downloads_with_the_communes_units(app: App):
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await page.goto(f"{desk.url}/desk/danhsach")
        async with page.expect_download() as waiting:
            await page.click("text=Tải tệp mẫu")
        download = await waiting.value
        assert download.suggested_filename == "mau-danh-sach-can-bo.xlsx"
        book = load_workbook(io.BytesIO(Path(await download.path()).read_bytes()))
        assert [cell.value for cell in book.worksheets[0][1]][: len(HEADERS)] == HEADERS
        offered = {cell.value for sheet in book.worksheets for row in sheet for cell in row}
        assert "Phòng Kinh tế" in offered, "the commune's units, for the «Đơn vị» dropdown"


async def _form(csrf: str | None, name: str, data: bytes, **fields) -> aiohttp.FormData:
    form = aiohttp.FormData()
    if csrf is not None:
        form.add_field("csrf", csrf)
    for key, value in fields.items():
        form.add_field(key, value)
    form.add_field("tep", data, filename=name, content_type=XLSX)
    return form


async def _checked(desk, client, location: str) -> str:
    """The upload's page once its job is done."""
    await desk.app.conversation.jobs.wait()
    async with client.get(desk.url + location) as response:
        assert response.status == 200 and "Refresh" not in response.headers
        return await response.text()


async def test_without_a_session_or_as_a_non_admin_nothing_is_taken(app: App):
    await set_role(app, "DEMO010", Role.UNIT_ADMIN)
    before = await _codes(app)
    async with desk_server(app) as desk:
        async with aiohttp.ClientSession() as raw:
            for path in ("/desk/danhsach", "/desk/danhsach/mau.xlsx"):
                async with raw.get(desk.url + path) as response:
                    assert response.status == 401
            form = await _form(None, "ds.xlsx", xlsx(FILLED))
            async with raw.post(f"{desk.url}/desk/danhsach", data=form) as response:
                assert response.status == 401
        client = await desk.client_login("DEMO010")
        csrf = await desk.csrf(client)
        for path in ("/desk/danhsach", "/desk/danhsach/mau.xlsx"):
            async with client.get(desk.url + path) as response:
                assert response.status == 403 and "Chỉ quản trị viên" in await response.text()
        form = await _form(csrf, "ds.xlsx", xlsx(FILLED))
        async with client.post(f"{desk.url}/desk/danhsach", data=form) as response:
            assert response.status == 403
    assert await _codes(app) == before
    assert not (app.settings.summaries_dir / "roster-uploads").exists()


async def test_no_csrf_token_no_upload_and_no_import(app: App):
    before = await _codes(app)
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        form = await _form(None, "ds.xlsx", xlsx(FILLED))
        async with client.post(f"{desk.url}/desk/danhsach", data=form) as response:
            assert response.status == 403 and "Biểu mẫu đã cũ" in await response.text()
        assert not (app.settings.summaries_dir / "roster-uploads").exists()

        csrf = await desk.csrf(client, "/desk/danhsach")
        form = await _form(csrf, "ds.xlsx", xlsx(FILLED))
        async with client.post(
            f"{desk.url}/desk/danhsach", data=form, allow_redirects=False
        ) as response:
            assert response.status == 303
            location = response.headers["Location"]
        assert 'id="import"' in await _checked(desk, client, location)
        async with client.post(f"{desk.url}{location}/nhap", data={}) as response:
            assert response.status == 403
    assert await _codes(app) == before


async def test_an_upload_is_reachable_from_its_own_session_only(app: App):
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        csrf = await desk.csrf(client, "/desk/danhsach")
        form = await _form(csrf, "ds.xlsx", xlsx(FILLED))
        async with client.post(
            f"{desk.url}/desk/danhsach", data=form, allow_redirects=False
        ) as response:
            location = response.headers["Location"]
        assert location.startswith("/desk/danhsach/tep/") and "ds.xlsx" not in location
        await _checked(desk, client, location)

        other = await desk.client_login("DEMO001")  # a second login: another session
        other_csrf = await desk.csrf(other)
        async with other.get(desk.url + location) as response:
            assert response.status == 404 and "CB001" not in await response.text()
        async with other.post(f"{desk.url}{location}/nhap", data={"csrf": other_csrf}) as response:
            assert response.status == 404
        assert "CB001" not in await _codes(app)

        for _ in range(2):  # a second press shows the first one's result
            async with client.post(f"{desk.url}{location}/nhap", data={"csrf": csrf}) as response:
                assert response.status == 200
        text = await _checked(desk, client, location)
        assert "Đã nhập danh sách cán bộ từ ds.xlsx" in text
    assert (
        await _count(
            app, AuditEntry, AuditEntry.action == "create", AuditEntry.entity == "official"
        )
        == 3
    )


async def test_an_admin_demoted_after_the_dry_run_imports_nothing(app: App):
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        csrf = await desk.csrf(client, "/desk/danhsach")
        form = await _form(csrf, "ds.xlsx", xlsx(FILLED))
        async with client.post(
            f"{desk.url}/desk/danhsach", data=form, allow_redirects=False
        ) as response:
            location = response.headers["Location"]
        await _checked(desk, client, location)
        await set_role(app, "DEMO001", Role.UNIT_ADMIN)
        async with client.post(f"{desk.url}{location}/nhap", data={"csrf": csrf}) as response:
            assert response.status == 403
    assert "CB001" not in await _codes(app)


@pytest.mark.parametrize(
    ("name", "data", "status", "said"),
    [
        ("anh.jpg", b"\xff\xd8\xff\xe0 not a roster", 400, "phải kết thúc bằng .xlsx hoặc .csv"),
        ("ds.xlsx", b"", 400, "trống"),
        ("ds.xlsx", b"x" * (3 * 1024 * 1024 // 2), 413, "nặng 1,5 MB, quá giới hạn 1 MB"),
        ("ds.xlsx", b"x" * (26 * 1024 * 1024), 413, "vượt quá 25 MB"),
    ],
    ids=["not-a-spreadsheet", "empty", "over-the-roster-limit", "over-the-server-limit"],
)
async def test_a_file_refused_at_once_gets_a_clear_message(
    database, tmp_path, name, data, status, said
):
    async with database.app(summaries_dir=tmp_path, roster_max_bytes=1024 * 1024) as app:
        from storage.demo import seed_demo

        if not database.seeded:
            async with app.sessionmaker() as session, session.begin():
                await seed_demo(session)
        async with desk_server(app) as desk:
            client = await desk.client_login("DEMO001")
            csrf = await desk.csrf(client, "/desk/danhsach")
            form = await _form(csrf, name, data)
            async with client.post(f"{desk.url}/desk/danhsach", data=form) as response:
                text = await response.text()
                assert response.status == status and said in text, text[-600:]
        assert not (tmp_path / "roster-uploads").exists()


async def test_a_damaged_spreadsheet_is_reported_not_imported(app: App):
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        csrf = await desk.csrf(client, "/desk/danhsach")
        form = await _form(csrf, "ds.xlsx", b"PK this is not really a workbook")
        async with client.post(
            f"{desk.url}/desk/danhsach", data=form, allow_redirects=False
        ) as response:
            location = response.headers["Location"]
        text = await _checked(desk, client, location)
        assert "Không đọc được tệp ds.xlsx" in text and 'id="import"' not in text
