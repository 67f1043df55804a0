"""What a handler gets for one incoming update."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from handlers.jobs import Jobs, Run
from handlers.periods import Calendar
from handlers.types import Download, Incoming
from knowledge.answers import KnowledgeBase
from storage.conversations import Link, State
from storage.enums import Role
from storage.models import ChannelAccount, Official
from storage.repo import Repo


@dataclass(frozen=True)
class Options:
    """Settings the conversation needs, filled in by the composition root."""

    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    invite_ttl: timedelta = timedelta(days=7)
    telegram_username: str | None = None
    max_text_length: int = 4000
    # Messages a minute one account gets answered (0: no limit); strangers (not linked) get
    # fewer. The console is someone at the server's own terminal: never limited.
    rate_limit_per_minute: int = 20
    rate_limit_stranger_per_minute: int = 6
    unlimited_channels: frozenset[str] = frozenset({"console"})
    retention_days: int = 90  # see handlers.services.retention
    calendar: Calendar = field(default_factory=Calendar)
    excellent_share: float = 0.20
    self_study_days: int = 60
    # The knowledge folder (None: the packaged one), for work done outside a chat update
    # that reads the plan's data: the scheduler's quarterly road nudge.
    knowledge_dir: Path | None = None
    catch_up_days: int = 7  # announcements this recent reach officials who link later
    quiet: tuple[int, int] = (21, 7)  # no pushes from 21:00 to 07:00 local time
    summaries_dir: Path = Path("data/summaries")  # charts and workbooks sent to admins
    roster_max_bytes: int = 5 * 1024 * 1024  # a roster file sent in chat, checked before download
    roster_max_rows: int = 50_000  # officials in one roster file sent in chat
    desk_url: str = "http://localhost:8080"  # where admins open the web desk (/web)
    desk_keep_days: int = 7  # days a file stays on the desk's «Tải về» page
    # Channels that cannot send a photo from this server: Zalo fetches photos by URL, and
    # without a public address for them (bot.config.Settings.files_url) a chart is kept on
    # the desk and its link sent instead.
    photos_by_link: frozenset[str] = frozenset({"zalo"})

    @property
    def desk_dir(self) -> Path:
        """Where files kept on the desk are written: removed after `desk_keep_days`, not
        after the two days of the other charts and workbooks."""
        return self.summaries_dir / "desk"


class AccountNotRead(RuntimeError):
    """A handler used the account on an update the conversation answered without reading it
    (a question typed outside a form): read it first (`Context.read_account`)."""


@dataclass
class Context:
    incoming: Incoming
    repo: Repo
    state: State
    link: Link | None  # the linked account's id and chat (None: a stranger)
    now: datetime
    options: Options
    knowledge: KnowledgeBase | None = None
    download: Download | None = None  # a received file's bytes
    text: str = ""  # the message text, or the value of the picked choice
    # The value of the choice the user picked (a button, its number, its label typed), or
    # None when they typed something else. Data-changing choices (confirm, skip) look here, so
    # typing a choice's internal value never acts like picking it.
    picked: str | None = None
    args: str = ""  # what follows a command's name
    jobs: Jobs | None = None  # heavy work off the event loop
    started: list[Run] = field(default_factory=list)  # jobs to start once the update commits
    # The linked account as a mapped object, with its official and unit: read when a handler
    # needs it (`read_account`), not for a question about the plan, which is most messages.
    _account: ChannelAccount | None = field(default=None, repr=False)
    _read: bool = field(default=False, repr=False)

    async def read_account(self) -> None:
        """Read the linked account, once per update."""
        if not self._read:
            found = await self.repo.accounts.get(self.link.account_id) if self.link else None
            self.account = found

    @property
    def account(self) -> ChannelAccount | None:
        """The linked account (None: a stranger), once read."""
        if not self._read:
            raise AccountNotRead("the account was not read for this update")
        return self._account

    @account.setter
    def account(self, account: ChannelAccount | None) -> None:
        """The account read, or linked by this update (/start CODE)."""
        self._account, self._read = account, True
        self.link = Link(account.id, account.chat_id) if account is not None else None

    @property
    def user_key(self) -> str:
        """This platform account, as the per-user lock and the jobs know it."""
        return f"{self.incoming.channel}:{self.incoming.user_id}"

    @property
    def job_running(self) -> bool:
        """Whether this user's previous job (an import, an export) is still running."""
        return self.jobs is not None and self.jobs.busy(self.user_key)

    def start_job(self, run: Run) -> None:
        """Run `run` as a background job once this update has committed; what it returns is
        pushed to this chat when ready."""
        self.started.append(run)

    @property
    def linked(self) -> bool:
        """Whether this platform account is linked to an official (active or not)."""
        return self.link is not None

    @property
    def official(self) -> Official | None:
        """The linked official, if the link is still valid (the official is active)."""
        if self.account is None or not self.account.official.active:
            return None
        return self.account.official

    @property
    def is_admin(self) -> bool:
        """A full admin (not a unit admin)."""
        return self.official is not None and self.official.role == Role.ADMIN

    @property
    def is_unit_admin(self) -> bool:
        """A unit admin, who may use unit-admin commands for their own unit only."""
        return self.official is not None and self.official.role == Role.UNIT_ADMIN

    @property
    def actor(self) -> str:
        """Who acts, as written to the audit log."""
        if self.official is not None:
            return f"official:{self.official.code}"
        return f"{self.incoming.channel}:{self.incoming.user_id}"

    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(self.options.timezone)
