"""Báo cáo chờ duyệt: the pending course reports the viewer may review (admins: all; unit
admins: their unit's officials), oldest first, each with its certificate photo; approve one,
several at once, or reject one with a reason. The rules, audit entries and the official's
notice are handlers/services/reviews.py's, the same as the chat's /duyet and /tuchoi."""

import logging

from aiohttp import web

from bot.desk.certificates import Certificate, Unavailable, Unsupported, fetch
from bot.desk.render import APP_KEY, NOW, REPO, VIEWER, message, page, redirect
from handlers.errors import UserError
from handlers.services import reviews
from handlers.services.desk import actor_of
from handlers.services.reviews import ReviewRefused
from handlers.texts import t
from storage.enums import Role

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

SHOWN = 50  # reports on the page; the next ones appear as these are reviewed
MAX_IDS = 200  # report numbers one form or notice may carry


@routes.get("/baocao")
async def pending_reports(request: web.Request) -> web.Response:
    return await _page(request)


async def _page(
    request: web.Request, refused: tuple[int, str] | None = None, kept: str = ""
) -> web.Response:
    """The list; with `refused` (report number, why) and the reason typed (`kept`) when a
    rejection's reason was refused."""
    repo, viewer, bot = request[REPO], request[VIEWER], request.app[APP_KEY]
    try:
        shown, total = await reviews.waiting(repo, viewer, SHOWN)
    except UserError as denied:  # a unit admin with no unit
        return message(request, t("review.desk_title"), str(denied), status=403)
    catalogue = bot.conversation.knowledge.courses
    rows = [
        {
            "report": report,
            "level": reviews.level_label(report),
            "problem": reviews.problem(report, catalogue),
            "photo": _photo_state(report, bot.settings),
            "own": reviews.own(viewer, report),  # listed, marked: another admin reviews it
        }
        for report in shown
    ]
    if shown:
        await repo.audit.record(
            actor_of(viewer),
            "read_pending_reports",
            "course_report",
            None,
            note="ids:" + ",".join(str(report.id) for report in shown),
        )
    return page(
        request,
        "reviews.html",
        status=400 if refused else 200,
        rows=rows,
        total=total,
        unit=viewer.unit if viewer.role == Role.UNIT_ADMIN else None,
        outcome=None if refused else await _outcome(request),
        none_chosen=request.query.get("error") == "none_chosen",
        refused=refused,
        kept=kept,
        max_reason=reviews.MAX_REASON,
        min_reason=reviews.MIN_REASON,
    )


def _photo_state(report, settings) -> str:
    """Whether the photo is "shown", a "document" (a PDF: linked, as a browser shows no PDF in
    an image box), "unavailable" (no way to fetch it here) or "none" sent."""
    certificate = Certificate.of(report)
    if certificate is None:
        return "none"
    if not certificate.fetchable(settings):
        return "unavailable"
    return "document" if report.certificate_kind == "document" else "shown"


async def _outcome(request: web.Request) -> dict | None:
    """What the last form did, from the redirect's query: numbers only."""
    done = request.query.get("done")
    if done not in ("approved", "rejected"):
        return None
    bot = request.app[APP_KEY]
    refusals = [
        reason
        for number in _numbers(request.query.get("refused"))
        if (
            reason := await reviews.why_not(
                request[REPO],
                request[VIEWER],
                number,
                bot.conversation.knowledge.courses,
                verifying=done == "approved",
            )
        )
    ]
    return {
        "done": done,
        "ids": _numbers(request.query.get("ids")),
        "raised": _numbers(request.query.get("raised")),
        "refusals": refusals,
    }


@routes.post("/baocao/duyet")
async def approve(request: web.Request) -> web.Response:
    """One report (its own button) or several (the ticked boxes): each checked on its own,
    the refused ones left as they are."""
    form = await request.post()
    numbers = _numbers(",".join(v for v in form.getall("report", []) if isinstance(v, str)))
    if not numbers:
        return redirect("/desk/baocao", error="none_chosen")
    bot = request.app[APP_KEY]
    approved, raised, refused = [], [], []
    for number in numbers:
        try:
            done = await reviews.verify(
                request[REPO],
                request[VIEWER],
                number,
                now=request[NOW],
                options=bot.conversation.options,
                catalogue=bot.conversation.knowledge.courses,
            )
        except ReviewRefused:
            refused.append(number)  # why is worked out again when the page shows it
            continue
        approved.append(number)
        if done.raised:
            raised.append(number)
    return redirect("/desk/baocao", done="approved", **_query(approved, raised, refused))


