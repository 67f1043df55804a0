"""Running the bot as separate processes: the command line as an operator runs it, and against
a fresh PostgreSQL database for the tests that kill or multiply processes."""

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage import db
from tests.helpers import ROOT
from tests.helpers.app import free_port


def run(*args, env=None, stdin="", cwd=None) -> subprocess.CompletedProcess:
    """`python -m bot ARGS` as an operator runs it, without the caller's tokens or database."""
    base = {k: v for k, v in os.environ.items() if not k.endswith(("_TOKEN", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**base, **(env or {})},
        cwd=cwd or ROOT,
    )


@asynccontextmanager
async def fresh_database(admin_url: str):
    """A new, empty PostgreSQL database for processes to share; dropped afterwards."""
    name = f"canbo_{uuid.uuid4().hex[:10]}"
    admin = db.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        await admin.dispose()


def bot_env(**settings: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith(("_TOKEN", "DATABASE_URL", "_API_BASE", "WEBHOOK_BASE_URL"))
    }
    # The HTTP server (webhooks, the desk) runs in every mode: each process on its own port.
    env.update({"WEBHOOK_HOST": "127.0.0.1", "WEBHOOK_PORT": str(free_port())})
    env.update({k.upper(): str(v) for k, v in settings.items()})
    env["LOG_LEVEL"] = "INFO"
    return env


async def cli(*args: str, env: dict[str, str]) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    return stdout.decode()


async def start_bot(*args: str, env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    handle = log.open("wb")
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", *args, cwd=ROOT, env=env, stdout=handle, stderr=handle
    )


async def stop_bot(process: asyncio.subprocess.Process, sig=signal.SIGTERM) -> int:
    if process.returncode is None:
        process.send_signal(sig)
    return await asyncio.wait_for(process.wait(), 30)
