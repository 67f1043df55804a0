"""`python -m bot run` as operators start it: both channels in one process, clean SIGTERM."""

import asyncio
import os
import signal
import socket
import sys

from tests.helpers import ROOT
from tests.helpers.app import free_port


async def test_run_serves_telegram_and_zalo_and_stops_on_sigterm(telegram, zalo, tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.endswith(("_TOKEN", "DATABASE_URL"))},
        "DATABASE_URL": f"sqlite:///{tmp_path}/run.db",
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE": telegram.url,
        "ZALO_BOT_TOKEN": zalo.token,
        "ZALO_API_BASE": zalo.url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await telegram.say(42, "/start")
        await zalo.say("zalo-42", "/start")
        assert "Xin chào" in await telegram.reply_to(42, 0, timeout=30)
        assert "Xin chào" in await zalo.reply_to("zalo-42", 0, timeout=30)
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "Telegram: long polling, bot @canbo_test_bot" in log
    assert "Zalo: long polling, bot tro_ly_nq05" in log
    assert "Traceback" not in log


async def test_run_with_a_refused_token_says_so_in_one_line(telegram, tmp_path):
    telegram.fail("getMe", *[("error", 401, "Unauthorized")] * 2)  # every try: a wrong token
    env = {
        **{k: v for k, v in os.environ.items() if not k.endswith(("_TOKEN", "DATABASE_URL"))},
        "DATABASE_URL": f"sqlite:///{tmp_path}/run.db",
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE": telegram.url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 1
    last = stderr.decode().strip().splitlines()[-1]
    assert last.startswith("Không khởi động được kênh telegram:") and "Unauthorized" in last


async def test_webhook_command_manages_the_registration(zalo, telegram, tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.endswith(("_TOKEN", "DATABASE_URL"))},
        "DATABASE_URL": f"sqlite:///{tmp_path}/run.db",
        "ZALO_BOT_TOKEN": zalo.token,
        "ZALO_API_BASE": zalo.url,
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE": telegram.url,
        "WEBHOOK_BASE_URL": "https://bot.example.vn",
        "WEBHOOK_SECRET": "s3cret-token-123",
    }

    async def webhook(*args) -> str:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "webhook",
            *args,
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0, stderr.decode()
        return stdout.decode()

    assert "https://bot.example.vn/webhook/zalo" in await webhook("set", "--channel", "zalo")
    assert "Đã xóa webhook Telegram" in await webhook("delete", "--channel", "telegram")
    assert '"url"' in await webhook("info", "--channel", "zalo")
    assert zalo.called("setWebhook") == [
        {"url": "https://bot.example.vn/webhook/zalo", "secret_token": "s3cret-token-123"}
    ]
    assert telegram.called("deleteWebhook")


async def run_until_exit(env: dict, tmp_path) -> tuple[int, str]:
    """`python -m bot run` that is expected to stop by itself: its exit code and stderr."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith(("_TOKEN", "DATABASE_URL", "REDIS_URL"))
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=ROOT,
        env={**base, "DATABASE_URL": f"sqlite:///{tmp_path}/run.db", **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
    return process.returncode, stderr.decode()


async def test_a_webhook_port_already_taken_is_one_line_and_touches_nothing(telegram, tmp_path):
    with socket.socket() as taken:  # a second process started by mistake finds its port taken
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, log = await run_until_exit(
            {
                "TELEGRAM_BOT_TOKEN": telegram.token,
                "TELEGRAM_API_BASE": telegram.url,
                "WEBHOOK_BASE_URL": "https://bot.example.vn",
                "WEBHOOK_SECRET": "s3cret-token-123",
                "WEBHOOK_HOST": "127.0.0.1",
                "WEBHOOK_PORT": str(port),
            },
            tmp_path,
        )
    assert code == 1
    assert (
        log.strip()
        .splitlines()[-1]
        .startswith(f"Không mở được cổng HTTP (webhook, bàn làm việc web) 127.0.0.1:{port}:")
    )
    assert "Traceback" not in log
    assert "plan-campaigns" not in log  # the scheduler was never started


async def test_an_unreachable_redis_is_one_line_at_start(telegram, tmp_path):
    code, log = await run_until_exit(
        {
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_API_BASE": telegram.url,
            "REDIS_URL": f"redis://:pa55word@127.0.0.1:{free_port()}/0",
        },
        tmp_path,
    )
    assert code == 1
    last = log.strip().splitlines()[-1]
    assert last.startswith("Không kết nối được Redis redis://:***@127.0.0.1:"), last
    assert "pa55word" not in log and "Traceback" not in log
