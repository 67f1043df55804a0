"""Logging in by a one-time link, logging out, and the check every other request passes:
a live session of an official who may still use the desk, and on a POST the session's CSRF
token. One database transaction per request, committed when the page has been made."""

import secrets

from aiohttp import web

from bot.desk.render import (
    AFTER_COMMIT,
    APP_KEY,
    NOW,
    REPO,
    SESSION,
    VIEWER,
    message,
    page,
    redirect,
)
from handlers.formatting import show_megabytes
from handlers.services.desk import current_session, log_in, log_out
from storage.deliveries import QUEUED_FLAG
from storage.repo import Repo
from storage.types import utcnow

COOKIE = "desk_session"
routes = web.RouteTableDef()

# Sent with every desk response: nothing cached, framed, or leaked in a Referer (login links
# carry their token in the path), and no script or style from elsewhere.
HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


def public(handler):
    """A page reachable without a session (the login link itself)."""
    handler.desk_public = True
    return handler


@web.middleware
async def guard(request: web.Request, handler) -> web.StreamResponse:
    bot = request.app[APP_KEY]
    now = utcnow()
    async with bot.sessionmaker() as db_session, db_session.begin():
        request[REPO], request[NOW] = Repo(db_session), now
        try:
            if getattr(handler, "desk_public", False):
                response = await handler(request)
            else:
                response = await _signed_in(request, handler, now)
        except (web.HTTPNotFound, web.HTTPMethodNotAllowed) as error:
            response = _not_here(request, error)
    if db_session.info.get(QUEUED_FLAG):  # committed pushes (an approval's): sent now
        bot.conversation.outbox.set()
    for call in request.get(AFTER_COMMIT, ()):
        call()
    response.headers.update(HEADERS)
    return response


async def _signed_in(request: web.Request, handler, now) -> web.StreamResponse:
    session = await current_session(request[REPO], request.cookies.get(COOKIE), now)
    if session is None:
        return message(
            request,
            "Chưa đăng nhập",
            "Bạn chưa đăng nhập, hoặc phiên làm việc đã hết (sau 8 giờ không dùng, khi đăng "
            "xuất hoặc khi quyền quản trị thay đổi). Gõ /web trong Zalo hoặc Telegram để nhận "
            "liên kết đăng nhập mới.",
            status=401,
        )
    request[SESSION], request[VIEWER] = session, session.official
    if request.method == "POST":
        try:
            form = await request.post()
        except web.HTTPRequestEntityTooLarge:  # a file past the HTTP server's own limit
            return message(
                request,
                "Tệp quá lớn",
                f"Nội dung gửi lên vượt quá {show_megabytes(request.client_max_size)}, giới "
                "hạn của bàn làm việc, nên chưa được nhận và chưa có gì thay đổi. Hãy chia "
                "tệp thành vài tệp nhỏ hơn.",
                status=413,
            )
        sent = form.get("csrf")
        if not isinstance(sent, str) or not secrets.compare_digest(sent, session.csrf_token):
            return message(
                request,
                "Biểu mẫu đã cũ",
                "Biểu mẫu này không còn hợp lệ (trang đã mở từ lâu hoặc từ nơi khác), nên "
                "chưa có gì được thay đổi. Hãy tải lại trang rồi làm lại.",
                status=403,
            )
    return await handler(request)


@routes.get("/login/{token}")
@public
async def login_page(request: web.Request) -> web.Response:
    """Only a button: opening the link (a chat app's link preview does) does not use it."""
    token = request.match_info["token"]
    if not await request[REPO].desk.link_usable(token, request[NOW]):
        return _link_refused(request)
    return page(request, "login.html")


@routes.post("/login/{token}")
@public
async def login(request: web.Request) -> web.Response:
    done = await log_in(request[REPO], request.match_info["token"], request[NOW])
    if done is None:
        return _link_refused(request)
    response = redirect(done.next_path or "/desk/")
    secure = request.app[APP_KEY].settings.desk_url.startswith("https://")
    response.set_cookie(
        COOKIE, done.cookie, path="/desk", httponly=True, samesite="Strict", secure=secure
    )
    return response


@routes.post("/logout")
async def logout(request: web.Request) -> web.Response:
    await log_out(request[REPO], request[SESSION], request[NOW])
    request[VIEWER] = None
    response = message(
        request,
        "Đã đăng xuất",
        "Bạn đã đăng xuất khỏi bàn làm việc. Gõ /web trong Zalo hoặc Telegram khi cần đăng "
        "nhập lại.",
    )
    response.del_cookie(COOKIE, path="/desk")
    return response


def _not_here(request: web.Request, error: web.HTTPException) -> web.Response:
    """A page that does not exist, or a form's address opened from the history: said in
    Vietnamese, with the way back (the session is not checked: this shows nothing)."""
    return message(
        request,
        "Không có trang này",
        "Địa chỉ này không có trang nào để xem (có thể là địa chỉ của một biểu mẫu đã gửi, mở "
        "lại từ lịch sử trình duyệt). Hãy mở trang từ thanh menu.",
        status=error.status,
    )


def _link_refused(request: web.Request) -> web.Response:
    return message(
        request,
        "Liên kết không dùng được",
        "Liên kết đăng nhập này đã được dùng hoặc đã hết hạn (mỗi liên kết chỉ dùng một lần, "
        "trong 10 phút). Gõ /web trong Zalo hoặc Telegram để nhận liên kết mới.",
        status=403,
    )
