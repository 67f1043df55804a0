"""The desk's «Cán bộ» page: the officials in scope, searched whatever the accents, who has not
linked an account yet, and invite codes for a unit printed as a sheet whose codes work in chat;
refused without a session, without the CSRF token, outside the unit, and to all but admins."""

import dataclasses
import re

import aiohttp
from sqlalchemy import func, select, update

from bot.app import App
from storage.enums import Role
from storage.models import AuditEntry, ChannelAccount, InviteCode, Official
from storage.repo import Repo
from tests.helpers.app import Chat, chat_as
from tests.helpers.desk import desk_server, set_role

DATE_TIME = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}")


async def _unit_of(app: App, code: str):
    async with app.sessionmaker() as session:
        return (await Repo(session).officials.by_code(code)).unit


async def _unlinked_active(app: App, unit_code: str) -> list[str]:
    async with app.sessionmaker() as session:
        repo = Repo(session)
        unit = await repo.officials.unit_by_code(unit_code)
        return [
            code for _, code, _ in await repo.officials.names(unit.id, unlinked=True, active=True)
        ]


async def _count(app: App, model, *where) -> int:
    async with app.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def _rows(page) -> dict[str, list[str]]:
    """The officials table: code → the row's cells."""
    cells = await page.eval_on_selector_all(
        "#officials tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"
    )
    return {row[1]: row for row in cells}  # column 0 is «Chọn» for admins


async def test_the_officials_page_shows_who_has_not_linked_and_finds_names_without_accents(
    app: App,
):
    await chat_as(app, "DEMO005")  # DEMO005 links a (console) account
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await page.click("nav >> text=Cán bộ")
        assert "Cán bộ · Tất cả đơn vị" in await page.inner_text("h1")
        rows = await _rows(page)
        assert len(rows) == 40
        assert rows["DEMO005"][6] == "Bảng điều khiển"
        assert rows["DEMO006"][6] == "Chưa liên kết"
        assert rows["DEMO001"][2] == "Tẩn Văn Sơn" and rows["DEMO001"][8] == "Quản trị viên"

        await page.check("input[name=unlinked]")
        await page.click("#search")
        rows = await _rows(page)
        assert "DEMO005" not in rows and "DEMO006" in rows and len(rows) == 39

        await page.uncheck("input[name=unlinked]")
        await page.fill("input[name=q]", "tan van son")
        await page.click("#search")
        assert list(await _rows(page)) == ["DEMO001"]
        assert "tan van son" not in page.url, "what was searched is not put in the URL"

    assert await _count(app, AuditEntry, AuditEntry.action == "read_officials") == 3


async def test_a_search_for_a_sign_finds_only_those_whose_name_or_code_has_it(app: App):
    async def searched(page, text: str) -> list[str]:
        await page.fill("input[name=q]", text)
        await page.click("#search")
        return list(await _rows(page))

    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await page.goto(f"{desk.url}/desk/canbo")
        assert await searched(page, "_") == [] and await searched(page, "%") == []
        assert "0 cán bộ" in await page.inner_text("main")
    async with app.sessionmaker() as session, session.begin():
        await session.execute(
            update(Official).where(Official.code == "DEMO020").values(code="DEMO_020")
        )
        await session.execute(
            update(Official).where(Official.code == "DEMO021").values(full_name="Lò Văn 100%")
        )
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await page.goto(f"{desk.url}/desk/canbo")
        assert await searched(page, "_") == ["DEMO_020"]
        assert await searched(page, "%") == ["DEMO021"]
        assert len(await searched(page, "")) == 40


async def test_the_officials_page_filters_by_unit(app: App):
    unit = await _unit_of(app, "DEMO010")
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await page.goto(f"{desk.url}/desk/canbo")
        await page.select_option("form.filters select[name=unit]", unit.code)
        await page.click("#search")
        assert unit.name in await page.inner_text("h1")
        rows = await _rows(page)
        assert "DEMO010" in rows and all(row[3] == unit.name for row in rows.values())


