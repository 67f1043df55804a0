"""Files published at an unguessable public URL, for platforms that take photos only by URL
(Zalo). Served by the bot's HTTP server under `/files/`, wherever it has a public address
(`Settings.files_url`: WEBHOOK_BASE_URL, or a public DESK_BASE_URL in polling mode)."""

import re
import secrets
import shutil
import time
from pathlib import Path

from aiohttp import web

ROUTE = "/files/{name}"
NAME = re.compile(r"^[A-Za-z0-9_-]{20,}\.[a-z0-9]{1,5}$")
KEEP_SECONDS = 7 * 24 * 3600  # long enough for a user to open the message a week later


class FileShelf:
    def __init__(self, folder: Path, base_url: str):
        self.folder = folder
        self.base_url = base_url.rstrip("/")

    def register(self, web_app: web.Application) -> None:
        web_app.router.add_get(ROUTE, self._serve)

    def publish(self, path: str) -> str:
        """Copy the file onto the shelf and return its public URL."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._forget_old()
        suffix = (Path(path).suffix.lower() or ".bin")[:6]
        name = f"{secrets.token_urlsafe(24)}{suffix}"
        shutil.copyfile(path, self.folder / name)
        return f"{self.base_url}/files/{name}"

    def _forget_old(self) -> None:
        cutoff = time.time() - KEEP_SECONDS
        for old in self.folder.iterdir():
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        path = self.folder / name
        if not NAME.match(name) or not path.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(path)
