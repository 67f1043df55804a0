"""Builds a province-to-country sized data set in a fresh PostgreSQL database for
bench/indicators.py: units of ~100 officials, officials with realistic position groups, levels,
genders, ethnicities and birth dates (1965–2000), course reports of every category and status
(2023 to today), and a self-evaluation for most officials for the current rating period.

The schema comes from the migrations (storage.db.upgrade); rows go in with asyncpg COPY
(`copy_records_to_table`), secondary indexes are rebuilt after the load, then VACUUM ANALYZE
(as autovacuum would). Deterministic for a given --seed. Prints the database URL to use.

With --sqlite FILE the same rows go into a fresh SQLite file instead (migrated the same way,
written with the sqlite3 module's executemany in SQLAlchemy's storage formats, then ANALYZE),
for the benchmarks that run on SQLite (bench/workbook.py).

Run: .venv/bin/python bench/generate.py [--officials 300000] [--reports 3000000]
     [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test] [--name bench_indicators]
     .venv/bin/python bench/generate.py --drop        (drops that database)
     .venv/bin/python bench/generate.py --sqlite /tmp/bench_workbook.db
"""

import argparse
import asyncio
import json
import random
import sqlite3
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import asyncpg
import yaml
from common import ROOT, migrate
from sqlalchemy.engine import make_url

from handlers.periods import current_period

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
# fmt: off
SURNAMES = ["Nguyễn"] * 38 + ["Trần"] * 11 + ["Lê"] * 9 + ["Phạm"] * 7 + ["Hoàng"] * 5 + (
    ["Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Giàng", "Sùng", "Lò",
     "Vàng"] * 2)
MIDDLE = {"male": ["Văn", "Đức", "Minh", "Hữu", "Quang", "Thanh", "A"],
          "female": ["Thị", "Thị", "Ngọc", "Thu", "Thanh", "Hồng", "Thị Kim"]}
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Khánh", "Lan",
         "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo",
         "Thắng", "Trang", "Tuấn", "Vân", "Việt", "Xuân", "Yến", "Páo", "Chứ", "Mỷ"]
ETHNIC = ["Kinh"] * 75 + ["Tày"] * 5 + ["Thái"] * 5 + ["Mường"] * 4 + ["Hmông"] * 4 + [
    "Dao"] * 3 + ["Khmer", "Nùng", "Giáy", "Hà Nhì"]
UNIT_KINDS = ["Văn phòng HĐND và UBND", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội",
              "Văn phòng Đảng ủy", "Ủy ban MTTQ", "Trung tâm Phục vụ hành chính công"]
GROUPS = (["leadership", "unit_head", "specialist"], [5, 15, 80])
TITLES = {"leadership": ["Bí thư Đảng ủy", "Phó Bí thư Đảng ủy", "Chủ tịch UBND",
                         "Phó Chủ tịch UBND", "Chủ tịch HĐND", "Phó Chủ tịch HĐND"],
          "unit_head": ["Trưởng phòng", "Phó Trưởng phòng"],
          "specialist": ["Chuyên viên", "Công chức Văn phòng - Thống kê",
                         "Công chức Tài chính - Kế toán", "Công chức Tư pháp - Hộ tịch"]}
EDUCATION = (["trung_cap", "cao_dang", "dai_hoc", "thac_si", "tien_si", None], [4, 6, 74, 14, 1, 1])
THEORY = (["so_cap", "trung_cap", "cao_cap", "cu_nhan", None], [25, 45, 17, 3, 10])
STATE = (["chuyen_vien", "chuyen_vien_chinh", "chuyen_vien_cao_cap", None], [60, 22, 3, 15])
# The last: text a spreadsheet would run as a formula (the export must keep it text).
MAJORS = ["Luật", "Kinh tế", "Quản lý nhà nước", "Kế toán", "Nông nghiệp", "Công nghệ thông tin",
          "Sư phạm", "Xây dựng", "Quản lý đất đai", "=SUM(A1)"]
