"""Đánh giá: a period's self-evaluations in the viewer's scope (as the chat's /xemdanhgia),
confirmed at the proposed rating in one go (the rows ticked, or every row waiting), or one at a
time at another rating with a reason (as /xacnhan), with the warning when a unit has too many
«xuất sắc». The rules, audit entries and pushes are the chat's:
handlers/services/evaluation_review.py.

Every form carries, for each row, its id and the state the page showed (`state_of`); a row
confirmed or resubmitted meanwhile, or outside the viewer's unit, is refused by itself and
named in the notice, and the others go ahead.
"""

from dataclasses import dataclass
from datetime import date

from aiohttp import web

from bot.desk.render import APP_KEY, NOW, REPO, VIEWER, message, page, redirect
from handlers.errors import UserError
from handlers.formatting import show_date, show_number
from handlers.periods import Period, current_period, period_label
from handlers.router import record_id
from handlers.services import evaluation_review as review
from handlers.services import ratings
from handlers.services.desk import actor_of
from handlers.services.evaluation_review import Outcome
from handlers.services.ratings import Counts
from handlers.services.summaries.scope import ScopeError, visible_unit
from handlers.texts import label, t
from knowledge.scoring import RATINGS_HIGH_FIRST
from knowledge.vocabulary import Rating
from storage.enums import EvaluationStatus, Role
from storage.models import Evaluation, Official, Unit

routes = web.RouteTableDef()

PAST_PERIODS = 3  # offered in the picker besides the current one and those with evaluations


@dataclass(frozen=True)
class View:
    """What the list shows: one unit (None: every unit, for an admin) in one period."""

    unit: Unit | None
    period: Period

    @property
    def query(self) -> dict[str, str]:
        """The query that shows this view again (after a form is sent)."""
        query = {"quarter": self.period.key}
        if self.unit is not None:
            query["unit"] = self.unit.code
        return query


# -- the list --------------------------------------------------------------------------------


@routes.get("/danhgia")
async def evaluations_page(request: web.Request) -> web.Response:
    repo, viewer = request[REPO], request[VIEWER]
    try:
        view = await _view(request)
    except UserError as refused:
        status = 403 if isinstance(refused, ScopeError) else 400
        return await _list(request, None, [], error=str(refused), status=status)
    unit_id = view.unit.id if view.unit else None  # a unit admin's view has their unit
    evaluations = await repo.evaluations.for_period(view.period.key, unit_id)
    if evaluations:
        await repo.audit.record(
            actor_of(viewer),
            "read_evaluations",
            "evaluation",
            view.period.key,
            note=f"unit:{view.unit.code if view.unit else '*'}",
        )
    return await _list(request, view, evaluations)


@routes.post("/danhgia")
async def confirm_as_proposed(request: web.Request) -> web.Response:
    """Confirm at the proposed rating the rows ticked («pick»), or every row the page showed
    waiting («row», the button «Xác nhận tất cả theo đề xuất»)."""
    form = await request.post()
    field = "row" if form.get("action") == "all" else "pick"
    back = {k: str(form.get(k, ""))[:20] for k in ("quarter", "unit") if form.get(k)}
    shown = list(dict.fromkeys(_shown(value) for value in form.getall(field, [])))
    if not shown:
        return redirect("/desk/danhgia", **back, done="none")
    bot = request.app[APP_KEY]
    outcomes: dict[Outcome, list[int]] = {outcome: [] for outcome in Outcome}
    try:
        for evaluation_id, state in shown:
            outcome = Outcome.NOT_FOUND
            if evaluation_id is not None:
                outcome = await review.confirm_shown(
                    request[REPO],
                    request[VIEWER],
                    evaluation_id,
                    state,
                    actor=actor_of(request[VIEWER]),
                    now=request[NOW],
                    options=bot.conversation.options,
                )
            outcomes[outcome].append(evaluation_id or 0)
    except ScopeError as refused:  # a unit admin with no unit: nobody's evaluation
        return message(request, "Đánh giá", str(refused), status=403)
    told = {
        "done": len(outcomes[Outcome.CONFIRMED]),
        "changed": ".".join(map(str, outcomes[Outcome.CHANGED])),
        "missing": len(outcomes[Outcome.NOT_FOUND]),
        "own": len(outcomes[Outcome.OWN]),
    }
    return redirect("/desk/danhgia", **back, **{k: v for k, v in told.items() if v})


async def _list(
    request: web.Request,
    view: View | None,
    evaluations: list[Evaluation],
    *,
    error: str | None = None,
    status: int = 200,
) -> web.Response:
    options = request.app[APP_KEY].conversation.options
    rows = [_row(e, request[VIEWER]) for e in evaluations]
    return page(
        request,
        "evaluations.html",
        status=status,
        view=view,
        error=error,
        rows=rows,
        waiting=[row for row in rows if row["waiting"]],
        confirmable=[row for row in rows if row["waiting"] and not row["own"]],
        warnings=review.share_warnings(evaluations, options.excellent_share),
        periods=await _periods(request, view.period if view else None),
        units=await _units(request),
        notice=await _notice(request),
    )


