"""A declarative form engine: a form is a list of steps; the user's place in it is stored.

The answers so far live in the user's stored state (`storage.conversations.State`: step index
+ JSON answers), so a restart in the middle of a form resumes at the same step. Parsers return JSON-friendly values
(dates as ISO strings) for that reason.

The confirmation summary is rendered from the stored answers, and a form's `submit` writes
those same answers: what the user confirms is what is stored. A value the form works out
rather than asks (a course's level from the catalogue) is a step's `default`, kept in the
answers and shown in the summary like any other.
"""

import dataclasses
import inspect
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from handlers.context import Context
from handlers.errors import UserError
from handlers.router import Access, Replies, as_replies
from handlers.texts import t
from handlers.types import Choice, Reply
from knowledge.normalize import fold

SKIP = "__skip__"
CONFIRM = "__confirm__"
# The same text typed again this soon after it brought up the summary is a double send (a
# Zalo user's "1" twice), not a confirmation of a summary they have not read yet.
DOUBLE_SEND = timedelta(seconds=5)
ASKED = "_confirmation"  # in the answers: when the summary was shown, and what brought it up


class Invalid(UserError):
    """Raised by a step's parser (or a form's submit); the message tells the user what to fix,
    and the question is asked again."""


BRACKETED = re.compile(r"\([^)]*\)")  # "Đào tạo chuyên môn (đại học, thạc sĩ, tiến sĩ)"
NUMBER_LIKE = re.compile(r"(?:so |cau |lua chon )?[\d ]+")  # folded: "2", "#2", "2.5", "số 2"


def numeral(typed: str) -> bool:
    """Meant as a number, or a number of a list ("2", "-2", "2.5", "#2", "số 2", "２")."""
    return bool(NUMBER_LIKE.fullmatch(fold(typed)))


def _always(_ctx: Context) -> bool:
    return True


@dataclass(frozen=True)
class Step:
    """One question. Callables get the update's Context; the answers so far are in
    `ctx.state.answers`. `when` is also asked about later steps (to count the steps), so it
    must cope with answers not given yet."""

    key: str
    label: str  # names the answer in the summary
    prompt: str | Callable[[Context], str]
    # parse(text, ctx) -> value, sync or async; raises Invalid. `text` is what was typed, or
    # the value of the choice picked (`ctx.picked` says which). Default: the non-empty text,
    # or for a step with choices, the value of the choice picked.
    parse: Callable[[str, Context], Any] | None = None
    choices: Sequence[Choice] | Callable[[Context], Sequence[Choice]] = ()
    optional: bool = False
    when: Callable[[Context], bool] = _always  # the step is asked only when this holds
    # The value kept when the step is not asked (`when` does not hold), if not None.
    default: Callable[[Context], Any] | None = None
    show: Callable[[Any], str] | None = None  # how a stored answer reads in the summary
    in_summary: bool = True  # a step that only checks an earlier answer can stay out
    # A follow-up to the step before it (a check, a detail asked only for some answers):
    # it shares that step's number, so the "Bước 2/6" count never jumps while filling in.
    follow_up: bool = False
    takes_file: bool = False  # a photo or file sent at any other step is not kept: say so
    # Where choices are on offer, a number typed that is none of them is refused ("8" is no
    # course name, no organiser "2" where «Bỏ qua» is the only choice), unless numbers are
    # answers here too (a time: "17.30", hours: "6").
    takes_numbers: bool = False
    # The most characters a typed answer may have: the length of the column it is stored in
    # (`max_length(CourseReport.provider)`), so a longer one is refused here, asking again,
    # rather than failing the submit.
    max_length: int | None = None
    # Other names a choice answers to when typed (choice value -> names, from YAML: "llct"
    # for «Lý luận chính trị»), besides its label and its label without the part in brackets.
    aliases: Mapping[str, Sequence[str]] = dataclasses.field(default_factory=dict)

    def options(self, ctx: Context) -> tuple[Choice, ...]:
        return tuple(self.choices(ctx) if callable(self.choices) else self.choices)

    def question(self, ctx: Context) -> str:
        return self.prompt(ctx) if callable(self.prompt) else self.prompt

    def shown(self, value: Any, ctx: Context) -> str:
        if value is None:
            return t("forms.skipped")
        if self.show is not None:
            return self.show(value)
        for choice in self.options(ctx):
            if choice.value == value:
                return choice.label
        return str(value)


