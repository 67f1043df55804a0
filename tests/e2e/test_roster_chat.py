"""An admin sends the roster spreadsheet to the bot on Telegram and gets the import report.

The import runs as a background job: «Đang xử lý …» at once, the report pushed when it is
done, everyone else answered meanwhile; a file over the size limit is never fetched."""

import dataclasses
import threading
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import func, select, update

from storage.enums import Role
from storage.models import Official
from tests.helpers.app import invite_code, serving
from tests.helpers.roster_files import FILLED, many, plain_xlsx, xlsx

ADMIN, OFFICIAL = 6100, 6200
DOCUMENT = {"file_id": "roster-file", "file_unique_id": "r", "file_name": "ds-can-bo.xlsx"}
WORKING = "Đang xử lý tệp ds-can-bo.xlsx, mình sẽ báo khi xong"
REPORT = "Đã nhập danh sách cán bộ từ ds-can-bo.xlsx"
QUESTION, ANSWER = "bdhvs là gì", "📖 Nguồn"


@asynccontextmanager
async def linked(app, database, telegram):
    """The bot running on the fake Telegram, the admin and an official linked."""
    async with serving(
        app, database, telegram_bot_token=telegram.token, telegram_api_base=telegram.url
    ):
        await telegram.say(ADMIN, f"/start {await invite_code(app, 'DEMO001', admin=True)}")
        await telegram.say(OFFICIAL, f"/start {await invite_code(app, 'DEMO010')}")
        await telegram.reply_to(ADMIN, 0)
        await telegram.reply_to(OFFICIAL, 0)
        yield


async def sent(telegram, chat: int, text: str, timeout: float = 20) -> str:
    """The first message to `chat` holding `text`, once it has been sent."""

    def found():
        return next((m for m in telegram.texts(chat) if text in m), None)

    return await telegram.wait_for(found, timeout)


async def codes(app) -> set[str]:
    async with app.sessionmaker() as session:
        return set(await session.scalars(select(Official.code)))


def hold(monkeypatch, name: str) -> threading.Event:
    """Hold every import in its worker thread when it calls `name` (of the roster's
    background module) until the test opens the gate (10 s at most); `gate.reached` is set
    once an import is held there."""
    from handlers.services.roster import background

    opened, reached = threading.Event(), threading.Event()
    function = getattr(background, name)

    def held(*args, **kwargs):
        reached.set()
        opened.wait(10)
        return function(*args, **kwargs)

    monkeypatch.setattr(background, name, held)
    opened.reached = reached
    return opened


@pytest.fixture
def gate(monkeypatch):
    """Imports held after the file is fetched, before it is read."""
    opened = hold(monkeypatch, "check_file")
    yield opened
    opened.set()


async def test_an_admin_imports_the_roster_by_sending_the_file(app, database, telegram):
    telegram.files["roster-file"] = xlsx(FILLED)
    async with linked(app, database, telegram):
        await telegram.push(telegram.message(OFFICIAL, None, document=DOCUMENT))
        refused = await sent(telegram, OFFICIAL, "Mình đã nhận được tệp")
        await telegram.push(telegram.message(ADMIN, None, document=DOCUMENT))
        await sent(telegram, ADMIN, WORKING)
        report = await sent(telegram, ADMIN, REPORT)
    assert "CB001" not in refused
    assert "(3 dòng)" in report and "Thêm mới: 3" in report
    assert {"CB001", "CB002", "CB003"} <= await codes(app)
    assert telegram.called("getFile")


async def test_another_user_is_answered_while_the_import_runs(app, database, telegram, gate):
    telegram.files["roster-file"] = xlsx(FILLED)
    async with linked(app, database, telegram):
        await telegram.push(telegram.message(ADMIN, None, document=DOCUMENT))
        await sent(telegram, ADMIN, WORKING)
        assert await telegram.wait_for(gate.reached.is_set)  # the import is running
        await telegram.say(OFFICIAL, QUESTION)
        await sent(telegram, OFFICIAL, ANSWER)
        assert not any(REPORT in m for m in telegram.texts(ADMIN))  # not done yet
        gate.set()
        await sent(telegram, ADMIN, REPORT)
    assert {"CB001", "CB002", "CB003"} <= await codes(app)


