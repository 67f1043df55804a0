"""What is masked in error texts and logs: Bot API paths and token-shaped text, and nothing
that merely looks like a path (a database file named bot.db)."""

from bot.redact import MASK, redact

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def test_a_bot_api_url_loses_its_token():
    text = redact(f"Cannot connect to https://api.telegram.org/bot{TOKEN}/getMe")
    assert TOKEN not in text and f"/bot{MASK}/getMe" in text
    assert TOKEN not in redact(f"the token {TOKEN} in a message")


def test_a_database_file_named_bot_keeps_its_path():
    text = "sqlite+aiosqlite:////srv/canbo/bot.db: database is locked"
    assert redact(text) == text