@dataclass(frozen=True)
class Form:
    name: str
    title: str  # "báo cáo khóa học": fits "Bạn đang điền {title}"
    steps: tuple[Step, ...]
    submit: Callable[[Context, dict], Awaitable[Replies]]
    intro: str = ""
    # Who may fill it in, checked against the current record at every step and at submit.
    access: Access = Access.OFFICIAL
    # What the form is about, when its opener says (answers["subject"]: "#3 · Nguyễn Văn A"):
    # the first line of the summary, under this label.
    subject: str = ""


def _advance(form: Form, ctx: Context, after: int) -> int:
    """The next step to ask after `after` (or the confirmation), keeping the `default` of
    each step passed over."""
    answers = dict(ctx.state.answers)
    for index in range(after + 1, len(form.steps)):
        step = form.steps[index]
        if step.when(ctx):
            _set(ctx, index, answers)
            return index
        if step.default is not None and (value := step.default(ctx)) is not None:
            answers[step.key] = value
    typed = "" if ctx.incoming.choice is not None else ctx.incoming.text.strip()
    answers[ASKED] = {"at": ctx.now.isoformat(), "by": typed}
    _set(ctx, len(form.steps), answers)
    return len(form.steps)  # the confirmation


def _previous_index(form: Form, ctx: Context, before: int) -> int | None:
    for index in range(before - 1, -1, -1):
        if form.steps[index].when(ctx):
            return index
    return None


def _set(ctx: Context, step: int, answers: dict) -> None:
    # Assign fresh objects: the JSON column does not notice in-place changes.
    ctx.state.step = step
    ctx.state.answers = dict(answers)


def _number(form: Form, ctx: Context, index: int) -> tuple[int, int]:
    """(this step's number, how many steps there are), counting follow-ups as part of the
    step they follow."""
    counted = [i for i, s in enumerate(form.steps) if not s.follow_up and s.when(ctx)]
    number = sum(1 for i in counted if i <= index)
    return max(number, 1), len(counted)


def summary(ctx: Context, form: Form) -> list[tuple[str, str]]:
    """(label, value as shown) for every answer the form will submit, in the form's order."""
    answers = ctx.state.answers
    rows = [(form.subject, answers["subject"])] if form.subject and "subject" in answers else []
    for step in form.steps:
        # The steps that apply (of two asking for one answer, the one asked), and the values
        # worked out for steps not asked.
        applies = step.when(ctx) or step.default is not None
        if step.in_summary and step.key in answers and applies:
            rows.append((step.label, step.shown(answers[step.key], ctx)))
    return rows


def prompt(ctx: Context, form: Form, note: str = "") -> Reply:
    """The question for the user's current step (or the confirmation), after an optional note."""
    index = ctx.state.step
    if index >= len(form.steps):
        lines = "\n".join(f"• {label}: {value}" for label, value in summary(ctx, form))
        text = t("forms.confirm", title=form.title, summary=lines)
        back = (Choice(t("forms.back_button"), "/quaylai"),) if form.steps else ()
        choices = (
            Choice(t("forms.confirm_button"), CONFIRM),
            *back,
            Choice(t("forms.cancel_button"), "/huy"),
        )
    else:
        step = form.steps[index]
        number, total = _number(form, ctx, index)
        key = "forms.footer_follow_up" if step.follow_up else "forms.footer"
        footer = t(key, number=number, total=total)
        if step.optional:
            footer = t("forms.optional") + "\n" + footer
        text = f"{step.question(ctx)}\n\n{footer}"
        choices = step.options(ctx)
        if step.optional:
            choices += (Choice(t("forms.skip_button"), SKIP),)
    return Reply(f"{note}\n\n{text}" if note else text, choices)


async def start(ctx: Context, form: Form, context: dict | None = None) -> list[Reply]:
    """Open `form`; `context` holds values the form needs but does not ask (a report id)."""
    ctx.state.form = form.name
    _set(ctx, 0, dict(context or {}))
    _advance(form, ctx, -1)
    first = prompt(ctx, form)
    return [Reply(f"{form.intro}\n\n{first.text}" if form.intro else first.text, first.choices)]


async def answer(ctx: Context, form: Form) -> list[Reply]:
    """Take the user's answer to the current step; re-ask (keeping every earlier answer) if bad."""
    index = ctx.state.step
    if index >= len(form.steps):
        return await _confirm(ctx, form)
    step = form.steps[index]
    ignored = t("forms.file_ignored") if ctx.incoming.attachments and not step.takes_file else ""
    # «Bỏ qua» typed where it is not on offer is no answer either ("Hạn chế: Bỏ qua").
    if ctx.picked == SKIP or fold(ctx.text) == fold(t("forms.skip_button")):
        if not step.optional:
            return [prompt(ctx, form, note=t("forms.required"))]
        value = None
    else:
        try:
            value = await _parse(step, ctx)
        except Invalid as problem:
            return [prompt(ctx, form, note="\n".join(filter(None, (f"⚠️ {problem}", ignored))))]
    _set(ctx, index, {**ctx.state.answers, step.key: value})
    _advance(form, ctx, index)
    return [prompt(ctx, form, note=ignored)]


