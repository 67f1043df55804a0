"""Every length-limited text column holds its limit the same way on SQLite and PostgreSQL: an
over-long value is refused before it reaches the database, or stored shortened where
shortening is harmless. (SQLite ignores VARCHAR lengths; PostgreSQL refuses the statement.)"""

from datetime import date

from sqlalchemy import JSON, Boolean, Date, Enum, Float, Integer, String, Table, select, update
from sqlalchemy.exc import StatementError

from storage import db
from storage.models import Base
from storage.types import TooLong, UtcDateTime, utcnow

# Labels and keys where a shortened value loses nothing that matters.
SHORTENED = {
    "channel_accounts.display_name",  # the platform's display name, shown to admins
    "question_log.folded",  # groups the same question
    "question_log.suggested",  # the ids of suggested entries, shown to admins
    "desk_files.title",  # a file's title on the desk's «Tải về» page
    "desk_files.progress",  # a running export's latest progress line
}


def limited_columns() -> list[tuple[Table, str, int]]:
    """(table, column, limit) for every text column with a length (enums hold fixed values)."""
    return [
        (table, column.name, column.type.length)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(getattr(column.type, "impl", column.type), String)
        and not isinstance(column.type, Enum)
        and getattr(column.type, "length", None)
    ]


def _value(column, parents: dict[str, int]):
    """A valid value for `column` in a row of its own: what the walk needs, nothing more."""
    if column.foreign_keys:
        (key,) = column.foreign_keys
        return parents[key.column.table.name]
    kind = column.type
    if isinstance(kind, Enum):
        return kind.enums[0]
    if isinstance(kind, UtcDateTime):
        return utcnow()
    for python_type, value in (
        (Boolean, False),
        (Integer, 1),
        (Float, 1.0),
        (Date, date.today()),
        (JSON, {}),
        (String, "x"),
    ):
        if isinstance(kind, python_type) or isinstance(getattr(kind, "impl", None), python_type):
            return value
    raise AssertionError(f"no sample value for {column}")


async def _one_row_each(connection) -> dict[str, dict]:
    """One row in every table (parents first): its key columns and values, by table."""
    parents: dict[str, int] = {}
    keys = {}
    for table in Base.metadata.sorted_tables:
        values = {
            c.name: _value(c, parents)
            for c in table.columns
            if not (c.primary_key and c.autoincrement is not False and isinstance(c.type, Integer))
        }
        result = await connection.execute(table.insert().values(values))
        if "id" in table.c:
            parents[table.name] = result.inserted_primary_key[0]
        keys[table.name] = {
            c.name: (parents[table.name] if c.name == "id" else values[c.name])
            for c in table.primary_key.columns
        }
    return keys


def test_the_walk_sees_the_columns_named_in_the_issue():
    names = {f"{table.name}.{column}": limit for table, column, limit in limited_columns()}
    assert names["course_reports.certificate_url"] == 1000
    assert names["channel_accounts.display_name"] == 200
    assert names.keys() >= SHORTENED
    assert len(names) > 40  # every table's, not a few picked by hand


async def test_every_limited_column_refuses_or_shortens_an_overlong_value(database):
    engine = db.create_engine(database.url, **database.engine_kwargs)
    outcomes = {}
    try:
        async with engine.begin() as connection:
            keys = await _one_row_each(connection)
        for table, name, limit in limited_columns():
            column, where = table.c[name], keys[table.name]
            long = "Đ" * (limit + 1)
            row = [table.c[k] == v for k, v in where.items()]
            async with engine.connect() as connection:
                try:
                    async with connection.begin():
                        await connection.execute(update(table).where(*row).values({name: long}))
                        stored = await connection.scalar(
                            select(column).where(
                                *[
                                    table.c[k] == (long if k == name else v)
                                    for k, v in where.items()
                                ]
                            )
                        )
                except StatementError as error:  # anything else (PostgreSQL's own) fails here
                    assert isinstance(error.orig, TooLong), f"{table.name}.{name}: {error}"
                    outcomes[f"{table.name}.{name}"] = "refused"
                    continue
            assert stored is not None and len(stored) <= limit, f"{table.name}.{name}"
            assert stored[:-1] == long[: len(stored) - 1] and stored.endswith("…")
            outcomes[f"{table.name}.{name}"] = "shortened"
    finally:
        await engine.dispose()
    assert {name for name, outcome in outcomes.items() if outcome == "shortened"} == SHORTENED
    assert len(outcomes) == len(limited_columns())


async def test_a_lookup_by_an_overlong_value_finds_nothing_rather_than_failing(database):
    # Only what is written is limited: asking for a 300-character code is no error.
    from storage.models import Official

    engine = db.create_engine(database.url, **database.engine_kwargs)
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(select(Official.id).where(Official.code == "A" * 300))
    finally:
        await engine.dispose()
    assert found is None