def _row(evaluation: Evaluation, viewer: Official) -> dict:
    official = evaluation.official
    return {
        "id": evaluation.id,
        "shown": f"{evaluation.id}:{review.state_of(evaluation)}",
        "name": official.full_name,
        "code": official.code,
        "unit": official.unit.name if official.unit else "—",
        "points": show_number(evaluation.total_points),
        "proposed": label(evaluation.proposed_rating),
        "waiting": evaluation.status == EvaluationStatus.SUBMITTED,
        "confirmed": label(evaluation.confirmed_rating) if evaluation.confirmed_rating else "",
        "adjusted": evaluation.status == EvaluationStatus.CONFIRMED
        and evaluation.confirmed_rating != evaluation.proposed_rating,
        "grounds": [g.label for g in ratings.grounds_of_evaluation(evaluation)],
        "own": review.own(viewer, evaluation),  # listed, marked: another admin confirms it
    }


async def _notice(request: web.Request) -> dict:
    """What the last form did, from the query the redirect carried (counts and row ids)."""
    query = request.query
    notice = {
        "none": query.get("done") == "none",
        "done": _count(query.get("done")),
        "missing": _count(query.get("missing")),
        "own": _count(query.get("own")),
        "changed": [],
        "adjusted": None,
    }
    for text in (query.get("changed") or "").split(".")[:100]:
        evaluation = await _reviewable(request, record_id(text))
        if evaluation is not None:
            notice["changed"].append(
                {
                    "name": evaluation.official.full_name,
                    "confirmed": label(evaluation.confirmed_rating)
                    if evaluation.status == EvaluationStatus.CONFIRMED
                    else "",
                }
            )
    adjusted = await _reviewable(request, record_id(query.get("adjusted") or ""))
    if adjusted is not None and adjusted.confirmed_rating is not None:
        notice["adjusted"] = {
            "name": adjusted.official.full_name,
            "rating": label(adjusted.confirmed_rating),
        }
    return notice


# -- one evaluation: the card and the form to confirm it at any rating -----------------------


@routes.get("/danhgia/{id}")
async def evaluation_page(request: web.Request) -> web.Response:
    evaluation = await _reviewable(request, record_id(request.match_info["id"]))
    if evaluation is None:
        return _not_found(request)
    await request[REPO].audit.record(
        actor_of(request[VIEWER]), "read_evaluation", "evaluation", evaluation.id
    )
    rating = review.rating_of(evaluation)
    return await _card(
        request,
        evaluation,
        rating=rating.value,
        comment="",
        unit=request.query.get("unit", "")[:20],
        changed=request.query.get("done") == "changed",
    )


@routes.post("/danhgia/{id}")
async def confirm_one(request: web.Request) -> web.Response:
    form = await request.post()
    evaluation_id = record_id(request.match_info["id"])
    evaluation = await _reviewable(request, evaluation_id)
    if evaluation is None:
        return _not_found(request)
    typed = {
        "rating": str(form.get("rating", "")),
        # A browser sends a textarea's line breaks as CRLF: counted as one, as in chat.
        "comment": str(form.get("comment", "")).replace("\r\n", "\n"),
        "unit": str(form.get("unit", ""))[:20],
        "shown": str(form.get("shown", ""))[:40],
    }
    try:
        rating = Rating(typed["rating"])
    except ValueError:
        return await _card(request, evaluation, **typed, error=t("desk_evaluations.bad_rating"))
    try:
        outcome = await review.confirm_shown(
            request[REPO],
            request[VIEWER],
            evaluation.id,
            typed["shown"],
            rating=rating,
            comment=typed["comment"],
            actor=actor_of(request[VIEWER]),
            now=request[NOW],
            options=request.app[APP_KEY].conversation.options,
        )
    except UserError as refused:  # no reason for another rating: nothing written
        return await _card(request, evaluation, **typed, error=str(refused))
    if outcome == Outcome.OWN:
        return await _card(request, evaluation, **typed, error=t("leader.own_evaluation"))
    if outcome == Outcome.CHANGED:
        return redirect(f"/desk/danhgia/{evaluation.id}", done="changed")
    back = {"unit": typed["unit"]} if typed["unit"] else {}
    return redirect("/desk/danhgia", quarter=evaluation.period, **back, adjusted=evaluation.id)


