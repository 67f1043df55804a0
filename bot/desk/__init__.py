"""The admins' web desk: server-rendered pages (Jinja2 through aiohttp-jinja2) for the work
that does not fit a phone, served under /desk/ by the bot's own HTTP server.

| path | module |
|---|---|
| /desk/login/…, /desk/logout, the session and CSRF checks | bot/desk/auth.py |
| /desk/ (Tổng quan) and its chart | bot/desk/pages/overview.py |
| /desk/chitieu/N, /desk/chuanop | bot/desk/pages/targets.py |
| /desk/baocao (Báo cáo chờ duyệt) | bot/desk/pages/reviews.py |
| /desk/danhgia (Đánh giá) | bot/desk/pages/evaluations.py |
| /desk/thongbao (Thông báo) | bot/desk/pages/announcements.py |
| /desk/canbo (Cán bộ, mã mời) | bot/desk/pages/officials.py |
| /desk/danhsach (Danh sách upload) | bot/desk/pages/roster.py |
| /desk/taive (Tải về) | bot/desk/pages/downloads.py |

Every page gets `request["repo"]` (one transaction per request, committed when the handler
returns) and `request["viewer"]` (the logged-in official, checked against the current record
on every request); every POST has passed the CSRF check.
"""

from bot.desk.app import desk_app, mount

__all__ = ["desk_app", "mount"]
