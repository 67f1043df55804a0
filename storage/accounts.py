"""Channel accounts, one-time invite codes and the record of wrong codes."""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import Role
from storage.models import ChannelAccount, InviteCode, LinkFailure, Official

# No 0/O, 1/I/L: codes are read aloud and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10

# Built once, so SQLAlchemy neither rebuilds the statement nor recomputes its cache key each
# time (0.13 ms a lookup, bench/RESULTS.md section 1).
_FIND = select(ChannelAccount).where(
    ChannelAccount.platform == bindparam("platform"),
    ChannelAccount.external_user_id == bindparam("user"),
)


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


class Redeemed(Enum):
    LINKED = "linked"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    INACTIVE = "inactive"  # the official was deactivated after the code was issued


@dataclass
class Redemption:
    outcome: Redeemed
    account: ChannelAccount | None = None
    invite: InviteCode | None = None
    # The official's earlier accounts on the same platform, unlinked by this one (a new phone).
    replaced: list[ChannelAccount] = field(default_factory=list)


class AccountRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, account_id: int) -> ChannelAccount | None:
        """The account with its official and unit (None if it was unlinked meanwhile)."""
        return await self.session.get(ChannelAccount, account_id)

    async def find(self, platform: str, external_user_id: str) -> ChannelAccount | None:
        return await self.session.scalar(_FIND, {"platform": platform, "user": external_user_id})

    async def of_official(self, official_id: int) -> list[ChannelAccount]:
        rows = await self.session.scalars(
            select(ChannelAccount)
            .where(ChannelAccount.official_id == official_id)
            .order_by(ChannelAccount.platform)
        )
        return list(rows)

    async def platforms(self, official_ids: list[int]) -> dict[int, list[str]]:
        """The platforms each of these officials has an account on, sorted; an official with
        none is left out."""
        if not official_ids:
            return {}
        rows = await self.session.execute(
            select(ChannelAccount.official_id, ChannelAccount.platform)
            .where(ChannelAccount.official_id.in_(official_ids))
            .distinct()
            .order_by(ChannelAccount.official_id, ChannelAccount.platform)
        )
        found: dict[int, list[str]] = {}
        for official_id, platform in rows:
            found.setdefault(official_id, []).append(platform)
        return found

    async def listing(self, official_id: int | None = None) -> list[ChannelAccount]:
        """Linked accounts (with their officials), by official code and platform."""
        query = select(ChannelAccount).join(ChannelAccount.official)
        if official_id is not None:
            query = query.where(ChannelAccount.official_id == official_id)
        rows = await self.session.scalars(
            query.order_by(Official.code, ChannelAccount.platform, ChannelAccount.id)
        )
        return list(rows)

    async def link(
        self,
        official: Official,
        platform: str,
        external_user_id: str,
        chat_id: str,
        display_name: str | None = None,
    ) -> ChannelAccount:
        """Link (or re-link) a platform user to an official."""
        account = await self.find(platform, external_user_id)
        if account is None:
            account = ChannelAccount(platform=platform, external_user_id=external_user_id)
            self.session.add(account)
        account.official = official  # the relationship too, not only the id: read at once
        account.chat_id = chat_id
        account.display_name = display_name
        await self.session.flush()
        return account

    async def create_invite(
        self, official: Official, expires_at: datetime, *, grants_admin: bool = False
    ) -> str:
        """Store a new invite code's hash and return the code; the plain code is never stored."""
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        self.session.add(
            InviteCode(
                code_hash=hash_code(code),
                official_id=official.id,
                grants_admin=grants_admin,
                expires_at=expires_at,
            )
        )
        await self.session.flush()
        return code

    async def invite(self, code: str) -> InviteCode | None:
        return await self.session.scalar(
            select(InviteCode).where(InviteCode.code_hash == hash_code(code))
        )

    async def redeem(
        self,
        code: str,
        now: datetime,
        platform: str,
        external_user_id: str,
        chat_id: str,
        display_name: str | None = None,
    ) -> Redemption:
        invite = await self.invite(code)
        if invite is None:
            return Redemption(Redeemed.UNKNOWN)
        if invite.used_at is not None:
            return Redemption(Redeemed.USED, invite=invite)
        if invite.expires_at <= now:
            return Redemption(Redeemed.EXPIRED, invite=invite)
        if not invite.official.active:
            return Redemption(Redeemed.INACTIVE, invite=invite)
        # Claim the code with a guarded update, so two people racing for one code
        # cannot both win.
        claimed = await self.session.execute(
            update(InviteCode)
            .where(InviteCode.id == invite.id, InviteCode.used_at.is_(None))
            .values(used_at=now)
        )
        if claimed.rowcount != 1:
            return Redemption(Redeemed.USED, invite=invite)
        account = await self.link(
            invite.official, platform, external_user_id, chat_id, display_name
        )
        invite.used_by_account_id = account.id
        if invite.grants_admin:
            invite.official.role = Role.ADMIN
        replaced = [
            a
            for a in await self.of_official(invite.official_id)
            if a.platform == platform and a.id != account.id
        ]
        for old in replaced:
            await self.unlink(old)
        await self.session.flush()
        return Redemption(Redeemed.LINKED, account=account, invite=invite, replaced=replaced)

    async def unlink(self, account: ChannelAccount) -> None:
        """Remove the link: that platform user is a stranger to the bot from now on."""
        await self.session.execute(
            update(InviteCode)
            .where(InviteCode.used_by_account_id == account.id)
            .values(used_by_account_id=None)
        )
        await self.session.delete(account)
        await self.session.flush()

    async def record_failure(self, platform: str, external_user_id: str, now: datetime) -> None:
        self.session.add(LinkFailure(platform=platform, external_user_id=external_user_id, at=now))
        await self.session.flush()

    async def prune_failures(self, before: datetime) -> int:
        """Delete the wrong codes typed before `before`; how many went."""
        result = await self.session.execute(delete(LinkFailure).where(LinkFailure.at < before))
        return result.rowcount

    async def failures_since(
        self, platform: str, external_user_id: str, since: datetime
    ) -> tuple[int, datetime | None]:
        """How many wrong codes this user typed since `since`, and when the oldest of them was."""
        count, oldest = (
            await self.session.execute(
                select(func.count(), func.min(LinkFailure.at)).where(
                    LinkFailure.platform == platform,
                    LinkFailure.external_user_id == external_user_id,
                    LinkFailure.at > since,
                )
            )
        ).one()
        return count, oldest
