"""Secrets never leave the process as text: the one place that removes them from error
texts (deliveries' last error, start-up and command-line errors) and from every log line.

Bot API URLs carry the token (`…/bot<TOKEN>/getMe`), and aiohttp puts the request URL into
the text of its errors (a malformed response, a header too long); so a token can surface in
any exception's text. Both the URL's `/bot…/` part and anything shaped like a bot token are
masked, and the configured secrets themselves wherever they appear."""

import logging
import re

MASK = "***"
# …/bot<TOKEN>/method; not a file named bot.db in a database URL (nothing after it)
_BOT_PATH = re.compile(r"/bot[^/\s'\"?#]+(?=/)")
_TOKEN_SHAPE = re.compile(r"\b\d{3,}:[A-Za-z0-9_-]{16,}")  # "<bot id>:<secret>", both platforms
_DESK_LOGIN = re.compile(r"/desk/login/[A-Za-z0-9_-]+")  # a one-time login link's token
_secrets: set[str] = set()


def keep_secret(*values: str | None) -> None:
    """Mask these values in every text from now on (the settings' tokens and passwords)."""
    _secrets.update(v for v in values if v and len(v) >= 4)


def redact(text: str) -> str:
    text = _BOT_PATH.sub(f"/bot{MASK}", text)
    text = _TOKEN_SHAPE.sub(MASK, text)
    text = _DESK_LOGIN.sub(f"/desk/login/{MASK}", text)
    for secret in _secrets:
        text = text.replace(secret, MASK)
    return text


class RedactingFormatter(logging.Formatter):
    """The whole formatted line, traceback included, masked: whatever a library logs."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for chatty in ("alembic", "bm25s", "matplotlib"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
