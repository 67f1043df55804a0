"""Tải về: the files kept for admins (handlers/services/desk_files.py), and each one's
download, checked against the viewer's role and unit and audited."""

import unicodedata
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from bot.desk.render import NOW, REPO, VIEWER, message
from handlers.services.desk import actor_of
from handlers.services.desk_files import may_see_file

routes = web.RouteTableDef()


@routes.get("/taive/{key}")
async def download(request: web.Request) -> web.StreamResponse:
    repo, viewer = request[REPO], request[VIEWER]
    row = await repo.desk.file(request.match_info["key"])
    if row is None or row.expires_at <= request[NOW] or not Path(row.path).is_file():
        return message(request, "Không có tệp", _GONE, status=404)
    if not may_see_file(viewer, row):
        return message(request, "Không có quyền", _NOT_YOURS, status=403)
    if row.status != "ready":
        return message(request, "Tệp đang được tạo", _NOT_READY, status=409)
    await repo.audit.record(actor_of(viewer), "download", "desk_file", row.id, note=row.name)
    return web.FileResponse(
        row.path,
        headers={
            "Content-Disposition": f'attachment; filename="{_ascii(row.name)}"; '
            f"filename*=UTF-8''{quote(row.name)}"
        },
    )


def _ascii(name: str) -> str:
    """The name without diacritics, for browsers that ignore `filename*`."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    kept = "".join(c for c in plain if c.isascii() and (c.isalnum() or c in "._- "))
    return kept.strip() or "tep"


_GONE = (
    "Tệp này không còn (đã quá số ngày lưu giữ, hoặc liên kết không đúng). Hãy tạo lại tệp ở "
    "mục Tải về, hoặc gõ lại lệnh trong Zalo/Telegram."
)
_NOT_YOURS = "Tệp này thuộc phạm vi bạn không được xem (đơn vị khác, hoặc toàn xã)."
_NOT_READY = "Tệp đang được tạo; hãy mở mục Tải về để xem tiến độ rồi tải khi xong."
