"""A course report's certificate (a photo, or a PDF sent as a document), fetched server-side from the platform it was sent on,
for the desk to show beside the report: on Telegram by its file id (getFile, then the file,
with the bot's token); on Zalo from the photo address the platform gave.

Only images and PDFs are served (recognised by their first bytes, never by what the far side
says), at
most MAX_BYTES, within TIMEOUT. A Zalo address is fetched only from a public address (or the
configured Zalo API server itself), so a forged update cannot make the desk reach into the
server's own network.
"""

import ipaddress
import socket
from dataclasses import dataclass

import aiohttp
from aiogram.exceptions import TelegramAPIError
from aiohttp.resolver import ThreadedResolver
from yarl import URL

from bot.channels.telegram import make_bot
from bot.config import Settings
from storage.models import CourseReport

MAX_BYTES = 10 * 1024 * 1024
TIMEOUT = 15  # seconds, the whole fetch
MAX_REDIRECTS = 3
SIGNATURES = (  # (first bytes, offset, content type)
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),  # after "RIFF" and the size
    (b"%PDF-", 0, "application/pdf"),  # officials often send a scanned certificate as a PDF
)


class Unavailable(Exception):
    """The certificate cannot be shown (none, no token, platform down, too big)."""


class Unsupported(Unavailable):
    """It was fetched but is neither an image nor a PDF."""


@dataclass(frozen=True)
class Certificate:
    """What a report keeps to fetch its certificate again, copied out of the database row
    (the fetch runs after the request's transaction has ended)."""

    platform: str | None
    file_id: str | None
    url: str | None

    @classmethod
    def of(cls, report: CourseReport) -> "Certificate | None":
        if not (report.certificate_file_id or report.certificate_url):
            return None
        return cls(report.certificate_platform, report.certificate_file_id, report.certificate_url)

    def fetchable(self, settings: Settings) -> bool:
        """Whether there is any way to fetch it with these settings."""
        if self.url:
            return URL(self.url).scheme in ("http", "https")
        return self.platform == "telegram" and settings.telegram_bot_token is not None


@dataclass(frozen=True)
class Photo:
    body: bytes
    content_type: str

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


async def fetch(certificate: Certificate, settings: Settings) -> Photo:
    if not certificate.fetchable(settings):
        raise Unavailable("no way to fetch it")
    try:
        if certificate.url:
            body = await _from_url(certificate.url, _origin(settings.zalo_api_base))
        else:
            body = await _from_telegram(certificate.file_id, settings)
    except (aiohttp.ClientError, TelegramAPIError, OSError, TimeoutError, ValueError) as error:
        raise Unavailable(str(error)) from None
    return Photo(body, file_type(body))


def file_type(body: bytes) -> str:
    for signature, offset, content_type in SIGNATURES:
        if body[offset : offset + len(signature)] == signature:
            return content_type
    raise Unsupported("neither an image nor a PDF")


async def _from_telegram(file_id: str, settings: Settings) -> bytes:
    token = settings.telegram_bot_token.get_secret_value()
    async with make_bot(token, settings.telegram_api_base, timeout=TIMEOUT) as telegram:
        file = await telegram.get_file(file_id)
        if (file.file_size or 0) > MAX_BYTES:
            raise Unavailable("too big")
        return (await telegram.download_file(file.file_path, timeout=TIMEOUT)).read()


async def _from_url(url: str, trusted: tuple) -> bytes:
    """GET `url`, following a few redirects, each checked like the first."""
    connector = aiohttp.TCPConnector(resolver=_PublicResolver({trusted[1]}))
    timeout = aiohttp.ClientTimeout(total=TIMEOUT)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        target = URL(url)
        for _ in range(MAX_REDIRECTS + 1):
            _check(target, trusted)
            async with http.get(target, allow_redirects=False) as response:
                if response.status in (301, 302, 303, 307, 308) and response.headers.get(
                    "Location"
                ):
                    target = response.url.join(URL(response.headers["Location"]))
                    continue
                if response.status != 200:
                    raise Unavailable(f"HTTP {response.status}")
                return await _read_limited(response)
    raise Unavailable("too many redirects")


async def _read_limited(response: aiohttp.ClientResponse) -> bytes:
    if (response.content_length or 0) > MAX_BYTES:
        raise Unavailable("too big")
    body = bytearray()
    async for chunk in response.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) > MAX_BYTES:
            raise Unavailable("too big")
    return bytes(body)


def _origin(url: str) -> tuple:
    parsed = URL(url)
    return parsed.scheme, parsed.host, parsed.port


def _check(url: URL, trusted: tuple) -> None:
    """An http(s) address; one written as an IP address (which skips the resolver) must be
    public, unless it is the trusted server's."""
    if url.scheme not in ("http", "https") or not url.host:
        raise Unavailable("not a web address")
    if _origin(str(url)) == trusted:
        return
    if url.host == trusted[1]:
        raise Unavailable("another port of the trusted server")  # it is trusted by name
    try:
        address = ipaddress.ip_address(url.host)
    except ValueError:
        return  # a name: _PublicResolver checks what it resolves to
    if not address.is_global:
        raise Unavailable("not a public address")


class _PublicResolver(ThreadedResolver):
    """Resolves a name to its public addresses only (the trusted hosts as they are)."""

    def __init__(self, trusted_hosts: set):
        super().__init__()
        self.trusted_hosts = trusted_hosts

    async def resolve(self, host: str, port: int = 0, family=socket.AF_INET):
        found = await super().resolve(host, port, family)
        if host in self.trusted_hosts:
            return found
        public = [entry for entry in found if ipaddress.ip_address(entry["host"]).is_global]
        if not public:
            raise OSError(f"{host}: no public address")
        return public
