"""One lock per user, so one user's messages are handled strictly one after another."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class UserLocks:
    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._holders: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] = self._holders.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            # Drop the lock once nobody holds or waits for it, so memory stays flat.
            self._holders[key] -= 1
            if not self._holders[key]:
                del self._holders[key], self._locks[key]
