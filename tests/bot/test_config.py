"""Configuration: every contract setting, sensible defaults, one clear line when wrong."""

import pytest

from bot.config import ConfigError, load_settings


def settings(**values):
    return load_settings(_env_file=None, **values)


def test_defaults():
    s = settings()
    assert s.database_url == "sqlite+aiosqlite:///data/canbo.db"
    assert s.timezone == "Asia/Ho_Chi_Minh" and s.zone.key == "Asia/Ho_Chi_Minh"
    assert s.telegram_bot_token is None and s.zalo_bot_token is None
    assert not s.has_platform_token
    assert (s.rate_limit_per_minute, s.rate_limit_stranger_per_minute) == (20, 6)
    assert s.retention_days == 90


def test_message_limits_and_retention_reach_the_conversation(monkeypatch):
    from bot.app import options_from

    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "30")
    monkeypatch.setenv("RATE_LIMIT_STRANGER_PER_MINUTE", "0")
    monkeypatch.setenv("RETENTION_DAYS", "30")
    options = options_from(settings())
    assert options.rate_limit_per_minute == 30 and options.rate_limit_stranger_per_minute == 0
    assert options.retention_days == 30


@pytest.mark.parametrize(
    ("values", "files_url"),
    [
        ({}, None),  # polling on the server's own machine
        ({"desk_base_url": "http://localhost:8080"}, None),
        ({"desk_base_url": "http://127.0.0.1:8080"}, None),
        ({"desk_base_url": "http://192.168.1.20:8080"}, None),  # the office network
        ({"desk_base_url": "http://10.0.0.5"}, None),
        ({"desk_base_url": "http://[::1]:8080"}, None),
        ({"desk_base_url": "http://maychu-xa:8080"}, None),  # a machine's name, no domain
        ({"desk_base_url": "http://canbo.local"}, None),
        ({"desk_base_url": "https://canbo.xa-silolau.vn"}, "https://canbo.xa-silolau.vn"),
        ({"desk_base_url": "http://203.113.131.5:8080"}, "http://203.113.131.5:8080"),
        (
            {"webhook_base_url": "https://bot.example.vn", "webhook_secret": "s3cret-123"},
            "https://bot.example.vn",
        ),
    ],
)
def test_photos_are_published_only_where_a_platform_can_fetch_them(values, files_url):
    """Zalo fetches a chart by URL: only from an address on the internet, else the chart is
    kept on the desk and linked."""
    from bot.app import options_from

    s = settings(**values)
    assert s.files_url == files_url
    assert options_from(s).photos_by_link == (frozenset() if files_url else {"zalo"})


def test_bare_schemes_get_async_drivers_and_tokens_stay_secret():
    s = settings(
        database_url="postgresql://canbo:pw@db.local:5432/canbo",
        telegram_bot_token="123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
        zalo_bot_token="3512345678901234567:abcdefghijklmnopqrstuvwxyz",
    )
    assert s.database_url == "postgresql+asyncpg://canbo:pw@db.local:5432/canbo"
    assert "AAHdq" not in repr(s) and "abcdefgh" not in repr(s)
    assert s.has_platform_token


def test_environment_and_blank_values(monkeypatch):
    monkeypatch.setenv("TIMEZONE", "Asia/Bangkok")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    s = settings()
    assert s.timezone == "Asia/Bangkok" and s.telegram_bot_token is None


def test_a_roster_sent_in_chat_has_limits_an_operator_can_change(monkeypatch):
    from bot.app import options_from

    s = settings()
    assert (s.roster_max_bytes, s.roster_max_rows, s.job_workers) == (5 * 1024 * 1024, 50_000, 1)
    monkeypatch.setenv("ROSTER_MAX_BYTES", "1048576")
    monkeypatch.setenv("ROSTER_MAX_ROWS", "2000")
    options = options_from(settings())
    assert (options.roster_max_bytes, options.roster_max_rows) == (1048576, 2000)
    with pytest.raises(ConfigError, match="JOB_WORKERS"):
        settings(job_workers=0)


@pytest.mark.parametrize(
    "values, field",
    [
        ({"database_url": "not a url"}, "DATABASE_URL"),
        ({"database_url": "mysql://root@localhost/x"}, "DATABASE_URL"),
        ({"database_url": "postgresql+asyncpg:///nohost"}, "DATABASE_URL"),
        ({"timezone": "Asia/Hanoi_City"}, "TIMEZONE"),
        ({"telegram_bot_token": "12345"}, "TELEGRAM_BOT_TOKEN"),
        ({"zalo_bot_token": "token with spaces"}, "ZALO_BOT_TOKEN"),
        ({"webhook_secret": "short"}, "WEBHOOK_SECRET"),
        ({"telegram_api_base": "api.telegram.org"}, "TELEGRAM_API_BASE"),
        ({"webhook_port": 70000}, "WEBHOOK_PORT"),
        ({"rate_limit_stranger_per_minute": -1}, "RATE_LIMIT_STRANGER_PER_MINUTE"),
        ({"retention_days": 3}, "RETENTION_DAYS"),
    ],
)
def test_invalid_values_give_one_line_naming_the_setting(values, field):
    with pytest.raises(ConfigError) as error:
        settings(**values)
    message = str(error.value)
    assert message.startswith(f"Cấu hình không hợp lệ: {field}:") and "\n" not in message
