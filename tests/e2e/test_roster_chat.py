"""An admin sends the roster spreadsheet to the bot on Telegram and gets the import report."""

from sqlalchemy import select

from storage.models import Official
from tests.helpers.app import invite_code, serving
from tests.helpers.roster_files import FILLED, xlsx

ADMIN, OFFICIAL = 6100, 6200


async def test_an_admin_imports_the_roster_by_sending_the_file(app, database, telegram):
    telegram.files["roster-file"] = xlsx(FILLED)
    async with serving(app, database, telegram_bot_token=telegram.token,
                       telegram_api_base=telegram.url):
        await telegram.say(ADMIN, f"/start {await invite_code(app, 'DEMO001', admin=True)}")
        await telegram.say(OFFICIAL, f"/start {await invite_code(app, 'DEMO010')}")
        await telegram.reply_to(ADMIN, 0)
        await telegram.reply_to(OFFICIAL, 0)
        document = {"file_id": "roster-file", "file_unique_id": "r", "file_name": "ds-can-bo.xlsx"}
        await telegram.push(telegram.message(OFFICIAL, None, document=document))
        refused = await telegram.reply_to(OFFICIAL, 1)
        await telegram.push(telegram.message(ADMIN, None, document=document))
        report = await telegram.reply_to(ADMIN, 1)
    assert "CB001" not in refused and "tệp" in refused.lower()
    assert "ds-can-bo.xlsx" in report
    async with app.sessionmaker() as session:
        codes = set(await session.scalars(select(Official.code)))
    assert {"CB001", "CB002", "CB003"} <= codes
    assert telegram.called("getFile")