CATEGORIES = (["digital_self_study", "knowledge_update", "job_position", "defence_security",
               "political_theory", "state_management", "degree", "other"],
              [30, 25, 15, 6, 6, 6, 3, 9])
STATUSES = (["verified", "pending", "rejected", "withdrawn"], [70, 14, 8, 8])
RATINGS = (["xuat_sac", "tot", "hoan_thanh", "khong_hoan_thanh"], [12, 68, 17, 3])
LEVELS = {"degree": ["dai_hoc", "thac_si", "tien_si"], "political_theory": ["so_cap",
          "trung_cap", "cao_cap"], "state_management": ["chuyen_vien", "chuyen_vien_chinh"]}
HOURS = {"degree": 1200, "political_theory": 400, "state_management": 200}
OFFICIAL_COLUMNS = ["id", "code", "full_name", "gender", "ethnicity", "ethnic_minority",
                    "birth_date", "unit_id", "title", "position_group", "is_vice_chair",
                    "education_level", "major", "major_fits_position", "political_theory_level",
                    "state_management_level", "equipped_to_standard", "phone", "active", "role",
                    "nudges", "created_at", "updated_at"]
REPORT_COLUMNS = ["id", "official_id", "category", "course_id", "course_name", "provider",
                  "completed_on", "hours", "level", "certificate_kind", "certificate_file_id",
                  "status", "review_note", "reviewed_by_id", "reviewed_at", "created_at"]
EVALUATION_COLUMNS = ["id", "official_id", "period", "criteria", "general_points", "tasks_assigned",
                      "tasks_completed", "tasks_on_time", "tasks_quality", "task_points",
                      "total_points",
                      "proposed_rating", "status", "confirmed_rating", "reviewer_id", "reviewed_at",
                      "submitted_at", "updated_at"]
# fmt: on


def catalogue() -> dict[str, list[tuple[str | None, str]]]:
    """(course id, name) by category, from the packaged catalogue, plus typed-in names."""
    found: dict[str, list] = {
        c: [(None, f"Lớp bồi dưỡng {c.replace('_', ' ')} cấp xã")] for c in CATEGORIES[0]
    }
    for path in sorted((ROOT / "knowledge/courses").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for course in data["courses"]:
            found[course.get("category", data.get("category"))].append(
                (course["id"], course["name"])
            )
    return found


def officials(rng: random.Random, count: int, units: int) -> list[tuple]:
    rows, day0, span = [], date(1965, 1, 1).toordinal(), date(2000, 12, 31).toordinal()
    for n in range(1, count + 1):
        gender = "male" if rng.random() < 0.58 else "female"
        group = rng.choices(*GROUPS)[0]
        title = rng.choice(TITLES[group])
        ethnicity = rng.choice(ETHNIC)
        theory = (
            rng.choices(*THEORY)[0]
            if group == "specialist"
            else rng.choices(["trung_cap", "cao_cap", "cu_nhan"], [35, 60, 5])[0]
        )
        role = "admin" if n == 1 else "unit_admin" if n % 100 == 2 else "official"
        # fmt: off
        rows.append((
            n, f"CB{n:06d}", f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[gender])} "
            f"{rng.choice(GIVEN)}", gender, ethnicity, ethnicity != "Kinh",
            date.fromordinal(rng.randint(day0, span)), rng.randrange(units) + 1, title, group,
            title.startswith("Phó Chủ tịch"), rng.choices(*EDUCATION)[0], rng.choice(MAJORS),
            rng.random() < 0.92, theory, rng.choices(*STATE)[0], rng.random() < 0.65,
            f"09{rng.randrange(10**8):08d}", rng.random() < 0.97, role, rng.random() < 0.95,
            T0, T0))
        # fmt: on
    return rows


