"""Heavy work off the event loop: a roster file imported, a large workbook written.

A handler with heavy work answers at once («Đang xử lý …») and hands the work to a job, which
starts once the update's transaction has committed. The job's heavy part runs in a worker
thread, at most `workers` of them at once (a small server has two cores: one stays with the
event loop, which goes on answering everyone else), on the thread's own event loop and its own
database connection: never inside an update's transaction, never under the per-user lock.
What the job makes is pushed to the chat the update came from when it is ready; while a long
one runs, its latest progress line goes out every `progress_every` seconds.

One job per user at a time: a handler asks `busy` and refuses a second one kindly.
"""

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from handlers.errors import UserError
from handlers.texts import t
from handlers.types import Push, Reply
from storage import db

log = logging.getLogger(__name__)

PROGRESS_EVERY = 10.0  # seconds between two progress lines of a long job


@dataclass(frozen=True)
class Worker:
    """What the heavy part of a job gets in its thread."""

    sessionmaker: async_sessionmaker  # the job's own connection
    # Transactions that only read: on SQLite they do not hold the write lock every update
    # needs, however long they take (an export of many officials).
    reader: async_sessionmaker
    say: Callable[[str], None]  # the job's progress so far, a line for the user


class Job:
    """One running job, as its `run` sees it on the event loop."""

    def __init__(self, jobs: "Jobs"):
        self._jobs = jobs
        self.said: str | None = None  # the latest progress line, set from the worker thread
        self.finished = asyncio.Event()

    def say(self, text: str) -> None:
        self.said = text  # one assignment, safe from the worker thread; the loop reads it

    async def in_worker(self, work: Callable[..., Awaitable[Any]], *args, **kwargs) -> Any:
        """`await work(worker, *args, **kwargs)` in a worker thread, with its own event loop
        and database connection; its result (or its exception) comes back here."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._jobs.pool, self._jobs.in_thread, partial(work, **kwargs), args, self.say
        )


# A job's work on the event loop (downloads, then `job.in_worker(...)`): the replies to push.
Run = Callable[[Job], Awaitable[Reply | list[Reply]]]


class Jobs:
    def __init__(
        self,
        connect: Callable[[], AsyncEngine],
        *,
        workers: int = 1,
        progress_every: float = PROGRESS_EVERY,
    ):
        self.connect = connect  # a new engine on the bot's database, one per job
        self.workers = workers
        self.progress_every = progress_every
        self._pool: ThreadPoolExecutor | None = None
        self._running: dict[str, asyncio.Task] = {}  # by user ("telegram:123")

    @property
    def pool(self) -> ThreadPoolExecutor:
        if self._pool is None:  # made on first use: most processes never run a job
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="job")
        return self._pool

    def busy(self, key: str) -> bool:
        """Whether this user's previous job is still running."""
        return key in self._running

    def start(self, key: str, run: Run, push: Push) -> asyncio.Task:
        task = asyncio.create_task(self._run(run, push))
        self._running[key] = task
        task.add_done_callback(lambda _: self._running.pop(key, None))
        return task

    async def wait(self, key: str | None = None, timeout: float | None = None) -> None:
        """Until the running jobs (this user's, with `key`) have ended and pushed their
        results: at shutdown before the channels close, in the console before it exits."""
        tasks = [task for user, task in self._running.items() if key in (None, user)]
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)

    def in_thread(self, work, args: tuple, say: Callable[[str], None]) -> Any:
        """The heavy part, in a worker thread: a loop and a database engine of its own."""

        async def main():
            engine = self.connect()
            try:
                worker = Worker(db.sessionmaker(engine), db.sessionmaker(db.read_only(engine)), say)
                return await work(worker, *args)
            finally:
                await engine.dispose()

        return asyncio.run(main())

    async def _run(self, run: Run, push: Push) -> None:
        job = Job(self)
        ticking = asyncio.create_task(self._tick(job, push))
        try:
            replies = await run(job)
        except UserError as refused:  # what the user asked cannot be done: said as in chat
            replies = Reply(str(refused))
        except Exception:
            reference = secrets.token_hex(4).upper()
            log.exception("error %s in a background job", reference)
            replies = Reply(t("jobs.failed", reference=reference))
        finally:
            job.finished.set()
            await ticking  # a progress line being sent goes out before the result
        for reply in [replies] if isinstance(replies, Reply) else replies:
            await _push(push, reply)

    async def _tick(self, job: Job, push: Push) -> None:
        """The job's latest progress line every `progress_every` seconds while it runs: none
        for a job that ends sooner, and none twice."""
        shown = None
        while True:
            try:
                await asyncio.wait_for(job.finished.wait(), self.progress_every)
                return
            except TimeoutError:
                pass
            if job.said is not None and job.said != shown:
                shown = job.said
                await _push(push, Reply(shown))


async def _push(push: Push, reply: Reply) -> None:
    try:
        await push(reply)
    except Exception:  # the chat's channel failed: the job's work is done all the same
        log.exception("a background job's reply could not be pushed")