@routes.post("/baocao/tuchoi")
async def reject(request: web.Request) -> web.Response:
    form = await request.post()
    numbers = _numbers(form.get("report"))
    reason = form.get("reason")
    if len(numbers) != 1 or not isinstance(reason, str):
        return redirect("/desk/baocao", error="none_chosen")
    (number,) = numbers
    try:
        reviews.clean_reason(reason)
    except ReviewRefused as refused:  # asked again, with what was typed
        return await _page(request, (number, str(refused)), reason[:2000])
    bot = request.app[APP_KEY]
    try:
        await reviews.reject(
            request[REPO],
            request[VIEWER],
            number,
            reason,
            now=request[NOW],
            options=bot.conversation.options,
        )
    except ReviewRefused:
        return redirect("/desk/baocao", done="rejected", refused=str(number))
    return redirect("/desk/baocao", done="rejected", ids=str(number))


@routes.get("/baocao/{id}/anh")
async def certificate_photo(request: web.Request) -> web.StreamResponse:
    """The photo or PDF, for a report the viewer may review (any other: 404, as if there were
    none). Fetched once the request's transaction has ended (see _FetchedPhoto); what cannot
    be shown is said on a page, in Vietnamese."""
    repo, viewer = request[REPO], request[VIEWER]
    numbers = _numbers(request.match_info["id"])
    report = await repo.reports.get(numbers[0]) if len(numbers) == 1 else None
    if report is None or not reviews.may_review(viewer, report):
        return message(request, t("review.photo_title"), t("review.photo_unavailable"), status=404)
    certificate = Certificate.of(report)
    if certificate is None:
        return message(request, t("review.photo_title"), t("review.photo_unavailable"), status=404)
    await repo.audit.record(actor_of(viewer), "read_certificate", "course_report", report.id)
    return _FetchedPhoto(certificate, request.app[APP_KEY].settings, report.id)


class _FetchedPhoto(web.Response):
    """The photo is fetched when aiohttp sends this response: after the guard has committed
    the request's transaction, so a slow platform holds no database connection."""

    def __init__(self, certificate: Certificate, settings, number: int):
        super().__init__()
        self._certificate, self._settings, self._number = certificate, settings, number

    async def prepare(self, request: web.BaseRequest):
        if self.prepared:
            return await super().prepare(request)
        try:
            photo = await fetch(self._certificate, self._settings)
        except Unavailable as error:
            log.info("certificate of report %s not fetched: %s", self._number, error)
            why = (
                "certificate_unsupported" if isinstance(error, Unsupported) else "photo_unavailable"
            )
            shown = message(request, t("review.photo_title"), t(f"review.{why}"), status=502)
            self.set_status(shown.status)
            self.body, self.content_type, self.charset = shown.body, "text/html", "utf-8"
        else:
            self.body = photo.body
            self.content_type = photo.content_type
            if photo.is_pdf:  # shown in the browser's own viewer, not saved
                name = f"giay-chung-nhan-{self._number}.pdf"
                self.headers["Content-Disposition"] = f'inline; filename="{name}"'
        return await super().prepare(request)


def _numbers(text) -> list[int]:
    """Report numbers from a form or query ("3,12"), in order, each once; anything that is
    not a plain number is dropped (it names no report)."""
    if not isinstance(text, str):
        return []
    numbers = []
    for word in text.split(",")[:MAX_IDS]:
        word = word.strip()
        if word.isascii() and word.isdigit() and len(word) <= 9 and int(word) not in numbers:
            numbers.append(int(word))
    return [n for n in numbers if n > 0]


def _query(approved: list, raised: list, refused: list) -> dict:
    lists = {"ids": approved, "raised": raised, "refused": refused}
    return {key: ",".join(map(str, values)) for key, values in lists.items() if values}