def reports(rng: random.Random, first: int, count: int, officials: int, courses) -> list[tuple]:
    rows, day0, today = [], date(2023, 1, 1).toordinal(), date.today().toordinal()
    categories = rng.choices(*CATEGORIES, k=count)
    statuses = rng.choices(*STATUSES, k=count)
    for n, (category, status) in enumerate(zip(categories, statuses, strict=True), first):
        course_id, name = rng.choice(courses[category])
        completed = date.fromordinal(rng.randint(day0, today))
        created = datetime(
            completed.year, completed.month, completed.day, 3, tzinfo=timezone.utc
        ) + timedelta(days=rng.randrange(20))
        reviewed = status in ("verified", "rejected")
        level = rng.choice(LEVELS[category]) if category in LEVELS else None
        photo = rng.random() < 0.7
        # fmt: off
        rows.append((
            n, rng.randrange(officials) + 1, category, course_id, name,
            "Trường Chính trị tỉnh" if category in LEVELS else "Nền tảng Bình dân học vụ số",
            completed, HOURS.get(category, rng.choice([4, 8, 16, 24, 40])), level,
            "photo" if photo else None, f"AgAC{n:x}" if photo else None, status,
            "Ảnh chứng nhận bị mờ" if status == "rejected" else None, 1 if reviewed else None,
            created + timedelta(days=3) if reviewed else None, created))
        # fmt: on
    return rows


def evaluations(rng: random.Random, count: int, period) -> list[tuple]:
    rows, submitted = [], datetime.combine(period.opens, datetime.min.time(), timezone.utc)
    for n in range(1, count + 1):
        if rng.random() >= 0.92:
            continue  # not submitted
        rating = rng.choices(*RATINGS)[0]
        total = {"xuat_sac": 93, "tot": 80, "hoan_thanh": 60, "khong_hoan_thanh": 40}[rating]
        confirmed = rng.random() < 0.6
        # fmt: off
        rows.append((
            len(rows) + 1, n, period.key, json.dumps({"c1": 5, "c2": 5, "c3": 4}), 25.0, 10, 10, 9,
            9, total - 25.0, float(total), rating, "confirmed" if confirmed else "submitted",
            rating if confirmed else None, 1 if confirmed else None,
            submitted + timedelta(days=10) if confirmed else None,
            submitted + timedelta(days=rng.randrange(14)), submitted))
        # fmt: on
    return rows


