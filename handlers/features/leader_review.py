"""/xemdanhgia and /xacnhan: leaders list a period's self-evaluations and confirm or adjust
each rating with a comment; the official is told. Unit admins see their own unit only."""

from handlers import forms
from handlers.context import Context
from handlers.errors import UserError
from handlers.formatting import show_number
from handlers.forms import Form, Invalid, Step
from handlers.periods import Period, current_period, period_label
from handlers.router import Access, Router, record_id
from handlers.services import evaluation_review as review
from handlers.services import ratings
from handlers.services.evaluation_review import rating_of
from handlers.services.ratings import Counts
from handlers.texts import label, t
from handlers.types import Choice, Reply
from knowledge.scoring import RATINGS_HIGH_FIRST
from knowledge.vocabulary import Rating
from storage.enums import EvaluationStatus
from storage.models import Evaluation

router = Router()

LIST_LIMIT = 15
CONFIRM_BUTTONS = 5


@router.command(
    "xemdanhgia", access=Access.UNIT_ADMIN, usage="/xemdanhgia [2026Q2]", summary="help.xemdanhgia"
)
async def list_evaluations(ctx: Context) -> Reply:
    try:
        period = (
            Period.parse(ctx.args, ctx.options.calendar)
            if ctx.args
            else current_period(ctx.local_now.date(), ctx.options.calendar)
        )
    except ValueError:
        return Reply(t("leader.bad_period"))
    unit_id = review.visible_unit_id(ctx.official)
    evaluations = await ctx.repo.evaluations.for_period(period.key, unit_id)
    if not evaluations:
        return Reply(t("leader.none", period=period_label(period)))
    waiting = [e for e in evaluations if e.status == EvaluationStatus.SUBMITTED]
    lines = [
        t(
            "leader.line",
            id=e.id,
            name=e.official.full_name,
            total=show_number(e.total_points),
            rating=label(rating_of(e)),
            status=label(e.status),
        )
        + (f" {t('leader.own_mark')}" if e in waiting and review.own(ctx.official, e) else "")
        for e in (waiting + [e for e in evaluations if e not in waiting])[:LIST_LIMIT]
    ]
    text = t(
        "leader.list",
        period=period_label(period),
        count=len(evaluations),
        waiting=len(waiting),
        lines="\n".join(lines),
    )
    warnings = review.share_warnings(evaluations, ctx.options.excellent_share)
    if warnings:
        text += "\n\n" + "\n".join(warnings)
    choices = tuple(
        Choice(t("leader.confirm_button", id=e.id, name=e.official.full_name), f"/xacnhan {e.id}")
        for e in [e for e in waiting if not review.own(ctx.official, e)][:CONFIRM_BUTTONS]
    )
    return Reply(text, choices)


async def _evaluation(ctx: Context, evaluation_id: int) -> Evaluation:
    evaluation = await review.reviewable(ctx.repo, ctx.official, evaluation_id)
    if evaluation is None:
        raise Invalid(t("leader.not_found"))
    return evaluation


@router.command("xacnhan", access=Access.UNIT_ADMIN, hidden=True)
async def open_confirmation(ctx: Context):
    evaluation = await _evaluation(ctx, record_id(ctx.args) or 0)
    if review.own(ctx.official, evaluation):
        return Reply(t("leader.own_evaluation"))
    counts = Counts.of_evaluation(evaluation)
    grounds = ratings.grounds_of_evaluation(evaluation)
    reason = ratings.why(evaluation.total_points, counts, grounds, to_leader=True)
    card = t(
        "leader.card",
        name=evaluation.official.full_name,
        period=period_label(Period.parse(evaluation.period)),
        total=show_number(evaluation.total_points),
        general=show_number(evaluation.general_points),
        tasks=show_number(evaluation.task_points),
        completed=evaluation.tasks_completed,
        assigned=evaluation.tasks_assigned,
        on_time=evaluation.tasks_on_time,
        quality=evaluation.tasks_quality,
        band=label(ratings.band_of(evaluation.total_points, counts, grounds)),
        why=f" {reason}" if reason else "",
        rules=ratings.rules(ctx.options.excellent_share),
        strengths=evaluation.strengths or "—",
        shortcomings=evaluation.shortcomings or "—",
        rating=label(evaluation.proposed_rating),
        reason=t("leader.card_reason", reason=evaluation.rating_reason)
        if evaluation.rating_reason
        else "",
    )
    started = await forms.start(
        ctx,
        CONFIRM_FORM,
        {
            "evaluation_id": evaluation.id,
            "proposed": evaluation.proposed_rating.value,
            "subject": f"{evaluation.official.full_name} · {period_label(Period.parse(evaluation.period))}",
        },
    )
    return [Reply(card), *started]


def _changed(ctx: Context) -> bool:
    """Whether the leader's rating differs from the one the official proposed."""
    answers = ctx.state.answers
    return "rating" in answers and answers["rating"] != answers["proposed"]


def _reason(text: str, ctx: Context) -> str:
    try:
        return review.reason(text)
    except UserError as short:
        raise Invalid(str(short)) from None


def _comment(text: str, ctx: Context) -> str:
    if not text:
        raise Invalid(t("forms.empty"))
    try:
        return review.comment(text)
    except UserError as long:
        raise Invalid(str(long)) from None


async def submit_confirmation(ctx: Context, answers: dict) -> Reply:
    try:  # out of reach since the form opened (moved to another unit): closed with why
        evaluation = await _evaluation(ctx, answers["evaluation_id"])
    except UserError as refused:
        return Reply(str(refused))
    rating = Rating(answers["rating"])
    try:
        await review.confirm(
            ctx.repo,
            evaluation,
            rating,
            answers.get("comment"),
            actor=ctx.actor,
            reviewer=ctx.official,
            now=ctx.now,
            options=ctx.options,
        )
    except UserError as refused:  # their own (the form was opened some other way)
        return Reply(str(refused))
    text = t("leader.confirmed", name=evaluation.official.full_name, rating=label(rating))
    for warning in await review.unit_warnings(ctx.repo, evaluation, ctx.options.excellent_share):
        text += "\n" + warning
    return Reply(text, (Choice(t("leader.back_to_list"), f"/xemdanhgia {evaluation.period}"),))


CONFIRM_FORM = router.form(
    Form(
        name="xacnhan",
        title=t("leader.title"),
        steps=(
            Step(
                "rating",
                t("leader.label_rating"),
                t("leader.ask_rating"),
                choices=lambda ctx: tuple(Choice(label(r), r.value) for r in RATINGS_HIGH_FIRST),
                show=lambda v: label(Rating(v)),
            ),
            # A rating other than the one proposed needs a reason, which the official is told;
            # otherwise a comment is optional. One of the two is asked.
            Step(
                "comment",
                t("leader.label_reason"),
                t("leader.ask_reason"),
                parse=_reason,
                when=_changed,
            ),
            Step(
                "comment",
                t("leader.label_comment"),
                t("leader.ask_comment"),
                parse=_comment,
                optional=True,
                when=lambda ctx: not _changed(ctx),
            ),
        ),
        submit=submit_confirmation,
        access=Access.UNIT_ADMIN,
        subject=t("leader.label_subject"),
    )
)
