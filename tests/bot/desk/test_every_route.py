"""Every route of the desk, enumerated from the app itself (so a page added tomorrow is
covered without anyone remembering to): without a session each answers «chưa đăng nhập»; a
POST without the session's CSRF token changes nothing; an official, a deactivated admin and a
demoted one cannot get in at all."""

import pytest
from sqlalchemy import func, select, update

from bot.app import App
from bot.desk import desk_app
from handlers.errors import UserError
from handlers.services.desk import login_link
from storage.enums import Role
from storage.models import AuditEntry, Official
from storage.repo import Repo
from storage.types import utcnow
from tests.helpers.desk import desk_server

SAMPLE = {"token": "x" * 43, "key": "k" * 43, "n": "7", "id": "1"}


def desk_routes(app: App) -> list[tuple[str, str, bool]]:
    """(method, path with sample values, public) for every route of the desk."""
    found = []
    for route in desk_app(app).router.routes():
        if route.method == "HEAD":
            continue
        info = route.resource.get_info()
        path = info.get("path") or info["formatter"].format_map(SAMPLE)
        found.append((route.method, "/desk" + path, getattr(route.handler, "desk_public", False)))
    return found


async def test_there_are_routes_to_check(app: App):
    assert len(desk_routes(app)) >= 4


async def test_without_a_session_every_page_says_so_and_changes_nothing(app: App):
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        client.cookie_jar.clear()
        before = await _audit_count(app)
        for method, path, public in desk_routes(app):
            if public:
                continue
            async with client.request(method, desk.url + path, data={"csrf": "x"}) as response:
                assert response.status == 401, (method, path)
                assert "Bạn chưa đăng nhập" in await response.text(), path
        assert await _audit_count(app) == before


async def test_a_post_without_the_csrf_token_is_refused_everywhere(app: App):
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        before = await _audit_count(app)
        for method, path, public in desk_routes(app):
            if method != "POST" or public:
                continue
            for form in ({}, {"csrf": "forged"}):
                async with client.post(desk.url + path, data=form) as response:
                    assert response.status == 403, (path, form)
                    assert "Biểu mẫu đã cũ" in await response.text()
        assert await _audit_count(app) == before
        async with client.get(desk.url + "/desk/") as response:
            assert response.status == 200  # still logged in: nothing was ended either


@pytest.mark.parametrize("who", ["official", "deactivated_admin", "demoted_admin"])
async def test_who_may_not_use_the_desk_gets_no_link(app: App, who):
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        code = "DEMO010" if who == "official" else "DEMO001"
        if who != "official":
            change = {"active": False} if who == "deactivated_admin" else {"role": Role.OFFICIAL}
            await session.execute(update(Official).where(Official.code == code).values(**change))
        official = await repo.officials.by_code(code)
        await session.refresh(official)
        with pytest.raises(UserError):
            await login_link(repo, official, base_url="http://x", now=utcnow(), actor="test")


async def _audit_count(app: App) -> int:
    async with app.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(AuditEntry))


async def test_an_unknown_address_or_a_form_address_opened_again_is_said_in_vietnamese(app: App):
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        posts_only = [p for m, p, public in desk_routes(app) if m == "POST" and not public]
        gets = {p for m, p, _ in desk_routes(app) if m == "GET"}
        for path in ["/desk/khong-co-trang-nay", *(p for p in posts_only if p not in gets)]:
            async with client.get(desk.url + path) as response:
                assert response.status in (404, 405), path
                text = await response.text()
                assert "Không có trang này" in text and "Not Found" not in text, path