async def build(url: str, args) -> None:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    rng = random.Random(args.seed)
    units = max(1, args.officials // 100)
    await connection.execute("SET session_replication_role = replica")  # no FK checks: ids fit
    secondary = await connection.fetch(
        "SELECT i.indexrelid::regclass AS name, pg_get_indexdef(i.indexrelid) AS ddl "
        "FROM pg_index i WHERE i.indrelid::regclass::text IN "
        "('officials', 'course_reports', 'evaluations') AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
    )
    for index in secondary:
        await connection.execute(f"DROP INDEX {index['name']}")

    async def load(table: str, columns: list[str], rows: list[tuple]) -> None:
        await connection.copy_records_to_table(table, records=rows, columns=columns)

    started = time.monotonic()
    await load(
        "units",
        ["id", "code", "name", "active"],
        [
            (n, f"U{n:04d}", f"{UNIT_KINDS[n % len(UNIT_KINDS)]} xã số {n}", True)
            for n in range(1, units + 1)
        ],
    )
    await load("officials", OFFICIAL_COLUMNS, officials(rng, args.officials, units))
    await load(
        "channel_accounts",
        ["platform", "external_user_id", "chat_id", "official_id", "linked_at"],
        [("bench", "admin", "admin", 1, T0)],
    )
    print(f"units {units}, officials {args.officials}: {time.monotonic() - started:.1f} s")
    started, courses = time.monotonic(), catalogue()
    for first in range(1, args.reports + 1, 250_000):
        size = min(250_000, args.reports + 1 - first)
        await load(
            "course_reports", REPORT_COLUMNS, reports(rng, first, size, args.officials, courses)
        )
    print(f"course reports {args.reports}: {time.monotonic() - started:.1f} s")
    started, period = time.monotonic(), current_period(date.today())
    rows = evaluations(rng, args.officials, period)
    await load("evaluations", EVALUATION_COLUMNS, rows)
    print(f"evaluations {len(rows)} for {period.key}: {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    for index in secondary:
        await connection.execute(index["ddl"])
    for table in ("units", "officials", "channel_accounts", "course_reports", "evaluations"):
        await connection.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    print(f"{len(secondary)} secondary indexes rebuilt: {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    await connection.execute("VACUUM ANALYZE")
    print(
        f"VACUUM ANALYZE: {time.monotonic() - started:.1f} s; database size "
        f"{await connection.fetchval('SELECT pg_size_pretty(pg_database_size(current_database()))')}"
    )
    await connection.close()


def sqlite_value(value):
    """A value as SQLAlchemy stores it on SQLite (its Date, DateTime and Boolean formats)."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def build_sqlite(path: str, args) -> None:
    connection = sqlite3.connect(path)
    rng = random.Random(args.seed)
    units = max(1, args.officials // 100)

    def load(table: str, columns: list[str], rows: list[tuple]) -> None:
        marks = ", ".join("?" * len(columns))
        connection.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
            ([sqlite_value(v) for v in row] for row in rows),
        )
        connection.commit()

    started = time.monotonic()
    load(
        "units",
        ["id", "code", "name", "active"],
        [
            (n, f"U{n:04d}", f"{UNIT_KINDS[n % len(UNIT_KINDS)]} xã số {n}", True)
            for n in range(1, units + 1)
        ],
    )
    load("officials", OFFICIAL_COLUMNS, officials(rng, args.officials, units))
    load(
        "channel_accounts",
        ["platform", "external_user_id", "chat_id", "official_id", "linked_at"],
        [("bench", "admin", "admin", 1, T0)],
    )
    print(f"units {units}, officials {args.officials}: {time.monotonic() - started:.1f} s")
    started, courses = time.monotonic(), catalogue()
    for first in range(1, args.reports + 1, 250_000):
        size = min(250_000, args.reports + 1 - first)
        load("course_reports", REPORT_COLUMNS, reports(rng, first, size, args.officials, courses))
    print(f"course reports {args.reports}: {time.monotonic() - started:.1f} s")
    started, period = time.monotonic(), current_period(date.today())
    rows = evaluations(rng, args.officials, period)
    load("evaluations", EVALUATION_COLUMNS, rows)
    print(f"evaluations {len(rows)} for {period.key}: {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    connection.execute("ANALYZE")
    connection.close()
    print(f"ANALYZE: {time.monotonic() - started:.1f} s")


async def main(args) -> None:
    if args.sqlite:
        Path(args.sqlite).unlink(missing_ok=True)
        url = f"sqlite+aiosqlite:///{args.sqlite}"
        started = time.monotonic()
        await migrate(url)
        build_sqlite(args.sqlite, args)
        print(f"generated in {time.monotonic() - started:.0f} s: {url}")
        return
    server = make_url(args.database_url)
    url = server.set(database=args.name).render_as_string(hide_password=False)
    admin = await asyncpg.connect(
        server.set(drivername="postgresql").render_as_string(hide_password=False)
    )
    await admin.execute(f"DROP DATABASE IF EXISTS {args.name} WITH (FORCE)")
    if args.drop:
        print(f"dropped {args.name}")
        return
    await admin.execute(f"CREATE DATABASE {args.name}")
    await admin.close()
    started = time.monotonic()
    await migrate(url)
    await build(url, args)
    print(f"generated in {time.monotonic() - started:.0f} s: {url}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officials", type=int, default=300_000)
    parser.add_argument("--reports", type=int, default=3_000_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--database-url",
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/test",
        help="the PostgreSQL server (its database is only used to connect)",
    )
    parser.add_argument("--name", default="bench_indicators", help="the database to (re)create")
    parser.add_argument("--drop", action="store_true", help="drop the database and stop")
    parser.add_argument("--sqlite", help="write a fresh SQLite file here instead of PostgreSQL")
    asyncio.run(main(parser.parse_args()))
