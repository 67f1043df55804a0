"""The summary workbook at scale on SQLite: `python -m bot export --out FILE.xlsx` for the
whole set (the whole-scope workbook: Tổng hợp, Cán bộ, Khóa học as one row per official with
the counts of verified courses by category, Đánh giá) and for one unit (the full course list),
each in a child process; wall time, CPU and peak memory (the child's own VmHWM, read as it
exits), the file's size and each sheet's rows. Goal (issue 18): the whole set in < 60 s and
< 500 MB peak RSS.

With --sheets, the whole set's workbook is also written in this process with the time each
sheet took (wall and CPU, the sheet's query included) and the closing (zip).

Run: .venv/bin/python bench/generate.py --sqlite /tmp/bench_workbook.db     (once; ~2 min)
     .venv/bin/python bench/workbook.py [--database /tmp/bench_workbook.db] [--unit U0001]
                                        [--sheets]
"""

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from common import loadavg
from indicators import export

from handlers.periods import Calendar
from handlers.services.summaries import layout
from handlers.services.summaries.figures import summarise
from handlers.services.summaries.scope import Scope, when
from handlers.services.summaries.workbook import write_workbook
from knowledge.targets import load_targets
from storage import db
from storage.repo import Repo


async def by_sheet(url: str, folder: str) -> None:
    """The whole set's workbook in this process, timed from one sheet's start to the next."""
    engine = db.create_engine(url)
    marks = [("summary", time.perf_counter(), time.process_time())]

    def mark(what: str) -> None:
        marks.append((what, time.perf_counter(), time.process_time()))

    splice = layout.splice

    def timed_splice(*args) -> None:
        mark("closing (zip)")
        splice(*args)

    layout.splice = timed_splice
    try:
        async with db.sessionmaker(engine)() as session, session.begin():
            today = date.today()
            period, as_of = when(today, None, Calendar())
            repo = Repo(session)
            summary = await summarise(repo, load_targets(), Scope(None, period, as_of, today))
            await write_workbook(
                repo, summary, Path(folder, "sheets.xlsx"), ZoneInfo("Asia/Ho_Chi_Minh"), mark
            )
    finally:
        layout.splice = splice
        await engine.dispose()
    mark("end")
    print("by sheet, in this process (wall, CPU):")
    for (name, wall, cpu), (_, next_wall, next_cpu) in zip(marks, marks[1:], strict=False):
        print(f"  {name:14} {next_wall - wall:5.1f} s, {next_cpu - cpu:5.1f} s")


def main(args) -> None:
    url = f"sqlite+aiosqlite:///{args.database}"
    print(f"workbook on {url}; load average {loadavg()}")
    with tempfile.TemporaryDirectory() as folder:
        if args.unit:
            export(url, folder, "--unit", args.unit)
        export(url, folder)
        if args.sheets:
            asyncio.run(by_sheet(url, folder))
    print(f"load average after: {loadavg()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="/tmp/bench_workbook.db", help="SQLite file")
    parser.add_argument("--unit", default="U0001", help="also one unit's workbook ('' for none)")
    parser.add_argument("--sheets", action="store_true", help="also time each sheet")
    started = time.monotonic()
    main(parser.parse_args())
    print(f"total bench time {time.monotonic() - started:.0f} s", file=sys.stderr)
