"""Run a Python module under cProfile counting the main thread's CPU time (not wall time:
the idle event loop would otherwise top the list), the statistics written to OUT at exit.
With BENCH_PROFILE_WINDOW=1 the profiler starts off: SIGUSR1 turns it on, SIGUSR2 off, so a
benchmark profiles its measured workload only (bench/cost.py does).

The database driver's worker thread (aiosqlite) is not profiled: its CPU shows in /proc, not
here.

Run: .venv/bin/python bench/profiled.py OUT -m bot run [...]
"""

import cProfile
import os
import runpy
import signal
import sys
import time


def main() -> None:
    out, flag, module, *rest = sys.argv[1:]
    if flag != "-m":
        raise SystemExit(__doc__)
    profiler = cProfile.Profile(time.thread_time)
    if os.environ.get("BENCH_PROFILE_WINDOW") == "1":
        signal.signal(signal.SIGUSR1, lambda *_: profiler.enable())
        signal.signal(signal.SIGUSR2, lambda *_: profiler.disable())
    else:
        profiler.enable()
    sys.argv = [module, *rest]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    finally:
        profiler.disable()
        profiler.dump_stats(out)


if __name__ == "__main__":
    main()
