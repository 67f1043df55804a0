"""Core statements run on SQLite's own connection, inside the session's transaction.

Every update claims its id and writes its conversation state back. Through the async session
each of those statements costs a greenlet switch and SQLAlchemy's execution path, about twenty
times what SQLite takes to run it (bench/RESULTS.md, section 8). On SQLite the connection
already runs on the event loop (storage.db.InlineSQLite), so such a statement is compiled once
here and then sent to the sqlite3 connection directly, in the transaction the session opened:
a rollback still undoes it. What SQLAlchemy would do around it is kept: values pass through
the columns' own types (JSON, UTC timestamps, bounded text), so what is stored is what the ORM
would store; the engine's `before_cursor_execute` listeners see the statement; a driver error
comes as SQLAlchemy's (an OperationalError is "the database is down" to the conversation).
Other databases keep the session's path.
"""

import sqlite3
from collections.abc import Mapping

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ClauseElement


class Prepared:
    """A statement compiled for SQLite once, with its parameters' type conversions."""

    def __init__(self, statement: ClauseElement, dialect: Dialect):
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self.names = tuple(compiled.positiontup or ())
        # The dialect's own form of each type, as SQLAlchemy converts values: a TypeDecorator's
        # generic bind_processor would leave a timestamp to sqlite3's adapter, which writes a
        # whole second without its ".000000" (compared as text, it would sort wrong).
        self.processors = tuple(
            compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in self.names
        )
        # A query's columns as SQLAlchemy would return them (JSON parsed, say).
        columns = statement.selected_columns if hasattr(statement, "selected_columns") else ()
        self.results = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        )

    def run(self, connection: Connection, params: Mapping) -> sqlite3.Cursor:
        """Run on `connection` (the session's, from `connection_of`): its rowcount is read
        from the cursor returned."""
        values = tuple(
            convert(params[name]) if convert else params[name]
            for name, convert in zip(self.names, self.processors, strict=True)
        )
        cursor = connection.connection.driver_connection.sqlite.cursor()
        try:
            if listeners := connection.dispatch.before_cursor_execute:
                listeners(connection, cursor, self.sql, values, None, False)
            return cursor.execute(self.sql, values)
        except sqlite3.Error as error:
            raise DBAPIError.instance(
                self.sql, values, error, sqlite3.Error, dialect=connection.dialect
            ) from error

    def first(self, connection: Connection, params: Mapping) -> tuple | None:
        """The first row of a query run on `connection`, its values converted by their
        columns' types; None when it returns none."""
        row = self.run(connection, params).fetchone()
        if row is None:
            return None
        return tuple(
            convert(value) if convert else value
            for value, convert in zip(row, self.results, strict=True)
        )


async def connection_of(session: AsyncSession) -> Connection | None:
    """The connection of the session's transaction (begun if it was not) when the database
    is SQLite; None on other databases."""
    if session.bind.dialect.name != "sqlite":
        return None
    return (await session.connection()).sync_connection