async def _card(
    request: web.Request,
    evaluation: Evaluation,
    *,
    rating: str,
    comment: str,
    unit: str,
    shown: str | None = None,
    error: str | None = None,
    changed: bool = False,
) -> web.Response:
    """The evaluation as the chat's /xacnhan card shows it, and the form (`rating`, `comment`
    as typed; `unit`: the list's unit filter, kept for the way back; `shown`: the state the
    form was first sent from, kept when it comes back with an error, so a change made
    meanwhile is still noticed)."""
    options = request.app[APP_KEY].conversation.options
    counts = Counts.of_evaluation(evaluation)
    grounds = ratings.grounds_of_evaluation(evaluation)
    reviewer = (
        await request[REPO].officials.get(evaluation.reviewer_id)
        if evaluation.reviewer_id
        else None
    )
    period = Period.parse(evaluation.period, options.calendar)
    return page(
        request,
        "evaluation.html",
        status=400 if error else 200,
        evaluation=evaluation,
        row=_row(evaluation, request[VIEWER]),
        period=period,
        general=show_number(evaluation.general_points),
        tasks=show_number(evaluation.task_points),
        band=label(ratings.band_of(evaluation.total_points, counts, grounds)),
        why=ratings.why(evaluation.total_points, counts, grounds, to_leader=True),
        rules=ratings.rules(options.excellent_share),
        reviewer=reviewer.full_name if reviewer else "",
        warnings=await review.unit_warnings(request[REPO], evaluation, options.excellent_share),
        choices=[(r.value, label(r)) for r in RATINGS_HIGH_FIRST],
        rating=rating,
        comment=comment,
        unit=unit,
        review_state=shown or review.state_of(evaluation),
        max_comment=review.MAX_COMMENT,
        error=error,
        changed=changed,
    )


def _not_found(request: web.Request) -> web.Response:
    return message(request, "Đánh giá", t("desk_evaluations.not_found"), status=404)


# -- what the viewer may see -----------------------------------------------------------------


async def _view(request: web.Request) -> View:
    """The period and unit asked for (`?quarter=2026Q2&unit=UBKT`), checked: a period that has
    opened, a unit the viewer may see. By default the period the chat's /xemdanhgia shows."""
    options = request.app[APP_KEY].conversation.options
    today = request[NOW].astimezone(options.timezone).date()
    return View(await _unit(request), _period(request.query.get("quarter", ""), today, options))


def _period(text: str, today: date, options) -> Period:
    text = text.strip()
    if not text:
        return current_period(today, options.calendar)
    try:
        period = Period.parse(text, options.calendar)
    except ValueError:
        raise UserError(t("desk_evaluations.bad_period", value=text[:20])) from None
    if period.opens > today:
        raise UserError(
            t(
                "desk_evaluations.not_open",
                period=period_label(period),
                opens=show_date(period.opens),
            )
        )
    return period


async def _unit(request: web.Request) -> Unit | None:
    viewer = request[VIEWER]
    code = request.query.get("unit", "").strip().upper()
    own = visible_unit(viewer)  # ScopeError for a unit admin with no unit
    if own is not None:
        if code and code != own.code.upper():
            raise ScopeError(t("desk_evaluations.own_unit_only", unit=own.name))
        return own
    if not code:
        return None
    unit = next((u for u in await request[REPO].officials.units() if u.code.upper() == code), None)
    if unit is None:
        raise UserError(t("desk_evaluations.unknown_unit", code=code[:20]))
    return unit


async def _reviewable(request: web.Request, evaluation_id: int | None) -> Evaluation | None:
    if evaluation_id is None:
        return None
    try:
        return await review.reviewable(request[REPO], request[VIEWER], evaluation_id)
    except ScopeError:
        return None


async def _periods(request: web.Request, chosen: Period | None) -> list[Period]:
    """The picker's periods, latest first: the current one and the few before it, and every
    period someone has submitted for (none that has not opened yet)."""
    options = request.app[APP_KEY].conversation.options
    today = request[NOW].astimezone(options.timezone).date()
    period = current_period(today, options.calendar)
    offered = {period, chosen} - {None}
    for _ in range(PAST_PERIODS):
        period = period.previous()
        offered.add(period)
    for key in await request[REPO].evaluations.periods():
        try:
            offered.add(Period.parse(key, options.calendar))
        except ValueError:
            continue
    return sorted(
        (p for p in offered if p.opens <= today), key=lambda p: (p.year, p.quarter), reverse=True
    )


async def _units(request: web.Request) -> list[Unit]:
    """The units the viewer may pick: every one for an admin, their own for a unit admin."""
    viewer = request[VIEWER]
    if viewer.role == Role.ADMIN:
        return await request[REPO].officials.units()
    return [viewer.unit] if viewer.unit is not None else []


def _shown(value: str) -> tuple[int | None, str]:
    """(evaluation id, state shown) from a row's form value "12:3fa9c2…"."""
    evaluation_id, _, state = str(value).partition(":")
    return record_id(evaluation_id), state


def _count(text: str | None) -> int:
    return int(text) if text and text.isascii() and text.isdigit() and len(text) < 6 else 0