async def test_invite_codes_for_a_unit_make_a_printable_sheet_and_the_codes_work(app: App):
    unit = await _unit_of(app, "DEMO010")
    await chat_as(app, "DEMO010")  # already linked: no code for them
    waiting = await _unlinked_active(app, unit.code)
    assert waiting and "DEMO010" not in waiting
    async with desk_server(app) as desk:
        options = desk.app.conversation.options
        desk.app.conversation.options = dataclasses.replace(options, telegram_username="xa_bot")
        page = await desk.browser_login("DEMO001")
        await page.goto(f"{desk.url}/desk/canbo")
        await page.select_option("#invite-unit select[name=unit]", unit.code)
        await page.click("#invite-unit >> text=Tạo mã mời")

        assert "Phiếu mã mời" in await page.inner_text("h1")
        slips = await page.query_selector_all(".slip")
        assert len(slips) == len(waiting)
        first = await slips[0].inner_text()
        code = (await (await slips[0].query_selector(".code")).inner_text()).strip()
        assert re.fullmatch(r"[A-Z2-9]{10}", code), first
        assert f"/start {code}" in first and f"t.me/xa_bot?start={code}" in first
        assert unit.name in first and DATE_TIME.search(first)

        # Printed: one slip never split over two pages, the menu and notes left out.
        await page.emulate_media(media="print")
        assert not await page.is_visible("nav") and not await page.is_visible(".screen-only")
        assert await page.is_visible(".slip")
        style = await slips[0].evaluate("e => getComputedStyle(e).breakInside")
        assert style == "avoid"
        assert (await page.pdf(format="A4")).startswith(b"%PDF")

    # The code links a new phone to that official, once.
    async with app.sessionmaker() as session:
        official = await Repo(session).officials.by_code(waiting[0])
    reply = await Chat(app, "new-phone-1").send(f"/start {code}")
    assert f"Đã liên kết tài khoản với cán bộ {official.full_name}" in reply
    linked = await _count(
        app,
        ChannelAccount,
        ChannelAccount.official_id == official.id,
        ChannelAccount.external_user_id == "new-phone-1",
    )
    assert linked == 1
    assert await _count(app, InviteCode) == len(waiting)
    assert await _count(app, AuditEntry, AuditEntry.action == "invite") == len(waiting)


async def test_the_unit_for_invite_codes_must_be_chosen_and_posting_again_makes_new_codes(
    app: App,
):
    unit = await _unit_of(app, "DEMO010")
    waiting = await _unlinked_active(app, unit.code)
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await page.goto(f"{desk.url}/desk/canbo")
        chosen = await page.eval_on_selector(
            "#invite-unit select[name=unit]", "s => s.options[s.selectedIndex].text"
        )
        assert chosen == "— chọn đơn vị —"
        await page.click("#invite-unit >> text=Tạo mã mời")
        assert "Chưa chọn đơn vị" in await page.inner_text("main")
        assert await _count(app, InviteCode) == 0

        await page.goto(f"{desk.url}/desk/canbo")
        await page.select_option("#invite-unit select[name=unit]", unit.code)
        await page.click("#invite-unit >> text=Tạo mã mời")
        notice = await page.inner_text(".notice")
        assert "tạo thêm mã mới" in notice and "vẫn dùng được đến khi hết hạn" in notice
        first = (await page.inner_text(".slip .code")).strip()
        client = await desk.client_login("DEMO001")
        csrf = await desk.csrf(client, "/desk/canbo")
        form = {"csrf": csrf, "mode": "unit", "unit": unit.code}
        async with client.post(f"{desk.url}/desk/canbo/moi", data=form) as response:
            assert response.status == 200 and first not in await response.text()
    assert await _count(app, InviteCode) == 2 * len(waiting)
    reply = await Chat(app, "new-phone-2").send(f"/start {first}")
    assert "Đã liên kết tài khoản với cán bộ" in reply, "the earlier code still works"


async def test_ticked_officials_get_codes_and_one_linked_meanwhile_is_said_so(app: App):
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await page.goto(f"{desk.url}/desk/canbo")
        for code in ("DEMO020", "DEMO021", "DEMO022"):
            await page.check(f"#officials tr:has(td:text-is('{code}')) input[name=official]")
        await chat_as(app, "DEMO021")  # links before the button is pressed
        await page.click("#invite-chosen button")
        assert len(await page.query_selector_all(".slip")) == 2
        body = await page.inner_text("main")
        async with app.sessionmaker() as session:
            name = (await Repo(session).officials.by_code("DEMO021")).full_name
        assert f"Đã liên kết tài khoản nên không tạo mã: {name} (DEMO021)" in body
    async with app.sessionmaker() as session:
        invited = await session.scalars(select(InviteCode.official_id))
        codes = {(await session.get(Official, i)).code for i in invited}
    assert codes == {"DEMO020", "DEMO022"}


