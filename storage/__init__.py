"""Persistence: SQLAlchemy models, Alembic migrations and the queries the bot runs.

This layer imports nothing from `bot`, `handlers` or `knowledge`.
"""
