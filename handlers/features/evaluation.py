"""/danhgia: the quarterly self-evaluation (Mẫu 01): 30 points of criteria, 70 of task results
(products assigned, completed, on time, meeting the quality required), and the yes/no grounds
that make the rating «không hoàn thành nhiệm vụ» whatever the score.

The form opens in the period's window (handlers.periods); answers are kept between messages
(the form engine's state), so nothing typed is lost if the deadline check refuses a submission.
An official may resubmit until the deadline, unless a leader has already confirmed the rating.
"""

import re

from handlers import forms
from handlers.context import Context
from handlers.formatting import local_datetime, show_date, show_number
from handlers.forms import Form, Invalid, Step
from handlers.periods import Period, open_period, period_label, upcoming_period
from handlers.router import Access, Router
from handlers.services import ratings
from handlers.services.ratings import Counts
from handlers.texts import label, t
from handlers.types import Choice, Reply
from knowledge.normalize import Normalizer
from knowledge.scoring import RATINGS_HIGH_FIRST, Ground, Scheme
from knowledge.vocabulary import Rating
from storage.enums import EvaluationStatus
from storage.models import Evaluation

router = Router()

MAX_PRODUCTS = 1000
MAX_TEXT = 1000


def _period(ctx: Context) -> Period:
    return Period.parse(ctx.state.answers["period"], ctx.options.calendar)


# -- parsing --------------------------------------------------------------------------------


POINTS = re.compile(r"\s*(\d{1,3}(?:[.,]\d{1,2})?)\s*", re.ASCII)  # "8", "8,5", "8.5"


def _points(maximum: float):
    def parse(text: str, ctx: Context) -> float:
        # Not float(): it takes "1e1", "1_0", "nan" and other digits than 0-9.
        found = POINTS.fullmatch(text)
        if found is None:
            example = max(maximum - 1, 0)  # within the range asked: "4 hoặc 4,5" for 0–5
            raise Invalid(
                t(
                    "evaluation.not_a_number",
                    max=show_number(maximum),
                    example=show_number(example),
                    half=show_number(example + 0.5),
                )
            )
        value = float(found[1].replace(",", "."))
        if not 0 <= value <= maximum:
            raise Invalid(t("evaluation.out_of_bounds", max=show_number(maximum)))
        return value

    return parse


def _count(upper_key: str | None = None, message: str = "evaluation.count_invalid"):
    """A whole number of products, at most the answer to `upper_key` when given."""

    def parse(text: str, ctx: Context) -> int:
        text = text.strip()
        if not (text.isascii() and text.isdigit()) or int(text) > MAX_PRODUCTS:
            raise Invalid(t("evaluation.count_invalid", max=MAX_PRODUCTS))
        value = int(text)
        if upper_key and value > ctx.state.answers[upper_key]:
            raise Invalid(t(message, upper=ctx.state.answers[upper_key]))
        return value

    return parse


def _text(text: str, ctx: Context) -> str:
    if len(text) < 2:
        raise Invalid(t("evaluation.text_short"))
    return text  # at most MAX_TEXT: longer is refused by the step (`max_length`)


# -- scores ---------------------------------------------------------------------------------


def _grounds(answers: dict) -> tuple[Ground, ...]:
    return Scheme.default().grounds_held(answers)


def scores(answers: dict) -> tuple[float, float, float, Rating]:
    """(general points, task points, total, the band's rating) from the answers so far."""
    scheme = Scheme.default()
    general = sum(answers.get(f"c_{c.key}") or 0 for c in scheme.criteria)
    counts = Counts.of_answers(answers)
    tasks = scheme.task_points(*counts)
    total = round(general + tasks, 1)
    return general, tasks, total, ratings.band_of(total, counts, _grounds(answers))


