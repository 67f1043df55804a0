"""/baocaodinhky through the real channels in polling mode against the fake platforms: Telegram
gets the Word file as a document; Zalo (which takes no documents) a one-time desk link that
logs in and downloads it."""

import dataclasses
import io

import pytest
from docx import Document

from tests.e2e.test_files_by_link import LINK, ZALO_ADMIN, desk_files, follow, linked_on_zalo
from tests.helpers.app import free_port, invite_code, serving

TELEGRAM_ADMIN = 6400003


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def served(app, port, tmp_path):
    conversation = app.conversation.with_options(
        desk_url=f"http://127.0.0.1:{port}", summaries_dir=tmp_path / "summaries"
    )
    return dataclasses.replace(app, conversation=conversation)


def title_of(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    return next(p.text for p in doc.paragraphs if "thực hiện Kế hoạch" in p.text)


async def test_on_zalo_the_report_comes_as_a_desk_link(served, database, zalo, port):
    async with serving(
        served, database, zalo_bot_token=zalo.token, zalo_api_base=zalo.url, webhook_port=port
    ):
        await linked_on_zalo(served, zalo)
        await zalo.say(ZALO_ADMIN, "/baocaodinhky 2026")
        await zalo.wait_for(lambda: any("📎" in m for m in zalo.texts(ZALO_ADMIN)), 60)
        ready = next(m for m in zalo.texts(ZALO_ADMIN) if "📎" in m)
        assert ready.startswith("📎 Dự thảo báo cáo tổng kết năm 2026 — Toàn xã")
        assert "Zalo không cho trợ lý gửi tệp." in ready
        (link,) = LINK.findall(ready)
        path, content, disposition = await follow(link)
    (kept,) = await desk_files(served)
    assert kept.kind == "report" and path == f"/desk/taive/{kept.key}"
    assert "bao-cao-2026-toan-xa.docx" in disposition
    assert title_of(content).startswith("Tổng kết năm 2026 thực hiện Kế hoạch")


async def test_on_telegram_the_report_arrives_as_a_document(served, database, telegram, port):
    async with serving(
        served,
        database,
        telegram_bot_token=telegram.token,
        telegram_api_base=telegram.url,
        webhook_port=port,
    ):
        code = await invite_code(served, "DEMO001", admin=True)
        await telegram.say(TELEGRAM_ADMIN, f"/start {code}")
        await telegram.reply_to(TELEGRAM_ADMIN, 0)
        await telegram.say(TELEGRAM_ADMIN, "/baocaodinhky 2026H1")
        (document,) = await telegram.wait_for(lambda: telegram.called("sendDocument"), 60)
    assert document["document"]["filename"] == "bao-cao-2026H1-toan-xa.docx"
    assert not LINK.findall("".join(telegram.texts(TELEGRAM_ADMIN)))
