"""A platform that cannot be reached, or answers garbage: the other channel serves meanwhile,
`status` says what is wrong, and the token is nowhere in what the operator sees (log at
DEBUG, status, command-line errors, the outbox's recorded errors)."""

import asyncio
import contextlib
import dataclasses
import json
import os
import signal
import sys
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import select

from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_api import ZaloApi
from bot.delivery import Deliverer
from storage.models import Delivery
from storage.repo import Repo
from tests.helpers import ROOT
from tests.helpers.app import free_port
from tests.helpers.fake_telegram import FakeTelegram
from tests.helpers.fake_zalo import FakeZalo
from tests.helpers.procs import run

TELEGRAM_TOKEN, ZALO_TOKEN = FakeTelegram.token, FakeZalo.token
SECRET_PARTS = [TELEGRAM_TOKEN.split(":")[1], ZALO_TOKEN.split(":")[1]]


BAD_STATUS_LINE = b"HTTP/1.1 2OO NOT-OK\r\nContent-Length: 0\r\n\r\n"
PROXY_PAGE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 22\r\n\r\n"
    b"<html>Maintenance</html>"[:22]
)


@asynccontextmanager
async def garbage_server(reply: bytes = BAD_STATUS_LINE):
    """Answers every request with `reply`: by default a malformed HTTP status line, whose
    aiohttp error carries the request URL, and with it `/bot<TOKEN>/`."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        writer.write(reply)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()


def env_for(tmp_path, **settings) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith(("_TOKEN", "DATABASE_URL", "REDIS_URL", "_API_BASE"))
    }
    return {
        **base,
        "DATABASE_URL": f"sqlite:///{tmp_path}/run.db",
        "STATE_DIR": str(tmp_path / "run"),
        "LOG_LEVEL": "DEBUG",
        **{k.upper(): str(v) for k, v in settings.items()},
    }


def assert_no_secret(text: str) -> None:
    for secret in SECRET_PARTS:
        assert secret not in text


async def status(env: dict, *options: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "status",
        *options,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, stdout.decode(), stderr.decode()


async def wait_for_channels(env: dict, count: int) -> dict:
    """The running process's channels, once `status` lists all of them."""
    for _ in range(60):
        _, shown, _ = await status(env, "--json")
        processes = json.loads(shown)["processes"]
        if processes and len(processes[0]["channels"]) == count:
            return processes[0]["channels"]
        await asyncio.sleep(0.5)
    raise AssertionError("the bot's status never listed its channels")


@pytest.mark.parametrize("broken", ["closed port", "a proxy's HTML page"])
async def test_a_dead_zalo_api_while_telegram_users_are_answered(telegram, tmp_path, broken):
    async with contextlib.AsyncExitStack() as stack:
        if broken == "closed port":
            zalo_base = f"http://127.0.0.1:{free_port()}"  # nothing listens
        else:
            zalo_base = await stack.enter_async_context(garbage_server(PROXY_PAGE))
        await _serve_telegram_beside_a_broken_zalo(telegram, tmp_path, zalo_base)


async def _serve_telegram_beside_a_broken_zalo(telegram, tmp_path, zalo_base: str) -> None:
    env = env_for(
        tmp_path,
        telegram_bot_token=TELEGRAM_TOKEN,
        telegram_api_base=telegram.url,
        zalo_bot_token=ZALO_TOKEN,
        zalo_api_base=zalo_base,
    )
    log_file = tmp_path / "run.log"
    with log_file.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=ROOT, env=env, stdout=log, stderr=log
        )
    try:
        await telegram.say(42, "/start")
        assert "Xin chào" in await telegram.reply_to(42, 0, timeout=30)
        listed = await wait_for_channels(env, 2)
        assert listed["zalo"]["state"] == "retrying" and listed["telegram"]["state"] == "online"
        code, said, _ = await status(env)
        assert code == 1, said
        assert "Telegram: đang hoạt động (long polling, @canbo_test_bot" in said
        assert "Zalo: chưa kết nối được" in said
        second = await asyncio.to_thread(run, "run", env=env)  # started again by mistake
        assert second.returncode == 1
        assert "Đã có tiến trình bot đang chạy (pid" in second.stderr.strip().splitlines()[-1]
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    log = log_file.read_text(encoding="utf-8")
    assert process.returncode == 0, log
    assert "Zalo unreachable" in log and "Traceback" not in log
    assert not list((tmp_path / "run").glob("process-*.json"))  # removed on a clean stop
    code, said, _ = await status(env)
    assert code == 1 and "Không có tiến trình bot nào đang chạy" in said


