"""Core statements run on SQLite's own connection, inside the session's transaction.

Every update claims its id and writes its conversation state back. Through the async session
each of those statements costs a greenlet switch and SQLAlchemy's execution path, about twenty
times what SQLite takes to run it (bench/RESULTS.md, section 8). On SQLite the connection
already runs on the event loop (storage.db.InlineSQLite), so such a statement is compiled once
here and then sent to the sqlite3 connection directly, in the transaction the session opened:
a rollback still undoes it. Values pass through the columns' own types (JSON, UTC timestamps,
bounded text), so what is stored is what the ORM would store. Other databases keep the
session's path (`Prepared.run` is not used for them).
"""

import sqlite3
from collections.abc import Mapping

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ClauseElement


class Prepared:
    """A statement compiled for SQLite once, with its parameters' type conversions."""

    def __init__(self, statement: ClauseElement, dialect: Dialect):
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self.names = tuple(compiled.positiontup or ())
        self.processors = tuple(
            compiled.binds[name].type.bind_processor(dialect) for name in self.names
        )

    def run(self, connection: sqlite3.Connection, params: Mapping) -> sqlite3.Cursor:
        values = tuple(
            convert(params[name]) if convert else params[name]
            for name, convert in zip(self.names, self.processors, strict=True)
        )
        return connection.execute(self.sql, values)


async def sqlite_of(session: AsyncSession) -> sqlite3.Connection | None:
    """The sqlite3 connection of the session's transaction (begun if it was not), or None
    when the database is not SQLite."""
    if session.bind.dialect.name != "sqlite":
        return None
    connection = await session.connection()
    return (await connection.get_raw_connection()).driver_connection.sqlite