async def _confirm(ctx: Context, form: Form) -> list[Reply]:
    """At the summary: submit on «Xác nhận» itself (not a double send), else show it again."""
    if ctx.picked != CONFIRM:  # never a typed "__confirm__": a choice picked, or nothing
        note = t("forms.confirm_reask")
        if ctx.incoming.attachments:
            note += "\n" + t("forms.file_ignored")
        return [prompt(ctx, form, note=note)]
    if _sent_twice(ctx):
        # Held once: the summary is shown again with the note, so the same text sent next is
        # a confirmation of what they have now read (on Zalo «1» to skip, then «1» twice).
        shown = {**ctx.state.answers[ASKED], "by": None}
        ctx.state.answers = {**ctx.state.answers, ASKED: shown}
        return [prompt(ctx, form, note=t("forms.sent_twice", text=ctx.incoming.text.strip()))]
    answers = {key: value for key, value in ctx.state.answers.items() if key != ASKED}
    try:
        result = as_replies(await form.submit(ctx, answers))
    except Invalid as problem:
        return [prompt(ctx, form, note=f"⚠️ {problem}")]
    finish(ctx)
    return result


def _sent_twice(ctx: Context) -> bool:
    """The text that brought up the summary, typed again within DOUBLE_SEND of it."""
    asked = ctx.state.answers.get(ASKED) or {}
    typed = ctx.incoming.text.strip()
    return (
        ctx.incoming.choice is None
        and bool(typed)
        and typed == asked.get("by")
        and ctx.now - datetime.fromisoformat(asked["at"]) < DOUBLE_SEND
    )


def _named(
    typed: str, options: Sequence[Choice], aliases: Mapping[str, Sequence[str]]
) -> str | None:
    """The one choice `typed` names by its label without the part in brackets ("dao tao chuyen
    mon") or by one of its `aliases` ("dai hoc"); None when it names none, or several. Exact
    after folding, never fuzzy; the summary's «Xác nhận» is no step, so never taken this way."""
    folded = fold(typed)
    named = {
        choice.value
        for choice in options
        if folded
        and (
            fold(BRACKETED.sub(" ", choice.label)) == folded
            or folded in {fold(name) for name in aliases.get(choice.value, ())}
        )
    }
    return named.pop() if len(named) == 1 else None


async def _parse(step: Step, ctx: Context) -> Any:
    text = ctx.text.strip()
    options = step.options(ctx)
    if options and ctx.picked is None and (value := _named(text, options, step.aliases)):
        ctx.picked = ctx.text = text = value
    # A bare number picks a choice; one that is none of those on offer is refused, also
    # where «Bỏ qua» is the only one (no course organiser is called "2"), unless the step
    # takes numbers (hours).
    offered = options or ctx.state.choices
    if offered and ctx.picked is None and not step.takes_numbers and numeral(text):
        raise Invalid(t("forms.no_such_choice", typed=text[:20]))
    if ctx.picked is None and step.max_length is not None and len(text) > step.max_length:
        raise Invalid(
            t("forms.too_long", label=step.label, length=len(text), limit=step.max_length)
        )
    if step.parse is not None:
        value = step.parse(text, ctx)
        return await value if inspect.isawaitable(value) else value
    if options:
        if ctx.picked in {choice.value for choice in options}:
            return ctx.picked
        raise Invalid(t("forms.pick_one"))
    if not text:
        raise Invalid(t("forms.empty"))
    return text


def back(ctx: Context, form: Form) -> list[Reply]:
    answers = dict(ctx.state.answers)
    previous = _previous_index(form, ctx, ctx.state.step)
    if previous is None:
        return [prompt(ctx, form, note=t("forms.at_first_step"))]
    # Forget the answer being revisited and any after it, so the summary never shows
    # an answer to a step that no longer applies.
    for step in form.steps[previous:]:
        answers.pop(step.key, None)
    _set(ctx, previous, answers)
    return [prompt(ctx, form)]


def finish(ctx: Context) -> None:
    ctx.state.form = None
    _set(ctx, 0, {})
