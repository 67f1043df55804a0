"""Indicators at scale, on the database bench/generate.py built (PostgreSQL):

- /tonghop for the whole set and for one unit, as an admin sends it: through the conversation
  (one transaction: the indicator query, the head count, the degree candidates, the message and
  the chart), timed end to end, then its SQL parts alone (storage/indicators.py);
- the full Excel export, `python -m bot export --out FILE.xlsx`, in a child process: wall time
  and peak memory, the child's own VmHWM (peak RSS, /proc/self/status) read as it exits: all
  the process held, not only Python objects. (Not ru_maxrss: a child forked from this large
  process starts with its parent's RSS, which ru_maxrss would report.) Also for one unit.

Run: .venv/bin/python bench/generate.py        (once; a few minutes)
     .venv/bin/python bench/indicators.py [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_indicators]
                                          [--unit U0001] [--repeat 3] [--no-export]
"""

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

from common import ROOT, loadavg
from sqlalchemy import func, select, text

from bot.app import open_app
from bot.config import Settings
from handlers.services.summaries.scope import Scope, when
from handlers.types import Incoming
from knowledge.targets import load_targets
from storage import indicators
from storage.models import CourseReport, Evaluation, Official, Unit
from storage.repo import Repo

# `python -m bot …`, printing the process's peak RSS when it exits.
PEAK_AT_EXIT = (
    "import atexit, runpy, sys\n"
    "atexit.register(lambda: print(next(l for l in open('/proc/self/status')"
    " if l.startswith('VmHWM')).strip(), file=sys.stderr))\n"
    "sys.argv = ['bot', *sys.argv[1:]]\n"
    "runpy.run_module('bot', run_name='__main__', alter_sys=True)\n"
)


async def timed(make, repeat: int) -> tuple[float, float, object]:
    """(first run, median of the next `repeat`, the first run's result)."""
    started = time.perf_counter()
    result = await make()
    first = time.perf_counter() - started
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        await make()
        runs.append(time.perf_counter() - started)
    return first, statistics.median(runs) if runs else first, result


def seconds(first: float, median: float) -> str:
    return f"first {first:.2f} s, then median {median:.2f} s"


async def tonghop(app, args) -> None:
    async with app.sessionmaker() as session:
        counts = [
            await session.scalar(select(func.count()).select_from(model))
            for model in (Unit, Official, CourseReport, Evaluation)
        ]
    print(
        f"data: {counts[0]} units, {counts[1]} officials, {counts[2]} course reports, "
        f"{counts[3]} evaluations"
    )
    for label, words in (("whole set", "/tonghop"), (f"unit {args.unit}", f"/tonghop {args.unit}")):

        async def ask(words=words):
            return await app.conversation.handle(Incoming("bench", "admin", "admin", text=words))

        first, median, replies = await timed(ask, args.repeat)
        head = replies[0].text.splitlines()[0] if replies else "(no reply)"
        photo = any(r.attachment for r in replies)
        print(
            f"/tonghop, {label}: {seconds(first, median)} (reply: {head!r}"
            f"{', with chart' if photo else ', NO chart'})"
        )

    targets, today = load_targets(None), date.today()
    period, as_of = when(today, None, app.conversation.options.calendar)
    async with app.sessionmaker() as session:
        repo = Repo(session)
        unit = await session.scalar(select(Unit).where(Unit.code == args.unit))
        for label, scope_unit in (("whole set", None), (f"unit {args.unit}", unit)):
            basis = Scope(scope_unit, period, as_of, today).basis(targets)
            parts = {
                "indicator query (tally)": lambda b=basis: repo.indicators.tally(targets.specs, b),
                "head count": lambda b=basis: repo.summaries.count_in_scope(b.unit_id),
                "degree candidates count": lambda b=basis: repo.indicators.count_degree_candidates(
                    b, targets.candidates_below, targets.candidates_years, targets.retirement
                ),
            }
            for name, make in parts.items():
                first, median, _ = await timed(make, args.repeat)
                print(f"  {label}, {name}: {seconds(first, median)}")
        if args.explain:
            basis = Scope(None, period, as_of, today).basis(targets)
            query = indicators.tally_query(targets.specs, basis)
            compiled = query.compile(session.bind, compile_kwargs={"literal_binds": True})
            plan = await session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}"))
            print("\n".join(row[0] for row in plan))


def export(url: str, folder: str, *extra: str) -> None:
    out = Path(folder, f"export{'-' + extra[-1] if extra else ''}.xlsx")
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_TOKEN", "DATABASE_URL"))}
    env.update(DATABASE_URL=url, LOG_LEVEL="WARNING", SUMMARIES_DIR=folder, PYTHONPATH=str(ROOT))
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-c", PEAK_AT_EXIT, "export", "--out", str(out), *extra],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    output = (child.stdout.read() + child.stderr.read()).decode().strip().splitlines()
    peak = next((int(line.split()[1]) for line in output if line.startswith("VmHWM")), 0)
    if os.waitstatus_to_exitcode(status) != 0:
        print(f"export {' '.join(extra)} failed: {output[-20:]}")
        return
    print(
        f"export {' '.join(extra) or '(whole set)'}: {wall:.1f} s wall, "
        f"{usage.ru_utime + usage.ru_stime:.1f} s CPU, peak RSS {peak / 1024:.0f} MB (VmHWM), "
        f"file {out.stat().st_size / 2**20:.1f} MB; {output[0]}"
    )
    print(
        "  rows per sheet (header included): "
        + ", ".join(f"{name} {rows:,}" for name, rows in sheet_rows(out))
    )


def sheet_rows(path: Path) -> list[tuple[str, int]]:
    """Each sheet's name and last row, from the workbook's XML (no need to load 1 M rows)."""
    with zipfile.ZipFile(path) as book:
        names = re.findall(r'<sheet name="([^"]+)"', book.read("xl/workbook.xml").decode())
        rows = []
        for number, name in enumerate(names, 1):
            with book.open(f"xl/worksheets/sheet{number}.xml") as sheet:
                head = sheet.read(2048).decode(errors="replace")
            last = re.search(r'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"', head)
            rows.append((name, int(last.group(1) or 1) if last else 0))
    return rows


async def main(args) -> None:
    print(f"indicators on {args.database_url}; load average {loadavg()}")
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, database_url=args.database_url, summaries_dir=folder)
        async with open_app(settings, migrate=False) as app:
            await tonghop(app, args)
        if args.export:
            export(args.database_url, folder, "--unit", args.unit)
            export(args.database_url, folder)
    print(f"load average after: {loadavg()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/bench_indicators"
    )
    parser.add_argument("--unit", default="U0001", help="the unit for the one-unit figures")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs after the first")
    parser.add_argument("--no-export", dest="export", action="store_false")
    parser.add_argument("--explain", action="store_true", help="print the indicator query plan")
    asyncio.run(main(parser.parse_args()))
