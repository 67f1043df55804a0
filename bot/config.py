"""Configuration from the environment and `.env` (see `.env.example`)."""

import ipaddress
import re
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# Telegram tokens are "<bot id>:<35 url-safe characters>"; Zalo Bot tokens share the
# "<bot id>:<secret>" shape with a secret of varying length.
TELEGRAM_TOKEN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
ZALO_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{16,}$")
WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{8,256}$")

# Drivers the bot runs on, and the async driver a bare scheme stands for.
# What a `python -m bot run` process does (bot.runner.serve): everything, take webhook calls
# only, or plan and send pushes only.
PROCESS_ROLES = ("all", "web", "scheduler")

ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/canbo.db"
    telegram_bot_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    telegram_bot_username: str | None = None
    zalo_bot_token: SecretStr | None = None
    zalo_api_base: str = "https://bot-api.zaloplatforms.com"
    webhook_base_url: str | None = None
    webhook_secret: SecretStr | None = None
    # The bot's own HTTP server (webhooks, and the admins' web desk in every mode).
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    # The address admins open the web desk at (login links from /web point there). Unset:
    # WEBHOOK_BASE_URL, else http://localhost:WEBHOOK_PORT (the server's own machine only).
    desk_base_url: str | None = None
    # Days a file made for admins (a workbook, a chart, a sheet of invite codes) stays on the
    # desk's «Tải về» page: the commune's choice, the plan says nothing of it.
    desk_keep_days: int = Field(default=7, ge=1, le=90)
    timezone: str = "Asia/Ho_Chi_Minh"
    knowledge_dir: Path | None = None
    # Files published for platforms that fetch photos by URL (Zalo), in webhook mode.
    files_dir: Path = Path("data/files")
    # Charts and Excel workbooks made for admins (/tonghop, /chitieu, /xuat); removed after
    # two days.
    summaries_dir: Path = Path("data/summaries")
    # Each running process's state (channels, last planning round), for `python -m bot status`.
    state_dir: Path = Path("data/run")
    invite_ttl_days: int = Field(default=7, ge=1, le=365)
    # A roster file sent in chat: the largest accepted (bytes, checked before it is fetched;
    # Telegram lets bots fetch up to 20 MB) and the most officials in one file. Larger
    # rosters: `python -m bot roster import`.
    roster_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024, le=20 * 1024 * 1024)
    roster_max_rows: int = Field(default=50_000, ge=10, le=1_000_000)
    # Heavy work (a roster import, an export) runs in this many worker threads at once; the
    # event loop keeps answering everyone else meanwhile.
    job_workers: int = Field(default=1, ge=1, le=8)
    demo_user: str = "DEMO001"
    # Quarterly self-evaluation: opens on this day of the quarter's last month, due on this
    # day of the next month; reminders this many days before the deadline.
    eval_open_day: int = Field(default=20, ge=1, le=28)
    eval_due_day: int = Field(default=5, ge=1, le=28)
    eval_reminder_days: str = "3,1"
    # "xuất sắc" above this share of "tốt" in a unit gets a warning (Nghị định 335: 20%).
    excellent_share: float = Field(default=0.20, gt=0, le=1)
    # Officials with no self-study reported for this many days get the monthly nudge.
    self_study_days: int = Field(default=60, ge=7, le=365)
    # An announcement sent within this many days also reaches officials who link their
    # account afterwards (a commune's choice; the plan says nothing of it).
    catch_up_days: int = Field(default=7, ge=0, le=90)
    # Pushes: messages per second per platform; nothing sent in the quiet hours (local time).
    telegram_rate: float = Field(default=25, gt=0, le=30)
    zalo_rate: float = Field(default=10, gt=0, le=100)
    quiet_hours: str = "21-7"
    # Messages a minute one Telegram or Zalo account gets answered; past it one polite note,
    # then silence until the minute passes. Strangers (accounts not linked to an official) get
    # the stricter limit. 0: no limit.
    rate_limit_per_minute: int = Field(default=20, ge=0, le=1000)
    rate_limit_stranger_per_minute: int = Field(default=6, ge=0, le=1000)
    # Days kept: questions from strangers, wrong invite codes typed, conversation states
    # untouched (a form abandoned that long is dropped). Audit log, reports and evaluations
    # are never pruned.
    retention_days: int = Field(default=90, ge=7, le=3650)
    # Past one machine: Redis keeps each user's updates in order across worker processes and
    # shares the send rate. Unset: one process, everything in memory.
    redis_url: str | None = None
    # How often the scheduler plans pushes (seconds).
    scheduler_interval: int = Field(default=300, ge=1, le=3600)
    log_level: str = "INFO"

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_unset(cls, value, info):
        # A line like `TELEGRAM_BOT_TOKEN=` copied from .env.example means "not set".
        if isinstance(value, str) and not value.strip():
            return cls.model_fields[info.field_name].default
        return value.strip() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                "không đúng dạng URL, ví dụ sqlite+aiosqlite:///data/canbo.db"
            ) from None
        driver = ASYNC_DRIVERS.get(url.drivername)
        if driver is None:
            raise ValueError(f"chỉ hỗ trợ SQLite hoặc PostgreSQL, không hỗ trợ '{url.drivername}'")
        if driver.startswith("sqlite") and not url.database:
            raise ValueError("thiếu đường dẫn tệp SQLite, ví dụ sqlite+aiosqlite:///data/canbo.db")
        if driver.startswith("postgresql") and not (url.host or url.query.get("host")):
            raise ValueError("thiếu máy chủ PostgreSQL, ví dụ postgresql+asyncpg://user@host/db")
        return url.set(drivername=driver).render_as_string(hide_password=False)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"múi giờ '{value}' không tồn tại, ví dụ Asia/Ho_Chi_Minh") from None
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _telegram_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not TELEGRAM_TOKEN.match(value.get_secret_value()):
            raise ValueError("token Telegram phải có dạng 123456789:ABC… (lấy từ @BotFather)")
        return value

    @field_validator("zalo_bot_token")
    @classmethod
    def _zalo_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not ZALO_TOKEN.match(value.get_secret_value()):
            raise ValueError(
                "token Zalo Bot phải có dạng 1234567890:abc… (lấy từ Zalo Bot Creator)"
            )
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WEBHOOK_SECRET.match(value.get_secret_value()):
            raise ValueError("cần 8–256 ký tự gồm chữ, số, '_' hoặc '-'")
        return value

    @field_validator("telegram_api_base", "zalo_api_base", "webhook_base_url", "desk_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("phải là địa chỉ http:// hoặc https://")
        return value.rstrip("/") if value else value

    @field_validator("eval_reminder_days")
    @classmethod
    def _reminder_days(cls, value: str) -> str:
        if not re.fullmatch(r"\s*\d{1,2}(\s*,\s*\d{1,2})*\s*", value):
            raise ValueError("cần các số ngày cách nhau bởi dấu phẩy, ví dụ 3,1")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        found = re.fullmatch(r"\s*(\d{1,2})\s*-\s*(\d{1,2})\s*", value)
        if not found or not all(0 <= int(h) <= 23 for h in found.groups()):
            raise ValueError("cần dạng GIỜ_BẮT_ĐẦU-GIỜ_KẾT_THÚC, ví dụ 21-7")
        return value

    @property
    def quiet(self) -> tuple[int, int]:
        start, end = self.quiet_hours.split("-")
        return int(start), int(end)

    @property
    def reminder_days(self) -> tuple[int, ...]:
        return tuple(sorted({int(d) for d in self.eval_reminder_days.split(",")}, reverse=True))

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^rediss?://[^\s]+$", value):
            raise ValueError("phải có dạng redis://máy:cổng/số, ví dụ redis://127.0.0.1:6379/0")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("chọn một trong DEBUG, INFO, WARNING, ERROR")
        return level

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> "Settings":
        if self.webhook_base_url and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET là bắt buộc khi đặt WEBHOOK_BASE_URL")
        return self

    @property
    def desk_url(self) -> str:
        return (
            self.desk_base_url or self.webhook_base_url or f"http://localhost:{self.webhook_port}"
        )

    @property
    def files_url(self) -> str | None:
        """The public address platforms fetch the bot's photos from (Zalo takes photos by URL
        only), served by the bot's HTTP server under /files/: WEBHOOK_BASE_URL (the platforms
        reach it already), else DESK_BASE_URL when the internet can reach it too (polling mode
        on a server with a public name). None when there is none: a chart for Zalo is then
        kept on the desk and its link sent instead."""
        if self.webhook_base_url:
            return self.webhook_base_url
        if self.desk_base_url and is_public(self.desk_base_url):
            return self.desk_base_url
        return None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def secrets(self) -> list[str]:
        """What must never be shown: the tokens, the webhook secret, the passwords in URLs."""
        values = [
            s.get_secret_value()
            for s in (self.telegram_bot_token, self.zalo_bot_token, self.webhook_secret)
            if s is not None
        ]
        for url in (self.database_url, self.redis_url):
            if url and (password := make_url(url.replace("rediss://", "redis://")).password):
                values.append(str(password))
        return values

    @property
    def has_platform_token(self) -> bool:
        return self.telegram_bot_token is not None or self.zalo_bot_token is not None


# Names that only a local network resolves.
LOCAL_SUFFIXES = (".local", ".localhost", ".lan", ".internal", ".home.arpa")


def is_public(url: str) -> bool:
    """Whether a platform's servers, out on the internet, could fetch from `url`: not this
    machine (localhost, 127.x, ::1), not a private, shared or link-local network (10.x,
    172.16-31.x, 192.168.x, 100.64.x, 169.254.x, fc00::/7), not a name without a dot (an
    office machine's name) or one only a local network resolves. Any other name is taken as
    public: whether its DNS points at a public address is for the operator to check."""
    host = (urlsplit(url).hostname or "").lower()
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return "." in host.strip(".") and not host.endswith(LOCAL_SUFFIXES)


class ConfigError(Exception):
    """Configuration that cannot be used; its message is one line for the operator."""


# pydantic's own checks (numbers and their bounds), said in Vietnamese.
_MESSAGES = {
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "less_than": "phải nhỏ hơn {lt}",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "greater_than": "phải lớn hơn {gt}",
    "int_parsing": "phải là một số nguyên",
    "float_parsing": "phải là một số",
    "bool_parsing": "phải là true hoặc false",
}


def _vietnamese(error: dict) -> str:
    template = _MESSAGES.get(error["type"])
    if template is None:
        return error["msg"].removeprefix("Value error, ")
    return template.format(**(error.get("ctx") or {}))


def load_settings(**overrides) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        field = f"{str(first['loc'][0]).upper()}: " if first["loc"] else ""
        message = _vietnamese(first)
        more = f" (và {error.error_count() - 1} lỗi khác)" if error.error_count() > 1 else ""
        raise ConfigError(f"Cấu hình không hợp lệ: {field}{message}{more}") from None
