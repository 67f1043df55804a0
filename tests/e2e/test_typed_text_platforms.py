"""The typed-text contract through the real Telegram and Zalo channels, on their fake Bot API
servers: at every step of every form (tests/helpers/forms_walk.py) a command typed is that command
(each command typed at some step, in turn), the number of «Bỏ qua» skips every optional step,
"/duyet" typed again and again approves nothing, and on Telegram a button of an older message
does nothing (one that is a command without arguments runs as typed: see
tests/e2e/test_road_platforms.py). The console's full matrix is in tests/handlers/test_typed_text.py.
"""

import dataclasses

from sqlalchemy import func, select

from handlers.forms import SKIP
from storage.enums import ReportStatus
from storage.models import CourseReport, Official
from storage.repo import Repo
from tests.helpers.app import serving
from tests.helpers.forms_walk import ADMIN, restore, spot_of, walk

TELEGRAM_USER, ZALO_USER = 5550101, "zl-5550101"


async def _link(app, channel: str, user: str) -> None:
    async with app.sessionmaker() as session, session.begin():
        official = await session.scalar(select(Official).where(Official.code == ADMIN))
        await Repo(session).accounts.link(official, channel, user, user, "Người thử")


class Person:
    """The admin on one platform: types, presses, and reads what came back."""

    def __init__(self, fake, channel: str, user):
        self.fake, self.channel, self.user = fake, channel, user

    async def say(self, text: str) -> str:
        seen = len(self.fake.texts(self.user))
        await self.fake.say(self.user, text)
        return await self.fake.reply_to(self.user, seen)

    async def press(self, value: str) -> str:
        seen = len(self.fake.texts(self.user))
        await self.fake.press(self.user, value)
        return await self.fake.reply_to(self.user, seen)


def _unlimited(app) -> None:
    """Hundreds of messages a minute from one admin: no per-minute message limit here
    (tests/handlers/test_flood.py tests it). Set before the channels start with a copy."""
    app.conversation.options = dataclasses.replace(
        app.conversation.options, rate_limit_per_minute=0, rate_limit_stranger_per_minute=0
    )


async def _contract(app, person: Person) -> None:
    spots = await walk(app)
    await _link(app, person.channel, str(person.user))
    router = app.conversation.router
    commands = [c for c in router.commands if c not in ("huy", "quaylai")]
    for number, spot in enumerate(spots):
        form = router.forms[spot.form]
        step = form.steps[spot.step] if spot.step < len(form.steps) else None
        key = (person.channel, str(person.user))
        # A command typed here is that command (one command per step, all of them in turn).
        command = commands[number % len(commands)]
        await restore(app, spot, *key)
        out = await person.say(f"/{command}")
        after = await spot_of(app, *key)
        assert after is not None and (after.form, after.step) == (spot.form, spot.step), out
        if command != "help":
            assert f"lệnh /{command} chưa chạy" in out, f"/{command} at {spot}: {out}"
        if step is not None and step.optional:  # the number of «Bỏ qua», as shown
            out = await person.say(spot.number_of(SKIP))
            after = await spot_of(app, *key)
            assert after.step > spot.step and after.answers[step.key] is None, f"{spot}: {out}"
        if person.channel == "telegram":  # a button this question did not offer
            await restore(app, spot, *key)
            # A course button this question did not offer (a degree course is on offer where
            # /dangky asks for a degree programme).
            offered = {choice.value for choice in spot.offered}
            stale = next(v for v in ("c:dt-tien-si", "c:bdhvs-ky-nang-so") if v not in offered)
            out = await person.press(stale)
            assert "tin nhắn cũ" in out, f"{spot}: {out}"
            assert (await spot_of(app, *key)).step == spot.step
    assert len(spots) >= len(commands)  # every command was typed at some step

    async def pending() -> int:
        async with app.sessionmaker() as session:
            return await session.scalar(
                select(func.count())
                .select_from(CourseReport)
                .where(CourseReport.status == ReportStatus.PENDING)
            )

    await restore(app, None, *key)
    waiting = await pending()
    assert "Báo cáo #1" in await person.say("/duyet")
    for _ in range(4):
        await person.say("/duyet")
    assert await pending() == waiting


async def test_the_contract_holds_on_telegram(app, database, telegram):
    _unlimited(app)
    async with serving(
        app, database, telegram_bot_token=telegram.token, telegram_api_base=telegram.url
    ):
        await _contract(app, Person(telegram, "telegram", TELEGRAM_USER))


async def test_the_contract_holds_on_zalo(app, database, zalo):
    _unlimited(app)
    async with serving(app, database, zalo_bot_token=zalo.token, zalo_api_base=zalo.url):
        await _contract(app, Person(zalo, "zalo", ZALO_USER))
