"""Exports and charts reach every admin, through the real channels in polling mode against
the fake platforms: on Zalo (which takes no documents, and photos by a public URL only) and
on Telegram past its 50 MB limit, the chat gives a one-time desk link that logs in and opens
the file; a file Telegram can take arrives as a document, a chart Zalo can fetch as a photo.
"""

import dataclasses
import io
import re

import aiohttp
import pytest
from sqlalchemy import select

from bot.channels import telegram as telegram_channel
from handlers.services.desk import login_link
from storage.enums import Role
from storage.models import AuditEntry, DeskFile, DeskLink
from storage.repo import Repo
from storage.types import utcnow
from tests.helpers.app import free_port, invite_code, serving
from tests.helpers.desk import set_role

ZALO_ADMIN = "zl-6400001"
TELEGRAM_ADMIN = 6400002
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/desk/login/\S+)")
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def served(app, port, tmp_path):
    """The app as `python -m bot run` builds it when the desk is at http://127.0.0.1:PORT
    (not public: Zalo cannot fetch photos there), its files under tmp_path."""
    conversation = app.conversation.with_options(
        desk_url=f"http://127.0.0.1:{port}",
        summaries_dir=tmp_path / "summaries",
        photos_by_link=frozenset({"zalo"}),
    )
    return dataclasses.replace(app, conversation=conversation)


async def linked_on_zalo(app, zalo, code: str = "DEMO001", admin: bool = True) -> None:
    await zalo.say(ZALO_ADMIN, f"/start {await invite_code(app, code, admin=admin)}")
    assert "Đã liên kết" in await zalo.reply_to(ZALO_ADMIN, 0)


async def follow(link: str) -> tuple[str, bytes, str]:
    """Open the link as an admin would in a plain browser: the login page, its button (a
    POST), then wherever it leads. Returns (final path, body, Content-Disposition)."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        async with client.get(link) as page:
            assert page.status == 200 and "Đăng nhập" in await page.text()
        async with client.post(link) as opened:
            assert opened.status == 200, await opened.text()
            disposition = opened.headers.get("Content-Disposition", "")
            return opened.url.path, await opened.read(), disposition


async def desk_files(app) -> list[DeskFile]:
    async with app.sessionmaker() as session:
        return list(await session.scalars(select(DeskFile).order_by(DeskFile.id)))


async def actions(app, action: str) -> list[AuditEntry]:
    async with app.sessionmaker() as session:
        found = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        return list(await session.scalars(found))


def workbook(content: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content))


async def test_on_zalo_xuat_gives_a_desk_link_that_logs_in_and_downloads_the_workbook(
    served, database, zalo, port
):
    async with serving(
        served, database, zalo_bot_token=zalo.token, zalo_api_base=zalo.url, webhook_port=port
    ):
        await linked_on_zalo(served, zalo)
        await zalo.say(ZALO_ADMIN, "/xuat")
        await zalo.wait_for(lambda: any("📥" in m for m in zalo.texts(ZALO_ADMIN)), 30)
        ready = next(m for m in zalo.texts(ZALO_ADMIN) if "📥" in m)
        assert ready.startswith("📎 Tệp Excel tổng hợp — Toàn xã, kỳ ")
        assert "Zalo không cho trợ lý gửi tệp." in ready
        assert "bàn làm việc web, mục «Tải về»" in ready and "trong 10 phút" in ready
        assert "gõ /web để lấy liên kết mới; tệp được giữ ở mục «Tải về» 7 ngày" in ready
        assert "chưa gửi được" not in ready
        (link,) = LINK.findall(ready)
        path, content, disposition = await follow(link)
        async with aiohttp.ClientSession() as client, client.post(link) as again:
            assert again.status == 403  # used: it opens nothing a second time
    assert not zalo.called("sendPhoto")
    (kept,) = await desk_files(served)
    assert kept.kind == "export" and kept.unit_id is None and kept.status == "ready"
    assert kept.name.startswith("tong-hop-toan-xa-") and kept.title.startswith("Tệp Excel")
    assert path == f"/desk/taive/{kept.key}"
    assert "tong-hop-toan-xa-" in disposition
    assert workbook(content).sheetnames[:4] == ["Tổng hợp", "Cán bộ", "Khóa học", "Đánh giá"]
    (download,) = await actions(served, "download")
    assert download.actor == "official:DEMO001"
    assert len(await actions(served, "export")) == 1


async def login(app, code: str) -> str:
    """A one-time desk login link for `code`, as /web gives it."""
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        return await login_link(
            repo,
            await repo.officials.by_code(code),
            base_url=app.conversation.options.desk_url,
            now=utcnow(),
            actor="test",
        )


async def status_of(app, code: str, path: str) -> int:
    """What `path` on the desk answers `code`, logged in by a link."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        link = await login(app, code)
        async with client.post(link) as response:
            assert response.status == 200
        async with client.get(link.split("/desk/")[0] + path) as response:
            return response.status


