"""The summary workbook at scale on SQLite: `python -m bot export --out FILE.xlsx` for the
whole set (the whole-scope workbook: Tổng hợp, Cán bộ, Khóa học as one row per official with
the counts of verified courses by category, Đánh giá) and for one unit (the full course list),
each in a child process; wall time, CPU and peak memory (the child's own VmHWM, read as it
exits), the file's size and each sheet's rows. Goal (issue 18): the whole set in < 60 s and
< 500 MB peak RSS.

Run: .venv/bin/python bench/generate.py --sqlite /tmp/bench_workbook.db     (once; ~2 min)
     .venv/bin/python bench/workbook.py [--database /tmp/bench_workbook.db] [--unit U0001]
"""

import argparse
import sys
import tempfile
import time

from common import loadavg
from indicators import export


def main(args) -> None:
    url = f"sqlite+aiosqlite:///{args.database}"
    print(f"workbook on {url}; load average {loadavg()}")
    with tempfile.TemporaryDirectory() as folder:
        if args.unit:
            export(url, folder, "--unit", args.unit)
        export(url, folder)
    print(f"load average after: {loadavg()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="/tmp/bench_workbook.db", help="SQLite file")
    parser.add_argument("--unit", default="U0001", help="also one unit's workbook ('' for none)")
    started = time.monotonic()
    main(parser.parse_args())
    print(f"total bench time {time.monotonic() - started:.0f} s", file=sys.stderr)
