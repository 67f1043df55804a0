"""What the database part of one update costs on its own, through the project's own session and
repositories, layer by layer: no platform, no conversation, no answer (issue 20).

Each line adds one thing to the line above it, the way an update does them, and prints the mean
CPU time of the whole (the process's own, `time.process_time`) over --rounds updates for one
linked official:

  session       an AsyncSession and its `begin()`, nothing sent (no connection taken)
  transaction   + the connection taken and BEGIN IMMEDIATE ... COMMIT: an update's transaction
  claim         + the update id claimed (what a redelivery stops at)
  question      + the account's id and the state read as plain columns (a question's read)
  state write   + the state written back (a question's new choices)
  form step     the same with the account read as mapped objects, official and unit with it
                (a form's step, a command)

The bare echo bots of bench/cost.py spend 0.2 - 0.9 ms a message in all; these figures are the
floor under canbo-bot's for as long as every update keeps its own durable transaction through
SQLAlchemy's async session.

Run: .venv/bin/python bench/update_floor.py [--rounds 5000]
    [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test]
"""

import argparse
import asyncio
import time

from common import database, seed_officials
from sqlalchemy.ext.asyncio import async_sessionmaker

from storage import db
from storage.repo import Repo

PLATFORM = "zalo"
LAYERS = ("session", "transaction", "claim", "question", "state write", "form step")


async def update(sessionmaker, layer: int, user: str, number: int) -> None:
    """One update's database work, up to `layer` (an index of LAYERS)."""
    async with sessionmaker() as session, session.begin():
        if layer == 0:
            return
        repo = Repo(session)
        await session.connection()
        if layer >= 2:
            await repo.conversations.claim_update(PLATFORM, f"floor-{layer}-{number}")
        if layer >= 3:
            if layer == 5:
                account, state = await repo.conversations.load_with_account(PLATFORM, user)
                assert account.official.unit is not None
            else:
                link, state = await repo.conversations.load(PLATFORM, user)
                assert link is not None
        if layer >= 4:
            state.choices = [["Xem toàn văn", f"/toanvan {number % 7}"]]
            await repo.conversations.save(state)


async def main(args) -> None:
    async with database(args.database_url, prefix="floor") as url:
        (user,) = await seed_officials(url, 1, platform=PLATFORM)
        engine = db.create_engine(url)
        sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
        print(f"{engine.dialect.name}, {args.rounds} updates a line, mean CPU per update:")
        for layer, name in enumerate(LAYERS):
            for number in range(args.rounds // 10):  # warm-up: statements compiled, caches
                await update(sessionmaker, layer, user, -number - 1)
            started = time.process_time()
            for number in range(args.rounds):
                await update(sessionmaker, layer, user, number)
            spent = (time.process_time() - started) / args.rounds * 1000
            print(f"  {name:<12} {spent:.3f} ms")
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5000)
    parser.add_argument("--database-url")
    asyncio.run(main(parser.parse_args()))
