"""Column types shared by the models."""

from datetime import datetime, timezone

from sqlalchemy import DateTime, String
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.types import TypeDecorator

ELLIPSIS = "…"


class UtcDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite has no timezone-aware type, so without this a value written aware comes back
    naive there and aware on PostgreSQL; code comparing the two would break on one backend.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class TooLong(ValueError):
    """A value longer than its column takes. The conversation refuses such values where they
    are typed; reaching this means one got past that check."""


class Bounded(TypeDecorator):
    """A VARCHAR(length) whose limit holds the same on every backend.

    SQLite ignores the length and PostgreSQL refuses the whole statement, so without this an
    over-long value is stored on one and breaks the update on the other. Written values are
    checked here, before the database: refused (TooLong), or shortened with "…" where the
    column is declared `shorten=True` because a cut value loses nothing that matters (a
    display name). Values compared in a query are not checked: looking up a value too long
    to be stored simply finds nothing.
    """

    impl = String
    cache_ok = True

    def __init__(self, length: int, *, shorten: bool = False):
        super().__init__(length)
        self.length = length
        self.shorten = shorten

    def process_bind_param(self, value, dialect):
        if not isinstance(value, str) or len(value) <= self.length:
            return value
        if self.shorten:
            return value[: self.length - len(ELLIPSIS)] + ELLIPSIS
        raise TooLong(f"{len(value)} characters where at most {self.length} fit")

    def coerce_compared_value(self, op, value):
        return String()


def max_length(column) -> int | None:
    """The most characters a text column takes (`Official.title`, or a table's column)."""
    if isinstance(column, QueryableAttribute):
        column = column.property.columns[0]
    return getattr(column.type, "length", None)
