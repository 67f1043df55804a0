"""The web desk's rows: one-time login links, browser sessions, files kept for download.
Tokens are stored hashed; the plain token only ever exists in the URL or cookie given out."""

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DeskFile, DeskLink, DeskSession


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class DeskRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def create_link(
        self, official_id: int, expires_at: datetime, next_path: str | None = None
    ) -> str:
        """A new one-time link's token (returned once, stored hashed)."""
        token = new_token()
        self.session.add(
            DeskLink(
                token_hash=hash_token(token),
                official_id=official_id,
                next_path=next_path,
                expires_at=expires_at,
            )
        )
        await self.session.flush()
        return token

    async def use_link(self, token: str, now: datetime) -> DeskLink | None:
        """The link, marked used, if it is unused and unexpired: one conditional UPDATE, so two
        browsers opening it at once cannot both get in."""
        if len(token) > 100:
            return None
        token_hash = hash_token(token)
        used = await self.session.execute(
            update(DeskLink)
            .where(
                DeskLink.token_hash == token_hash,
                DeskLink.used_at.is_(None),
                DeskLink.expires_at > now,
            )
            .values(used_at=now)
        )
        if used.rowcount != 1:
            return None
        return await self.session.scalar(select(DeskLink).where(DeskLink.token_hash == token_hash))

    async def link_usable(self, token: str, now: datetime) -> bool:
        """Whether the link could log in now (without using it)."""
        if len(token) > 100:
            return False
        found = await self.session.scalar(
            select(DeskLink.id).where(
                DeskLink.token_hash == hash_token(token),
                DeskLink.used_at.is_(None),
                DeskLink.expires_at > now,
            )
        )
        return found is not None

    async def open_session(self, official_id: int, now: datetime) -> tuple[str, DeskSession]:
        token = new_token()
        row = DeskSession(
            token_hash=hash_token(token),
            official_id=official_id,
            csrf_token=secrets.token_urlsafe(24),
            created_at=now,
            last_seen_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return token, row

    async def live_session(self, token: str, idle_since: datetime) -> DeskSession | None:
        """The session of this cookie if it has not ended and was used after `idle_since`."""
        if not token or len(token) > 100:
            return None
        return await self.session.scalar(
            select(DeskSession).where(
                DeskSession.token_hash == hash_token(token),
                DeskSession.ended_at.is_(None),
                DeskSession.last_seen_at > idle_since,
            )
        )

    async def end_session(self, row: DeskSession, now: datetime) -> None:
        row.ended_at = now

    async def end_sessions_of(self, official_id: int, now: datetime) -> int:
        """Every open session of this official (the role was taken away, the account revoked)."""
        ended = await self.session.execute(
            update(DeskSession)
            .where(DeskSession.official_id == official_id, DeskSession.ended_at.is_(None))
            .values(ended_at=now)
        )
        return ended.rowcount

    async def add_file(self, row: DeskFile) -> DeskFile:
        row.key = row.key or new_token()
        self.session.add(row)
        await self.session.flush()
        return row

    async def file(self, key: str) -> DeskFile | None:
        if not key or len(key) > 64:
            return None
        return await self.session.scalar(select(DeskFile).where(DeskFile.key == key))

    async def files(self, now: datetime, unit_id: int | None, whole: bool) -> list[DeskFile]:
        """Files not expired, newest first: every one for an admin (`whole`), else those about
        the unit `unit_id`."""
        query = select(DeskFile).where(DeskFile.expires_at > now)
        if not whole:
            query = query.where(DeskFile.unit_id == unit_id)
        return list(await self.session.scalars(query.order_by(DeskFile.created_at.desc())))

    async def running_file_of(self, official_id: int, since: datetime) -> DeskFile | None:
        """This official's file still being made, if one was started after `since`."""
        return await self.session.scalar(
            select(DeskFile)
            .where(
                DeskFile.official_id == official_id,
                DeskFile.status == "running",
                DeskFile.created_at > since,
            )
            .limit(1)
        )

    async def set_progress(self, key: str, text: str) -> None:
        """A running file's progress line (a finished one keeps its own)."""
        await self.session.execute(
            update(DeskFile)
            .where(DeskFile.key == key, DeskFile.status == "running")
            .values(progress=text)
        )

    async def finish_file(self, key: str, status: str, size: int | None, note: str | None) -> None:
        """The file made ("ready", with its size) or not ("failed", `note` saying why)."""
        await self.session.execute(
            update(DeskFile)
            .where(DeskFile.key == key)
            .values(status=status, size=size, progress=note)
        )

    async def prune(self, now: datetime, sessions_before: datetime) -> tuple[list[str], int]:
        """Expired files (their paths returned, for the caller to remove from disk), used or
        expired links, ended or long idle sessions: nothing of the desk grows forever."""
        paths = list(
            await self.session.scalars(select(DeskFile.path).where(DeskFile.expires_at <= now))
        )
        await self.session.execute(delete(DeskFile).where(DeskFile.expires_at <= now))
        links = await self.session.execute(
            delete(DeskLink).where(or_(DeskLink.expires_at <= now, DeskLink.used_at.is_not(None)))
        )
        sessions = await self.session.execute(
            delete(DeskSession).where(
                or_(DeskSession.ended_at.is_not(None), DeskSession.last_seen_at <= sessions_before)
            )
        )
        return paths, links.rowcount + sessions.rowcount
