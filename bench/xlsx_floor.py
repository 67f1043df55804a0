"""The least time XlsxWriter needs for a cell: text cells written straight to a constant-memory
workbook, nothing else (no database, no row building), then the file closed (zipped).

The whole-province export (bench/indicators.py) writes about 14 million cells; this prints what
XlsxWriter alone would take for that many, the floor under the export's time on this machine.

Run: .venv/bin/python bench/xlsx_floor.py [--rows 200000] [--cells 14000000]
"""

import argparse
import tempfile
import time
from pathlib import Path

from xlsxwriter import Workbook

# Typical cells of the export: names, units, levels, course names, yes/no.
TEXTS = [
    "CB0012345",
    "Nguyễn Thị Minh Anh",
    "Phòng Văn hóa - Xã hội",
    "Nữ",
    "Có",
    "Không",
    "Đại học",
    "Trung cấp lý luận chính trị",
    "Bồi dưỡng kiến thức quản lý nhà nước",
    "Trường Chính trị tỉnh",
]


def main(args) -> None:
    with tempfile.TemporaryDirectory() as folder:
        book = Workbook(str(Path(folder, "floor.xlsx")), {"constant_memory": True})
        sheet = book.add_worksheet()
        started = time.perf_counter()
        for row in range(args.rows):
            for column, text in enumerate(TEXTS):
                sheet.write_string(row, column, text)
        written = time.perf_counter()
        book.close()
        closed = time.perf_counter()
    cells = args.rows * len(TEXTS)
    per_cell = (closed - started) / cells
    print(
        f"{cells:,} text cells: write {written - started:.1f} s, close (zip) "
        f"{closed - written:.1f} s = {per_cell * 1e6:.2f} µs a cell"
    )
    print(f"{args.cells:,} cells at that rate: {per_cell * args.cells:.0f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--cells", type=int, default=14_000_000, help="cells to extrapolate to")
    main(parser.parse_args())
