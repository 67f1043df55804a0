"""Photos for Zalo: published at an unguessable URL in webhook mode, a text note otherwise."""

import aiohttp
import pytest

from handlers.types import Attachment, Reply
from tests.helpers.app import free_port, serving

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(200))


@pytest.fixture
def chart_command(app, tmp_path):
    picture = tmp_path / "bieu-do.png"
    picture.write_bytes(PNG)

    @app.conversation.router.command("bieudo", summary="help.help")
    async def chart(ctx):
        return Reply(
            "Biểu đồ chỉ tiêu:",
            attachment=Attachment("photo", path=str(picture), name="bieu-do.png"),
        )


async def test_zalo_gets_photos_by_url_in_webhook_mode(
    app, database, zalo, chart_command, tmp_path
):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with (
        serving(
            app,
            database,
            zalo_bot_token=zalo.token,
            zalo_api_base=zalo.url,
            webhook_base_url=base,
            webhook_secret="s3cret-token-123",
            webhook_host="127.0.0.1",
            webhook_port=port,
            files_dir=str(tmp_path / "files"),
        ),
        aiohttp.ClientSession() as http,
    ):
        async with http.post(
            f"{base}/webhook/zalo",
            json=zalo.message("u1", "/bieudo"),
            headers={"X-Bot-Api-Secret-Token": "s3cret-token-123"},
        ) as r:
            assert r.status == 200
        (photo,) = await zalo.wait_for(lambda: zalo.called("sendPhoto"))
        assert photo["chat_id"] == "u1" and photo["photo"].startswith(f"{base}/files/")
        async with http.get(photo["photo"]) as served:
            assert served.status == 200 and await served.read() == PNG
        async with http.get(f"{base}/files/../../etc/passwd") as refused:
            assert refused.status == 404
        async with http.get(f"{base}/files/{'a' * 30}.png") as missing:
            assert missing.status == 404
    assert zalo.texts("u1") == ["Biểu đồ chỉ tiêu:"]


async def test_zalo_polling_mode_says_the_photo_cannot_be_shown(app, database, zalo, chart_command):
    async with serving(app, database, zalo_bot_token=zalo.token, zalo_api_base=zalo.url):
        await zalo.say("u2", "/bieudo")
        text = await zalo.reply_to("u2", 0)
    assert text.startswith("Biểu đồ chỉ tiêu:") and "bieu-do.png" in text
    assert zalo.called("sendPhoto") == []