def _rating_prompt(ctx: Context) -> str:
    answers = ctx.state.answers
    general, tasks, total, band = scores(answers)
    grounds = _grounds(answers)
    reason = ratings.why(total, Counts.of_answers(answers), grounds)
    return t(
        "evaluation.ask_rating",
        general=show_number(general),
        tasks=show_number(tasks),
        total=show_number(total),
        band=label(band),
        why=f"\n{reason}" if reason else "",
        # With a ground held the reason says it all; else what each band needs.
        rules="" if grounds else "\n" + ratings.rules(ctx.options.excellent_share),
        question=t("evaluation.ask_keep_only" if grounds else "evaluation.ask_keep_or_change"),
    )


def _rating_choices(ctx: Context) -> tuple[Choice, ...]:
    band = scores(ctx.state.answers)[3]
    keep = Choice(t("evaluation.keep_band", band=label(band)), band.value)
    if _grounds(ctx.state.answers):  # a ground decides the rating, not the official
        return (keep,)
    others = tuple(Choice(label(r), r.value) for r in RATINGS_HIGH_FIRST if r != band)
    return (keep, *others)


def _changed_rating(ctx: Context) -> bool:
    answers = ctx.state.answers
    return "rating" in answers and answers["rating"] != scores(answers)[3].value


YES, NO = "yes", "no"


# What officials type for «Có» / «Không» besides the buttons' labels ("ko", "k" expand to "khong").
TYPED_YES, TYPED_NO = (
    {"co", "c", "yes", "y", "dung", "co a"},
    {"khong", "no", "n", "chua", "khong a"},
)


def _yes_no(text: str, ctx: Context) -> bool:
    typed = " ".join(Normalizer.default().words(text)) if ctx.picked is None else ""
    if ctx.picked == YES or typed in TYPED_YES:
        return True
    if ctx.picked == NO or typed in TYPED_NO:
        return False
    raise Invalid(t("evaluation.yes_or_no"))


def _show_yes_no(value: bool) -> str:
    return t("evaluation.answer_yes") if value else t("evaluation.answer_no")


def _ground_step(ground: Ground) -> Step:
    return Step(
        ground.key,
        ground.label,
        ground.question,
        parse=_yes_no,
        choices=(Choice(t("evaluation.answer_yes"), YES), Choice(t("evaluation.answer_no"), NO)),
        show=_show_yes_no,
    )


def _steps() -> tuple[Step, ...]:
    criteria = tuple(
        Step(
            f"c_{c.key}",
            c.name,
            t("evaluation.ask_criterion", name=c.name, max=show_number(c.max)),
            parse=_points(c.max),
            show=show_number,
        )
        for c in Scheme.default().criteria
    )
    return (
        *criteria,
        Step(
            "tasks_assigned",
            t("evaluation.label_assigned"),
            t("evaluation.ask_assigned"),
            parse=_count(),
        ),
        Step(
            "tasks_completed",
            t("evaluation.label_completed"),
            t("evaluation.ask_completed"),
            parse=_count(),
        ),
        Step(
            "tasks_on_time",
            t("evaluation.label_on_time"),
            t("evaluation.ask_on_time"),
            parse=_count("tasks_completed", "evaluation.on_time_above_completed"),
        ),
        Step(
            "tasks_quality",
            t("evaluation.label_quality"),
            t("evaluation.ask_quality"),
            parse=_count("tasks_completed", "evaluation.quality_above_completed"),
        ),
        Step(
            "task_notes",
            t("evaluation.label_notes"),
            t("evaluation.ask_notes"),
            parse=_text,
            max_length=MAX_TEXT,
            optional=True,
        ),
        Step(
            "strengths",
            t("evaluation.label_strengths"),
            t("evaluation.ask_strengths"),
            parse=_text,
            max_length=MAX_TEXT,
        ),
        Step(
            "shortcomings",
            t("evaluation.label_shortcomings"),
            t("evaluation.ask_shortcomings"),
            parse=_text,
            max_length=MAX_TEXT,
        ),
        *(_ground_step(g) for g in Scheme.default().grounds),
        Step(
            "rating",
            t("evaluation.label_rating"),
            _rating_prompt,
            choices=_rating_choices,
            show=lambda v: label(Rating(v)),
        ),
        Step(
            "rating_reason",
            t("evaluation.label_reason"),
            t("evaluation.ask_reason"),
            parse=_text,
            max_length=MAX_TEXT,
            when=_changed_rating,
            follow_up=True,
        ),
    )


