"""Pages and redirects: the Jinja2 environment, its filters, and what every page is given."""

from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlencode

import aiohttp_jinja2
import jinja2
from aiohttp import web

from handlers.formatting import show_date, show_datetime
from handlers.periods import Period, period_label
from handlers.texts import label, t
from storage.models import DeskSession, Official
from storage.repo import Repo

TEMPLATES = Path(__file__).parent / "templates"
APP_KEY = web.AppKey("bot", object)  # the running bot's App
# What the guard (bot/desk/auth.py) gives every request.
REPO = web.RequestKey("repo", Repo)  # one transaction, committed when the page is made
NOW = web.RequestKey("now", datetime)  # the request's time, UTC
SESSION = web.RequestKey("session", DeskSession)  # the logged-in browser (None if not)
VIEWER = web.RequestKey("viewer", Official)  # who is logged in (None if nobody)
# Calls made once the request's transaction has committed (see `after_commit`).
AFTER_COMMIT = web.RequestKey("after_commit", list)

# The menu: (path, title, for full admins only), in the order admins work. Unit admins do not
# see what the chat reserves for admins (/thongbao, a roster file); the pages refuse them too.
NAV = (
    ("/desk/", "Tổng quan", False),
    ("/desk/chuanop", "Chưa nộp", False),
    ("/desk/baocao", "Báo cáo chờ duyệt", False),
    ("/desk/danhgia", "Đánh giá", False),
    ("/desk/thongbao", "Thông báo", True),
    ("/desk/canbo", "Cán bộ", False),
    ("/desk/danhsach", "Danh sách", True),
    ("/desk/kehoachdaotao", "Kế hoạch đào tạo", False),
    ("/desk/taive", "Tải về", False),
)


def setup(desk: web.Application) -> None:
    env = aiohttp_jinja2.setup(
        desk,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(default=True),
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(date=_date, datetime=_datetime, period=_period, label=label)
    env.globals.update(t=t, nav=NAV)


def page(request: web.Request, template: str, status: int = 200, **context) -> web.Response:
    """The template with `context` and what every page shows: who is logged in, the CSRF
    token for its forms, the time zone (filters `date` and `datetime` take it)."""
    session = request.get(SESSION)
    common = {
        "viewer": request.get(VIEWER),
        "csrf": session.csrf_token if session is not None else "",
        "zone": request.app[APP_KEY].conversation.options.timezone,
        "path": request.path,
        "asked": request.query,  # what the page's filters were given, shown in them again
    }
    return aiohttp_jinja2.render_template(template, request, common | context, status=status)


def message(request: web.Request, title: str, text: str, status: int = 200) -> web.Response:
    """A page with one message (a refusal, an expired link, nothing to show)."""
    return page(request, "message.html", status=status, title=title, text=text)


def after_commit(request: web.Request, call) -> None:
    """`call()` once the request's transaction has committed, never if the page failed: a
    background job that reads what the request wrote (as chat handlers start theirs)."""
    request.setdefault(AFTER_COMMIT, []).append(call)


def redirect(path: str, **query) -> web.Response:
    """303 See Other after a POST: the browser then GETs `path`. `query` holds a text key
    or a number, never personal data."""
    location = f"{path}?{urlencode(query)}" if query else path
    return web.Response(status=303, headers={"Location": location})


def _date(value: date | datetime | None, zone=None) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(zone).date() if zone else value.date()
    return show_date(value)


def _datetime(value: datetime | None, zone) -> str:
    return show_datetime(value.astimezone(zone)) if value else "—"


def _period(value: Period | str) -> str:
    return period_label(Period.parse(value) if isinstance(value, str) else value)