async def test_a_second_file_waits_for_the_first(app, database, telegram, gate):
    telegram.files["roster-file"] = xlsx(FILLED)
    async with linked(app, database, telegram):
        await telegram.push(telegram.message(ADMIN, None, document=DOCUMENT))
        await sent(telegram, ADMIN, WORKING)
        await telegram.push(telegram.message(ADMIN, None, document=DOCUMENT))
        await sent(telegram, ADMIN, "Việc trước của bạn (nhập hoặc xuất tệp) vẫn đang chạy")
        gate.set()
        await sent(telegram, ADMIN, REPORT)
    assert len(telegram.called("getFile")) == 1


async def test_progress_is_shown_while_a_long_import_runs(app, database, telegram, monkeypatch):
    gate = hold(monkeypatch, "write_checked")  # held once the file is read and checked
    telegram.files["roster-file"] = xlsx(FILLED)
    app.conversation.jobs.progress_every = 0.05  # a "long" import: any that is held
    try:
        async with linked(app, database, telegram):
            await telegram.push(telegram.message(ADMIN, None, document=DOCUMENT))
            progress = await sent(telegram, ADMIN, "đang ghi vào cơ sở dữ liệu")
            gate.set()
            await sent(telegram, ADMIN, REPORT)
    finally:
        gate.set()
    assert progress == "⏳ Tệp ds-can-bo.xlsx không có lỗi (3 dòng), đang ghi vào cơ sở dữ liệu."
    texts = telegram.texts(ADMIN)

    def at(text: str) -> int:
        return next(i for i, m in enumerate(texts) if text in m)

    assert at(WORKING) < at(progress) < at(REPORT)
    assert texts.count(progress) == 1  # said once, however many ticks it lasted


async def test_an_admin_demoted_meanwhile_imports_nothing(app, database, telegram, gate):
    telegram.files["roster-file"] = xlsx(FILLED)
    async with linked(app, database, telegram):
        await telegram.push(telegram.message(ADMIN, None, document=DOCUMENT))
        assert await telegram.wait_for(gate.reached.is_set)
        async with app.sessionmaker() as session, session.begin():
            await session.execute(
                update(Official).where(Official.code == "DEMO001").values(role=Role.OFFICIAL)
            )
        gate.set()
        refused = await sent(telegram, ADMIN, "không còn quyền quản trị")
    assert "ds-can-bo.xlsx chưa được ghi" in refused
    assert not {"CB001", "CB002", "CB003"} & await codes(app)


async def test_a_file_over_the_limit_is_refused_before_it_is_fetched(app, database, telegram):
    telegram.files["roster-file"] = xlsx(FILLED)
    big = {**DOCUMENT, "file_size": 6 * 1024 * 1024}
    async with linked(app, database, telegram):
        await telegram.push(telegram.message(ADMIN, None, document=big))
        refused = await sent(telegram, ADMIN, "quá giới hạn")
    assert "Tệp ds-can-bo.xlsx nặng 6 MB, quá giới hạn 5 MB" in refused
    assert not telegram.called("getFile")
    assert "CB001" not in await codes(app)


async def test_a_file_with_too_many_rows_is_refused_unwritten(app, database, telegram):
    telegram.files["roster-file"] = plain_xlsx(many(12))
    app = dataclasses.replace(app, conversation=app.conversation.with_options(roster_max_rows=10))
    async with linked(app, database, telegram):
        await telegram.push(telegram.message(ADMIN, None, document=DOCUMENT))
        refused = await sent(telegram, ADMIN, "có hơn 10 dòng cán bộ")
    assert "chưa ghi gì" in refused
    assert "X000000" not in await codes(app)


@pytest.mark.slow
async def test_20000_rows_imported_while_another_user_is_answered(app, database, telegram):
    telegram.files["roster-file"] = plain_xlsx(many(20_000), size="A1:R20001")
    async with linked(app, database, telegram):
        await telegram.push(telegram.message(ADMIN, None, document=DOCUMENT))
        await sent(telegram, ADMIN, WORKING)
        await telegram.say(OFFICIAL, QUESTION)
        await sent(telegram, OFFICIAL, ANSWER)
        answered_before = not any(REPORT in m for m in telegram.texts(ADMIN))
        report = await sent(telegram, ADMIN, REPORT, timeout=600)
    assert answered_before
    assert "(20000 dòng)" in report and "Thêm mới: 20000" in report
    async with app.sessionmaker() as session:
        added = await session.scalar(
            select(func.count()).select_from(Official).where(Official.code.like("X%"))
        )
    assert added == 20_000