async def test_garbage_from_both_apis_never_shows_a_token(tmp_path):
    async with garbage_server() as garbage:
        env = env_for(
            tmp_path,
            telegram_bot_token=TELEGRAM_TOKEN,
            telegram_api_base=garbage,
            zalo_bot_token=ZALO_TOKEN,
            zalo_api_base=garbage,
        )
        log_file = tmp_path / "run.log"
        with log_file.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=ROOT, env=env, stdout=log, stderr=log
            )
        try:
            for _ in range(300):
                text = log_file.read_text(encoding="utf-8")
                if "Telegram unreachable" in text and "Zalo unreachable" in text:
                    break
                await asyncio.sleep(0.1)
            await wait_for_channels(env, 2)
            _, said, logged = await status(env)
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 30)
        log = log_file.read_text(encoding="utf-8")
        assert "Telegram unreachable" in log and "Zalo unreachable" in log, log
        assert "/bot***/" in log  # the URL is still there to read, without its token
        assert "DEBUG" in log
        assert_no_secret(log)
        assert "chưa kết nối được" in said
        assert_no_secret(said + logged)

        for channel in ("telegram", "zalo"):
            result = await asyncio.to_thread(run, "webhook", "info", "--channel", channel, env=env)
            assert result.returncode == 1
            assert result.stderr.strip(), result
            assert_no_secret(result.stdout + result.stderr)


async def test_garbage_answers_leave_no_token_in_the_outbox(app, tmp_path):
    async with garbage_server() as garbage:
        telegram = TelegramChannel(
            app.conversation, TELEGRAM_TOKEN, api_base=garbage, menu=[], request_timeout=5
        )
        zalo = ZaloChannel(app.conversation, ZaloApi(ZALO_TOKEN, api_base=garbage, retries=1))
        async with app.sessionmaker() as session, session.begin():
            repo = Repo(session)
            for code, platform in (("DEMO002", "telegram"), ("DEMO003", "zalo")):
                official = await repo.officials.by_code(code)
                await repo.accounts.link(official, platform, f"u-{code}", f"c-{code}")
                await repo.deliveries.enqueue(f"t:{code}", official.id, "Tin thử", due_at=None)
        deliverer = Deliverer(
            app.sessionmaker,
            {"telegram": telegram, "zalo": zalo},
            dataclasses.replace(app.conversation.options, quiet=(0, 0)),
        )
        try:
            assert await deliverer.run_once() == 2
        finally:
            await telegram.bot.session.close()
            await zalo.api.close()
    async with app.sessionmaker() as session:
        errors = list(await session.scalars(select(Delivery.last_error)))
    assert len(errors) == 2 and all(errors), errors
    assert all("/bot***/" in error for error in errors), errors
    for error in errors:
        assert_no_secret(error)


async def test_polling_that_fails_after_start_shows_until_it_works_again(app, zalo):
    channel = ZaloChannel(
        app.conversation, ZaloApi(zalo.token, api_base=zalo.url, retries=1), poll_timeout=1
    )
    try:
        assert await channel.start(None) is None
        assert channel.health.state == "online"
        zalo.fail("getUpdates", 502, 502)  # the API falls over for two polls
        for _ in range(50):
            if channel.health.state == "retrying":
                break
            await asyncio.sleep(0.1)
        assert channel.health.state == "retrying" and "502" in channel.health.last_error
        for _ in range(100):  # polling again after 1 s, then 2 s: back
            if channel.health.state == "online":
                break
            await asyncio.sleep(0.1)
        assert channel.health.state == "online"
    finally:
        await channel.stop()
