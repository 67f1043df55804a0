"""Logging into the web desk: by a one-time link from /web or `python -m bot desk-link`, in a
real browser; refused a second time, after ten minutes, without the CSRF token, after logging
out, after eight idle hours, and once the role is gone."""

from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import update

from bot.app import App
from bot.desk.auth import COOKIE
from storage.enums import Role
from storage.models import DeskLink, DeskSession, Official
from storage.repo import Repo
from storage.types import utcnow
from tests.helpers.app import chat_as
from tests.helpers.desk import desk_server, set_role
from tests.helpers.procs import run

NOT_LOGGED_IN = "Bạn chưa đăng nhập"


async def test_an_admin_logs_in_by_the_link_and_sees_the_overview_and_chart(app: App):
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        assert page.url == f"{desk.url}/desk/"
        assert "Tổng quan 8 chỉ tiêu" in await page.inner_text("h1")
        body = await page.inner_text("main")
        assert "Trang thiết bị đạt chuẩn" in body and "33/40 (82,5%)" in body
        assert await page.evaluate("document.querySelector('img.chart').naturalWidth") > 300
        cookie = next(c for c in await page.context.cookies() if c["name"] == COOKIE)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and not cookie["secure"]


async def test_a_link_works_once(app: App):
    async with desk_server(app) as desk:
        link = await desk.link("DEMO001")
        browser = await desk.browser()
        one = await (await browser.new_context()).new_page()
        await one.goto(link)
        await one.click("#login")
        assert "Tổng quan" in await one.inner_text("h1")
        two = await (await browser.new_context()).new_page()
        response = await two.goto(link)
        assert response.status == 403
        assert "đã được dùng hoặc đã hết hạn" in await two.inner_text("main")
        assert await two.query_selector("#login") is None


async def test_opening_a_link_without_pressing_the_button_does_not_use_it(app: App):
    """Chat apps fetch a link to show its preview; that must not spend it."""
    async with desk_server(app) as desk:
        link = await desk.link("DEMO001")
        client = await desk.client_login("DEMO001")
        for _ in range(3):
            async with client.get(link) as preview:
                assert preview.status == 200
        page = await (await (await desk.browser()).new_context()).new_page()
        await page.goto(link)
        await page.click("#login")
        assert "Tổng quan" in await page.inner_text("h1")


async def test_an_expired_link_is_refused(app: App):
    async with desk_server(app) as desk:
        link = await desk.link("DEMO001")
        async with app.sessionmaker() as session, session.begin():
            await session.execute(
                update(DeskLink).values(expires_at=utcnow() - timedelta(seconds=1))
            )
        page = await (await (await desk.browser()).new_context()).new_page()
        response = await page.goto(link)
        assert response.status == 403 and "hết hạn" in await page.inner_text("main")
        response = await page.goto(f"{desk.url}/desk/")
        assert response.status == 401 and NOT_LOGGED_IN in await page.inner_text("main")


async def test_a_form_without_its_csrf_token_changes_nothing(app: App):
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await page.evaluate(
            "document.querySelectorAll('input[name=csrf]').forEach(e => e.value = 'forged')"
        )
        await page.click("text=Đăng xuất")
        assert "Biểu mẫu đã cũ" in await page.inner_text("h1")
        response = await page.goto(f"{desk.url}/desk/")
        assert response.status == 200, "the forged logout must not have ended the session"


async def test_logging_out_ends_the_session(app: App):
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await page.click("text=Đăng xuất")
        assert "Đã đăng xuất" in await page.inner_text("h1")
        response = await page.goto(f"{desk.url}/desk/")
        assert response.status == 401 and NOT_LOGGED_IN in await page.inner_text("main")


@pytest.mark.parametrize("lost", ["demoted", "deactivated", "idle"])
async def test_a_session_ends_when_the_role_is_gone_or_after_eight_idle_hours(app: App, lost):
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        async with client.get(f"{desk.url}/desk/") as response:
            assert response.status == 200
        async with app.sessionmaker() as session, session.begin():
            if lost == "idle":
                statement = update(DeskSession).values(
                    last_seen_at=utcnow() - timedelta(hours=8, seconds=1)
                )
            else:
                changed = {"role": Role.OFFICIAL} if lost == "demoted" else {"active": False}
                statement = update(Official).where(Official.code == "DEMO001").values(**changed)
            await session.execute(statement)
        async with client.get(f"{desk.url}/desk/") as response:
            assert response.status == 401 and NOT_LOGGED_IN in await response.text()


async def test_a_unit_admin_sees_their_unit_only(app: App):
    await set_role(app, "DEMO010", Role.UNIT_ADMIN)
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO010")
        async with app.sessionmaker() as session:
            own = (await Repo(session).officials.by_code("DEMO010")).unit
        async with client.get(f"{desk.url}/desk/") as response:
            text = await response.text()
            assert response.status == 200 and f"Tổng quan 8 chỉ tiêu · {own.name}" in text
            assert "Toàn xã" not in text
        other = "LD" if own.code != "LD" else "PKT"
        async with client.get(f"{desk.url}/desk/?unit={other}") as response:
            assert response.status == 400
            assert "Tổng quan 8 chỉ tiêu" not in await response.text()
        async with client.get(f"{desk.url}/desk/chart.png?unit={other}") as response:
            assert response.status == 404


async def test_web_in_chat_gives_admins_a_link_and_others_a_polite_refusal(app: App):
    await set_role(app, "DEMO010", Role.UNIT_ADMIN)
    async with desk_server(app) as desk:
        for code in ("DEMO001", "DEMO010"):
            reply = await (await chat_as(desk.app, code)).send("/web")
            url = next(line for line in reply.splitlines() if "/desk/login/" in line).strip()
            assert url.startswith(f"{desk.url}/desk/login/")
            client = await desk.client_login("DEMO001")
            async with client.post(url) as response:
                assert response.status == 200 and "Tổng quan" in await response.text()
        refused = await (await chat_as(desk.app, "DEMO011")).send("/web")
        assert "/desk/login/" not in refused and "quản trị" in refused


def test_desk_link_prints_the_url_alone_on_the_last_line_and_exits_2_for_others(tmp_path):
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/c.db", "DESK_BASE_URL": "https://x.vn"}
    assert run("demo-data", env=env).returncode == 0
    admin = run("desk-link", "demo001", env=env)
    assert admin.returncode == 0, admin.stderr
    assert admin.stdout.splitlines()[-1].startswith("https://x.vn/desk/login/")
    assert len(admin.stdout.splitlines()[-1].split()) == 1
    official = run("desk-link", "DEMO010", env=env)
    assert official.returncode == 2 and "/desk/login/" not in official.stdout
    assert "quản trị" in official.stderr
    unknown = run("desk-link", "NOBODY", env=env)
    assert unknown.returncode == 2 and "NOBODY" in unknown.stderr


async def test_the_cookie_is_secure_when_the_desk_is_on_https(app: App):
    async with desk_server(app) as desk:
        settings = desk.app.settings.model_copy(update={"desk_base_url": "https://desk.example"})
        desk.app.settings.__dict__.update(settings.__dict__)  # as a deployment behind TLS
        async with aiohttp.ClientSession() as raw:
            link = await desk.link("DEMO001")
            local = link.replace("https://desk.example", desk.url)
            async with raw.post(local, allow_redirects=False) as response:
                cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
