"""Fault: the platform API answering 5xx, timing out and rate limiting (429) for a while, in
polling mode for Telegram and Zalo: the bot keeps running, backs off, and answers afterwards.
"""

import asyncio

import pytest

from bot.channels.telegram import TelegramChannel
from bot.channels.zalo_api import ZaloApi
from tests.helpers.app import serve_task, serving

TG_USER, ZL_USER = 5550101, "zl-5550101"
TOO_MANY = ("error", 429, "Too Many Requests: retry after 1", {"retry_after": 1})


async def faults_used(fake, method: str, then: float = 0.0) -> None:
    """Wait until the faults queued for `method` were all served, then `then` seconds more:
    a slow answer the client gave up on is still being made, and the fake hands the next
    update to it (after its sleep, within its 0.5 s long poll), where it would be lost."""
    for _ in range(1800):
        if not fake._faults[method]:
            break
        await asyncio.sleep(0.05)
    assert not fake._faults[method], f"{method} faults not reached"
    await asyncio.sleep(then)


@pytest.fixture
def quick_timeouts(monkeypatch):
    """Client timeouts of a second or two, so a slow platform is a timeout within a test:
    Telegram's long poll of 1 s with a 1 s request timeout (aiogram then gives getUpdates
    2 s), Zalo's calls capped at 1 s."""
    from aiogram import Dispatcher

    import bot.runner

    start_polling = Dispatcher.start_polling

    async def quick_polling(self, *bots, **kwargs):
        return await start_polling(self, *bots, **{"polling_timeout": 1, **kwargs})

    class QuickTelegramChannel(TelegramChannel):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **{**kwargs, "request_timeout": 1})

    class QuickZaloApi(ZaloApi):
        async def call(self, method, payload=None, *, timeout=None, retries=None):
            return await super().call(
                method, payload, timeout=min(timeout or 1.0, 1.0), retries=retries
            )

    monkeypatch.setattr(Dispatcher, "start_polling", quick_polling)
    monkeypatch.setattr(bot.runner, "TelegramChannel", QuickTelegramChannel)
    monkeypatch.setattr(bot.runner, "ZaloApi", QuickZaloApi)


async def test_telegram_polling_rides_out_429_and_5xx_then_answers(app, database, telegram):
    telegram.fail("getUpdates", TOO_MANY, 502)
    telegram.fail("sendMessage", TOO_MANY, 503)
    async with serving(
        app, database, telegram_bot_token=telegram.token, telegram_api_base=telegram.url
    ):
        await faults_used(telegram, "getUpdates")
        await telegram.say(TG_USER, "/start")
        assert "Xin chào" in await telegram.reply_to(TG_USER, 0, timeout=30)
        assert not serve_task().done()
        await telegram.say(TG_USER, "/help")
        assert "Các lệnh" in await telegram.reply_to(TG_USER, 1)
    assert len(telegram.texts(TG_USER)) == 2  # each once, after the 429 and the 503


async def test_telegram_polling_survives_get_updates_timing_out(
    app, database, telegram, quick_timeouts
):
    telegram.fail("getUpdates", ("sleep", 3))  # the client gives up after 2 s
    async with serving(
        app, database, telegram_bot_token=telegram.token, telegram_api_base=telegram.url
    ):
        await faults_used(telegram, "getUpdates", then=3.8)
        assert not serve_task().done()
        await telegram.say(TG_USER, "/start")
        assert "Xin chào" in await telegram.reply_to(TG_USER, 0, timeout=20)
    assert len(telegram.texts(TG_USER)) == 1


async def test_zalo_polling_rides_out_429_and_a_timeout_then_answers(
    app, database, zalo, quick_timeouts
):
    zalo.fail(
        "getUpdates", ("error", 429, "Too many requests", {"retry_after": 1}), ("sleep", 1.5)
    )  # the client gives up after 1 s
    zalo.fail("sendMessage", ("error", 429, "Too many requests", {"retry_after": 1}), 500)
    async with serving(app, database, zalo_bot_token=zalo.token, zalo_api_base=zalo.url):
        await faults_used(zalo, "getUpdates", then=2.3)
        assert not serve_task().done()
        await zalo.say(ZL_USER, "/start")
        assert "Xin chào" in await zalo.reply_to(ZL_USER, 0, timeout=30)
        assert zalo.received["getUpdates"] >= 3  # two failed, then the one that delivered
    assert len(zalo.texts(ZL_USER)) == 1
    assert zalo.received["sendMessage"] == 3  # 429, 500, then sent


@pytest.mark.slow
async def test_both_channels_through_a_long_burst_of_mixed_faults(
    app, database, telegram, zalo, quick_timeouts
):
    burst = [502, TOO_MANY, ("sleep", 3), 500, TOO_MANY, 503, ("sleep", 2.5), 429, 500]
    telegram.fail("getUpdates", *burst)
    # Zalo's poller doubles its pause after each failure (1, 2, 4, 8 s…): a shorter burst.
    zalo.fail(
        "getUpdates",
        502,
        ("error", 429, "Too many requests", {"retry_after": 5}),
        ("sleep", 2),
        500,
    )
    telegram.fail("setMyCommands", 500)
    telegram.fail("sendChatAction", 502, ("sleep", 3))
    zalo.fail("sendChatAction", 502, ("sleep", 3))
    telegram.fail("sendMessage", TOO_MANY, 500, ("sleep", 0.5), TOO_MANY)
    zalo.fail(
        "sendMessage", ("error", 429, "Too many requests", {"retry_after": 1}), 502, ("sleep", 0.5)
    )
    async with serving(
        app,
        database,
        telegram_bot_token=telegram.token,
        telegram_api_base=telegram.url,
        zalo_bot_token=zalo.token,
        zalo_api_base=zalo.url,
    ):
        await asyncio.gather(
            faults_used(telegram, "getUpdates", then=3.8), faults_used(zalo, "getUpdates", then=3.8)
        )
        assert not serve_task().done()
        for n in range(3):
            await telegram.say(TG_USER + n, "/start")
            await zalo.say(f"{ZL_USER}-{n}", "/start")
        for n in range(3):
            assert "Xin chào" in await telegram.reply_to(TG_USER + n, 0, timeout=60)
            assert "Xin chào" in await zalo.reply_to(f"{ZL_USER}-{n}", 0, timeout=60)
        assert not serve_task().done()
    for n in range(3):
        assert len(telegram.texts(TG_USER + n)) == 1
        assert len(zalo.texts(f"{ZL_USER}-{n}")) == 1