async def submit(ctx: Context, answers: dict) -> Reply:
    period = _period(ctx)
    if ctx.local_now.date() > period.due:
        raise Invalid(t("evaluation.past_deadline", due=show_date(period.due)))
    evaluation = await ctx.repo.evaluations.of(ctx.official.id, period.key)
    if evaluation is not None and evaluation.status == EvaluationStatus.CONFIRMED:
        raise Invalid(t("evaluation.already_confirmed"))
    general, tasks, total, _ = scores(answers)
    counts = Counts.of_answers(answers)
    fields = dict(
        criteria={c.key: answers[f"c_{c.key}"] for c in Scheme.default().criteria},
        general_points=general,
        task_points=tasks,
        total_points=total,
        tasks_assigned=counts.assigned,
        tasks_completed=counts.completed,
        tasks_on_time=counts.on_time,
        tasks_quality=counts.quality,
        # A draft begun before the grounds were asked may lack one: not declared, so false.
        **{g.key: answers.get(g.key) is True for g in Scheme.default().grounds},
        task_notes=answers.get("task_notes"),
        strengths=answers["strengths"],
        shortcomings=answers["shortcomings"],
        proposed_rating=Rating(answers["rating"]),
        rating_reason=answers.get("rating_reason"),
    )
    before = None
    if evaluation is None:
        evaluation = Evaluation(official_id=ctx.official.id, period=period.key, **fields)
    else:
        before = {
            "total_points": evaluation.total_points,
            "proposed_rating": evaluation.proposed_rating.value,
        }
        for name, value in fields.items():
            setattr(evaluation, name, value)
        evaluation.submitted_at = ctx.now
    await ctx.repo.evaluations.save(evaluation)
    await ctx.repo.audit.record(
        ctx.actor,
        "evaluation_submitted",
        "evaluation",
        evaluation.id,
        before=before,
        after={"period": period.key, "total_points": total, "proposed_rating": answers["rating"]},
    )
    return Reply(
        t(
            "evaluation.receipt",
            period=period_label(period),
            total=show_number(total),
            rating=label(Rating(answers["rating"])),
            due=show_date(period.due),
        )
    )


EVALUATION_FORM = router.form(
    Form(
        name="danhgia",
        title=t("evaluation.title"),
        intro=t("evaluation.intro", split=ratings.split()),
        steps=_steps(),
        submit=submit,
    )
)


@router.command("danhgia", access=Access.OFFICIAL, summary="help.danhgia", menu="help.menu_danhgia")
async def open_evaluation(ctx: Context):
    today = ctx.local_now.date()
    period = open_period(today, ctx.options.calendar)
    if period is None:
        upcoming = upcoming_period(today, ctx.options.calendar)
        return Reply(
            t(
                "evaluation.not_open",
                period=period_label(upcoming),
                opens=show_date(upcoming.opens),
                due=show_date(upcoming.due),
            )
        )
    evaluation = await ctx.repo.evaluations.of(ctx.official.id, period.key)
    if evaluation is not None and evaluation.status == EvaluationStatus.CONFIRMED:
        return Reply(
            t(
                "evaluation.confirmed_already",
                period=period_label(period),
                rating=label(evaluation.confirmed_rating),
            )
        )
    intro = []
    if evaluation is not None:
        intro.append(
            Reply(
                t(
                    "evaluation.resubmit",
                    period=period_label(period),
                    total=show_number(evaluation.total_points),
                    rating=label(evaluation.proposed_rating),
                    at=local_datetime(evaluation.submitted_at, ctx.options.timezone),
                )
            )
        )
    started = await forms.start(ctx, EVALUATION_FORM, {"period": period.key})
    first = started[0]
    header = t("evaluation.header", period=period_label(period), due=show_date(period.due))
    return [*intro, Reply(f"{header}\n{first.text}", first.choices)]
