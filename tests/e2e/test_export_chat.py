"""/xuat on Telegram: «Đang lập tệp …» at once, the workbook pushed as a document when the
background job has written it."""

import dataclasses

from sqlalchemy import select

from storage.models import AuditEntry
from tests.helpers.app import invite_code, serving

ADMIN = 6300


async def test_the_workbook_arrives_as_a_document_after_the_job(app, database, telegram, tmp_path):
    options = app.conversation.with_options(summaries_dir=tmp_path)
    app = dataclasses.replace(app, conversation=options)
    async with serving(
        app, database, telegram_bot_token=telegram.token, telegram_api_base=telegram.url
    ):
        await telegram.say(ADMIN, f"/start {await invite_code(app, 'DEMO001', admin=True)}")
        await telegram.reply_to(ADMIN, 0)
        await telegram.say(ADMIN, "/xuat")
        (document,) = await telegram.wait_for(lambda: telegram.called("sendDocument"), 30)
        texts = telegram.texts(ADMIN)
    working = next(i for i, m in enumerate(texts) if "⏳ Đang lập tệp Excel tổng hợp" in m)
    ready = next(i for i, m in enumerate(texts) if "📎 Tệp Excel tổng hợp — Toàn xã" in m)
    assert working < ready
    assert int(document["chat_id"]) == ADMIN
    assert document["document"]["filename"].startswith("tong-hop-toan-xa-")
    assert document["document"]["size"] > 0
    async with app.sessionmaker() as session:
        (entry,) = await session.scalars(select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry.actor == "official:DEMO001"