async def test_a_unit_admins_workbook_is_kept_for_their_unit_only(served, database, zalo, port):
    await set_role(served, "DEMO010", Role.UNIT_ADMIN)  # Ủy ban Kiểm tra (UBKT)
    await set_role(served, "DEMO014", Role.UNIT_ADMIN)  # Phòng Kinh tế (PKT)
    async with serving(
        served, database, zalo_bot_token=zalo.token, zalo_api_base=zalo.url, webhook_port=port
    ):
        await linked_on_zalo(served, zalo, "DEMO010", admin=False)
        await zalo.say(ZALO_ADMIN, "/xuat")
        await zalo.wait_for(lambda: any("📥" in m for m in zalo.texts(ZALO_ADMIN)), 30)
        (link,) = LINK.findall(next(m for m in zalo.texts(ZALO_ADMIN) if "📥" in m))
        _, content, _ = await follow(link)
        (kept,) = await desk_files(served)
        download = f"/desk/taive/{kept.key}"
        assert await status_of(served, "DEMO014", download) == 403  # another unit's admin
        assert await status_of(served, "DEMO001", download) == 200  # an admin sees every unit
    async with served.sessionmaker() as session:
        unit = (await Repo(session).officials.by_code("DEMO010")).unit
    assert kept.unit_id == unit.id
    assert re.fullmatch(rf"tong-hop-{unit.code}-\d{{4}}Q\d\.xlsx", kept.name)
    assert workbook(content)["Cán bộ"].max_row > 1
    assert [d.actor for d in await actions(served, "download")] == [
        "official:DEMO010",
        "official:DEMO001",
    ]


async def test_on_zalo_tonghop_gives_the_figures_and_a_desk_link_for_the_chart(
    served, database, zalo, port
):
    async with serving(
        served, database, zalo_bot_token=zalo.token, zalo_api_base=zalo.url, webhook_port=port
    ):
        await linked_on_zalo(served, zalo)
        await zalo.say(ZALO_ADMIN, "/tonghop")
        await zalo.wait_for(lambda: "🖼" in "".join(zalo.texts(ZALO_ADMIN)))
        out = "\n".join(zalo.texts(ZALO_ADMIN)[1:])
        assert "📊 Chỉ tiêu Kế hoạch thực hiện NQ 05 — Toàn xã" in out
        assert "8. Trang thiết bị đạt chuẩn" in out  # the figures, in the text
        assert "Biểu đồ các chỉ tiêu so với mục tiêu (vạch đen)." in out
        assert "Zalo chỉ nhận ảnh qua một địa chỉ công khai" in out
        assert "ảnh được giữ ở mục «Tải về» 7 ngày" in out
        (link,) = LINK.findall(out)
        path, content, _ = await follow(link)
    assert not zalo.called("sendPhoto")  # nothing Zalo could not fetch (127.0.0.1)
    (kept,) = await desk_files(served)
    assert kept.kind == "chart" and kept.unit_id is None
    assert kept.title.startswith("Biểu đồ các chỉ tiêu — Toàn xã, ")
    assert path == f"/desk/taive/{kept.key}" and content.startswith(PNG)


