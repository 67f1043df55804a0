"""The web desk under test: served on a free local port by the bot's own code, logged into
by a real one-time link, and driven by a real browser (headless Chromium through Playwright)
or by a plain HTTP client.

    async with desk_server(app) as desk:
        browser_page = await desk.browser_login("DEMO001")   # a logged-in Chromium page
        client = await desk.client_login("DEMO001")          # a logged-in aiohttp session
"""

import dataclasses
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web

from bot.app import App
from bot.desk import mount
from bot.runner import UPLOAD_MAX
from handlers.services.desk import login_link
from storage.enums import Role
from storage.repo import Repo
from storage.types import utcnow
from tests.helpers.app import free_port

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def need_browser() -> None:
    """Skip (with the reason) where no real browser can run."""
    if CHROMIUM is None:
        pytest.skip("no Chromium installed (apt-get install chromium): the desk's browser tests")
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        pytest.skip("Playwright is not installed (pip install -e '.[dev]')")


async def set_role(app: App, code: str, role: Role, unit_code: str | None = None) -> None:
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        official = await repo.officials.by_code(code)
        official.role = role
        if unit_code is not None:
            official.unit = await repo.officials.unit_by_code(unit_code)


@dataclass
class Desk:
    app: App  # the app as the desk sees it (desk_url pointing at the test server)
    url: str  # http://127.0.0.1:PORT
    stack: AsyncExitStack
    _browser: object = None
    pages: list = field(default_factory=list)

    async def link(self, code: str, next_path: str | None = None) -> str:
        """A fresh one-time login URL for the official with this code."""
        async with self.app.sessionmaker() as session, session.begin():
            repo = Repo(session)
            official = await repo.officials.by_code(code)
            return await login_link(
                repo,
                official,
                base_url=self.url,
                now=utcnow(),
                actor="test",
                next_path=next_path,
            )

    async def browser(self):
        """The headless Chromium (one per desk), skipping the test where there is none."""
        if self._browser is None:
            need_browser()
            from playwright.async_api import async_playwright

            playwright = await self.stack.enter_async_context(async_playwright())
            self._browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            self.stack.push_async_callback(self._browser.close)
        return self._browser

    async def browser_login(self, code: str):
        """A new browser context (its own cookies) logged in as `code`: the link opened, the
        «Đăng nhập» button clicked. Returns the Playwright page, on the overview."""
        context = await (await self.browser()).new_context(accept_downloads=True)
        page = await context.new_page()
        await page.goto(await self.link(code))
        await page.click("#login")
        await page.wait_for_load_state()
        return page

    async def client_login(self, code: str) -> aiohttp.ClientSession:
        """A plain HTTP client logged in as `code` (for what needs no browser)."""
        client = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.stack.push_async_callback(client.close)
        async with client.post(await self.link(code)) as response:
            assert response.status == 200, await response.text()
        return client

    async def csrf(self, client: aiohttp.ClientSession, path: str = "/desk/") -> str:
        """The CSRF token the pages of this client's session carry in their forms."""
        async with client.get(self.url + path) as response:
            return CSRF.search(await response.text()).group(1)


@asynccontextmanager
async def desk_server(app: App) -> AsyncIterator[Desk]:
    """The desk as the bot serves it (bot.desk.mount), on 127.0.0.1 and a free port."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = app.settings.model_copy(update={"desk_base_url": url})
    app = dataclasses.replace(
        app, settings=settings, conversation=app.conversation.with_options(desk_url=url)
    )
    web_app = web.Application(client_max_size=UPLOAD_MAX)  # as the bot's server
    mount(web_app, app)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    async with AsyncExitStack() as stack:
        stack.push_async_callback(runner.cleanup)
        await web.TCPSite(runner, "127.0.0.1", port).start()
        yield Desk(app, url, stack)