async def test_without_a_session_nothing_is_shown_or_made(app: App):
    async with desk_server(app) as desk, aiohttp.ClientSession() as raw:
        async with raw.get(f"{desk.url}/desk/canbo") as response:
            assert response.status == 401 and "DEMO002" not in await response.text()
        async with raw.post(
            f"{desk.url}/desk/canbo/moi", data={"mode": "unit", "unit": "PKT"}
        ) as response:
            assert response.status == 401
    assert await _count(app, InviteCode) == 0


async def test_an_invite_post_without_its_csrf_token_makes_no_code(app: App):
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        async with client.post(
            f"{desk.url}/desk/canbo/moi", data={"mode": "unit", "unit": "PKT"}
        ) as response:
            assert response.status == 403 and "Biểu mẫu đã cũ" in await response.text()
    assert await _count(app, InviteCode) == 0


async def test_a_unit_admin_sees_their_unit_only_and_makes_no_codes(app: App):
    await set_role(app, "DEMO010", Role.UNIT_ADMIN)
    own = await _unit_of(app, "DEMO010")
    other = "LD" if own.code != "LD" else "PKT"
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO010")
        async with client.get(f"{desk.url}/desk/canbo") as response:
            text = await response.text()
            assert response.status == 200 and f"Cán bộ · {own.name}" in text
            assert "Tạo mã mời" not in text and "Tất cả đơn vị" not in text
        async with app.sessionmaker() as session:
            outsider = next(o for o in await Repo(session).officials.all() if o.unit_id != own.id)
        assert outsider.code not in text
        csrf = await desk.csrf(client, "/desk/canbo")
        async with client.post(
            f"{desk.url}/desk/canbo", data={"csrf": csrf, "unit": other}
        ) as response:
            assert response.status == 403 and outsider.full_name not in await response.text()
        for form in ({"mode": "unit", "unit": own.code}, {"mode": "chosen", "official": "2"}):
            async with client.post(
                f"{desk.url}/desk/canbo/moi", data={"csrf": csrf, **form}
            ) as response:
                assert response.status == 403 and "Chỉ quản trị viên" in await response.text()
    assert await _count(app, InviteCode) == 0


async def test_an_admin_demoted_mid_session_makes_no_more_codes(app: App):
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        csrf = await desk.csrf(client, "/desk/canbo")
        await set_role(app, "DEMO001", Role.UNIT_ADMIN)
        async with client.post(
            f"{desk.url}/desk/canbo/moi", data={"csrf": csrf, "mode": "unit", "unit": "PKT"}
        ) as response:
            assert response.status == 403
        await set_role(app, "DEMO001", Role.OFFICIAL)
        async with client.get(f"{desk.url}/desk/canbo") as response:
            assert response.status == 401
    assert await _count(app, InviteCode) == 0


async def test_unknown_or_empty_choices_get_a_clear_message(app: App):
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        csrf = await desk.csrf(client, "/desk/canbo")
        cases = [
            ({"mode": "chosen"}, 400, "Chưa chọn cán bộ nào"),
            ({"mode": "chosen", "official": "x"}, 400, "Chưa chọn cán bộ nào"),
            ({"mode": "unit", "unit": "NOPE"}, 400, "Không có đơn vị mã NOPE"),
            ({"mode": "chosen", "official": "999999"}, 200, "Không tìm thấy 1 cán bộ"),
        ]
        for form, status, said in cases:
            async with client.post(
                f"{desk.url}/desk/canbo/moi", data={"csrf": csrf, **form}
            ) as response:
                assert response.status == status and said in await response.text(), form
        async with client.post(
            f"{desk.url}/desk/canbo", data={"csrf": csrf, "page": "99"}
        ) as response:
            assert response.status == 200  # past the last page: the last page
    assert await _count(app, InviteCode) == 0
