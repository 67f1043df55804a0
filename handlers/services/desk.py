"""The web desk's access: one-time login links (from /web in chat and `python -m bot
desk-link`), the sessions they open, and who may use the desk at all.

A link is a random token, stored hashed, valid LINK_TTL and used once; it opens a session whose
cookie is another random token, stored hashed, which ends after IDLE without a request, at
«Đăng xuất», and as soon as its official is no longer an active admin or unit admin (checked on
every request against the current record, as chat commands are).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.errors import UserError
from handlers.texts import t
from storage.enums import Role
from storage.models import DeskSession, Official
from storage.repo import Repo

LINK_TTL = timedelta(minutes=10)
IDLE = timedelta(hours=8)
# A session's last use is written at most this often: not one write per page view.
SEEN_EVERY = timedelta(minutes=1)
DESK_ROLES = (Role.ADMIN, Role.UNIT_ADMIN)


def may_use_desk(official: Official | None) -> bool:
    return official is not None and official.active and official.role in DESK_ROLES


def actor_of(official: Official) -> str:
    """Who acts, as the audit log names them in chat too."""
    return f"official:{official.code}"


async def login_link(
    repo: Repo,
    official: Official,
    *,
    base_url: str,
    now: datetime,
    actor: str,
    next_path: str | None = None,
) -> str:
    """A one-time login URL for this admin; `next_path` (a desk path) opens after login."""
    if not may_use_desk(official):
        raise UserError(t("desk.not_allowed"))
    token = await repo.desk.create_link(official.id, now + LINK_TTL, next_path)
    await repo.audit.record(actor, "desk_link", "official", official.code)
    return f"{base_url.rstrip('/')}/desk/login/{token}"


@dataclass(frozen=True)
class Login:
    cookie: str  # the session cookie's value
    next_path: str | None


async def log_in(repo: Repo, token: str, now: datetime) -> Login | None:
    """The session a login link opens; None if the link is unknown, used, expired, or its
    official may no longer use the desk."""
    link = await repo.desk.use_link(token, now)
    if link is None:
        return None
    official = await repo.officials.get(link.official_id)
    if not may_use_desk(official):
        return None
    cookie, _ = await repo.desk.open_session(official.id, now)
    await repo.audit.record(actor_of(official), "desk_login", "official", official.code)
    return Login(cookie, link.next_path)


async def current_session(repo: Repo, cookie: str | None, now: datetime) -> DeskSession | None:
    """The session of this cookie, if it is live and its official may still use the desk;
    one whose official lost the right is ended here."""
    session = await repo.desk.live_session(cookie or "", now - IDLE)
    if session is None:
        return None
    if not may_use_desk(session.official):
        await repo.desk.end_session(session, now)
        return None
    if now - session.last_seen_at >= SEEN_EVERY:
        session.last_seen_at = now
    return session


async def log_out(repo: Repo, session: DeskSession, now: datetime) -> None:
    await repo.desk.end_session(session, now)
    await repo.audit.record(actor_of(session.official), "desk_logout", "official", None)
