"""Background jobs (handlers/jobs.py): heavy work in a worker thread with its own database
connection, its result pushed to the chat, a progress line for a long one, a failure said."""

import asyncio
import logging
import threading

from sqlalchemy import func, select

from handlers.errors import UserError
from handlers.types import Reply
from storage.models import Official
from storage.repo import Repo


def pushes() -> tuple[list[str], object]:
    said: list[str] = []

    async def push(reply: Reply) -> None:
        said.append(reply.text)

    return said, push


async def count_officials(worker) -> tuple[int, str]:
    """In the worker: how many officials its own connection sees, and where it runs."""
    async with worker.reader() as session:
        count = await session.scalar(select(func.count()).select_from(Official))
    return count, threading.current_thread().name


async def test_the_work_runs_in_a_worker_thread_with_its_own_connection(app):
    async with app.sessionmaker() as session:
        expected = await Repo(session).officials.count()
    said, push = pushes()

    async def run(job):
        count, thread = await job.in_worker(count_officials)
        return Reply(f"{count} {thread != threading.current_thread().name}")

    await app.conversation.jobs.start("console:A", run, push)
    assert said == [f"{expected} True"]


async def test_the_loop_goes_on_while_the_work_runs(empty_app):
    jobs = empty_app.conversation.jobs
    opened = threading.Event()
    said, push = pushes()

    async def held(worker):
        return "done" if opened.wait(10) else "timed out"

    async def run(job):
        return Reply(await job.in_worker(held))

    task = jobs.start("console:A", run, push)
    assert jobs.busy("console:A") and not jobs.busy("console:B")
    for _ in range(3):  # the loop is free: other work goes on while the job is held
        await asyncio.sleep(0)
    assert not task.done()
    opened.set()
    await task
    assert said == ["done"] and not jobs.busy("console:A")


async def test_a_long_job_says_how_far_it_is_then_its_result(empty_app):
    jobs = empty_app.conversation.jobs
    jobs.progress_every = 0.01
    pushed = asyncio.Event()
    said, push = pushes()

    async def tell(reply: Reply) -> None:
        await push(reply)
        pushed.set()

    async def run(job):
        job.say("⏳ Đã đọc 1.000/2.000 dòng.")
        await asyncio.wait_for(pushed.wait(), 10)  # until the line has gone out
        await asyncio.sleep(0.05)  # several more ticks: the same line is not sent again
        return Reply("Xong.")

    await jobs.start("console:A", run, tell)
    assert said == ["⏳ Đã đọc 1.000/2.000 dòng.", "Xong."]


async def test_a_quick_job_says_only_its_result(empty_app):
    said, push = pushes()

    async def run(job):
        job.say("⏳ Đang làm.")
        return [Reply("Một."), Reply("Hai.")]

    await empty_app.conversation.jobs.start("console:A", run, push)
    assert said == ["Một.", "Hai."]


async def test_a_failed_job_is_told_with_a_reference_that_is_in_the_log(empty_app, caplog):
    said, push = pushes()

    async def broken(worker):
        raise RuntimeError("disk full")

    async def refused(job):
        raise UserError("Bạn không còn quyền quản trị.")

    async def run(job):
        return await job.in_worker(broken)

    with caplog.at_level(logging.ERROR, logger="handlers.jobs"):
        await empty_app.conversation.jobs.start("console:A", run, push)
    (told,) = said
    assert "chưa có thay đổi nào được ghi" in told
    reference = told.rsplit(" ", 1)[-1]
    assert reference in caplog.text and "disk full" in caplog.text
    await empty_app.conversation.jobs.start("console:A", refused, push)
    assert said[-1] == "Bạn không còn quyền quản trị."