async def test_with_a_public_desk_address_zalo_gets_the_chart_as_a_photo(
    app, database, zalo, port, tmp_path
):
    public = "https://desk.xa-silolau.example.vn"
    settings = database.settings(desk_base_url=public)
    assert settings.files_url == public
    served = dataclasses.replace(
        app,
        conversation=app.conversation.with_options(
            desk_url=public, summaries_dir=tmp_path / "summaries", photos_by_link=frozenset()
        ),
    )
    async with serving(
        served,
        database,
        zalo_bot_token=zalo.token,
        zalo_api_base=zalo.url,
        webhook_port=port,
        desk_base_url=public,
        files_dir=tmp_path / "files",
    ):
        await linked_on_zalo(served, zalo)
        await zalo.say(ZALO_ADMIN, "/tonghop")
        (photo,) = await zalo.wait_for(lambda: zalo.called("sendPhoto"))
        # Served by the bot's own HTTP server at /files/ (a public proxy passes it there).
        name = photo["photo"].removeprefix(f"{public}/files/")
        assert name != photo["photo"] and name.endswith(".png")
        shelf = f"http://127.0.0.1:{port}/files/{name}"
        async with aiohttp.ClientSession() as client, client.get(shelf) as response:
            assert response.status == 200 and (await response.read()).startswith(PNG)
    assert "Biểu đồ các chỉ tiêu so với mục tiêu" in zalo.texts(ZALO_ADMIN)[-1]
    assert not LINK.findall("".join(zalo.texts(ZALO_ADMIN)))
    assert await desk_files(served) == []


async def test_on_telegram_a_workbook_over_the_limit_goes_as_a_desk_link(
    served, database, telegram, port, monkeypatch
):
    monkeypatch.setattr(telegram_channel, "UPLOAD_LIMIT", 1000)  # the workbook is larger
    async with serving(
        served,
        database,
        telegram_bot_token=telegram.token,
        telegram_api_base=telegram.url,
        webhook_port=port,
    ):
        await telegram.say(
            TELEGRAM_ADMIN, f"/start {await invite_code(served, 'DEMO001', admin=True)}"
        )
        await telegram.reply_to(TELEGRAM_ADMIN, 0)
        await telegram.say(TELEGRAM_ADMIN, "/xuat")
        await telegram.wait_for(lambda: any("📥" in m for m in telegram.texts(TELEGRAM_ADMIN)), 30)
        ready = next(m for m in telegram.texts(TELEGRAM_ADMIN) if "📥" in m)
        assert ready.startswith("📎 Tệp Excel tổng hợp — Toàn xã")
        assert "quá giới hạn 0,001 MB mà Telegram cho phép gửi" in ready
        assert "bàn làm việc web, mục «Tải về»" in ready
        (link,) = LINK.findall(ready)
        _, content, _ = await follow(link)
    assert not telegram.called("sendDocument")
    assert len(content) > 1000 and workbook(content).sheetnames[0] == "Tổng hợp"


async def test_on_telegram_a_workbook_within_the_limit_arrives_as_a_document(
    served, database, telegram, port
):
    async with serving(
        served,
        database,
        telegram_bot_token=telegram.token,
        telegram_api_base=telegram.url,
        webhook_port=port,
    ):
        await telegram.say(
            TELEGRAM_ADMIN, f"/start {await invite_code(served, 'DEMO001', admin=True)}"
        )
        await telegram.reply_to(TELEGRAM_ADMIN, 0)
        await telegram.say(TELEGRAM_ADMIN, "/xuat")
        (document,) = await telegram.wait_for(lambda: telegram.called("sendDocument"), 30)
    assert document["document"]["filename"].startswith("tong-hop-toan-xa-")
    assert not LINK.findall("".join(telegram.texts(TELEGRAM_ADMIN)))
    # Kept on the desk all the same («Tải về» lists it); its unused link expires by itself.
    (kept,) = await desk_files(served)
    assert kept.kind == "export"
    async with served.sessionmaker() as session:
        (unused,) = await session.scalars(select(DeskLink))
    assert unused.used_at is None and unused.next_path == f"/desk/taive/{kept.key}"
