"""A declarative form engine: a form is a list of steps; the user's place in it is stored.

The answers so far live in the user's `ConversationState` (step index + JSON answers), so a
restart in the middle of a form resumes at the same step. Parsers return JSON-friendly values
(dates as ISO strings) for that reason.
"""

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from handlers.context import Context
from handlers.router import Replies, as_replies
from handlers.texts import t
from handlers.types import Choice, Reply

SKIP = "__skip__"
CONFIRM = "__confirm__"


class Invalid(Exception):
    """Raised by a step's parser; the message tells the user what to fix."""


def _always(_answers: dict) -> bool:
    return True


@dataclass(frozen=True)
class Step:
    key: str
    label: str  # names the answer in the summary
    prompt: str | Callable[[dict], str]
    # parse(text, ctx) -> value, sync or async; raises Invalid. Default: the non-empty text,
    # or for a step with choices, one of their values.
    parse: Callable[[str, Context], Any] | None = None
    choices: Sequence[Choice] | Callable[[dict], Sequence[Choice]] = ()
    optional: bool = False
    when: Callable[[dict], bool] = _always  # the step is asked only when this holds
    show: Callable[[Any], str] = str  # how a stored answer reads in the summary

    def options(self, answers: dict) -> tuple[Choice, ...]:
        return tuple(self.choices(answers) if callable(self.choices) else self.choices)

    def question(self, answers: dict) -> str:
        return self.prompt(answers) if callable(self.prompt) else self.prompt

    def shown(self, value: Any, answers: dict) -> str:
        if value is None:
            return t("forms.skipped")
        for choice in self.options(answers):
            if choice.value == value:
                return choice.label
        return self.show(value)


@dataclass(frozen=True)
class Form:
    name: str
    title: str  # "báo cáo khóa học": fits "Bạn đang điền {title}"
    steps: tuple[Step, ...]
    submit: Callable[[Context, dict], Awaitable[Replies]]
    intro: str = ""


def _next_index(form: Form, answers: dict, after: int) -> int:
    for index in range(after + 1, len(form.steps)):
        if form.steps[index].when(answers):
            return index
    return len(form.steps)  # the confirmation


def _previous_index(form: Form, answers: dict, before: int) -> int | None:
    for index in range(before - 1, -1, -1):
        if form.steps[index].when(answers):
            return index
    return None


def _set(ctx: Context, step: int, answers: dict) -> None:
    # Assign fresh objects: the JSON column does not notice in-place changes.
    ctx.state.step = step
    ctx.state.answers = dict(answers)


def expects_choice(form: Form, ctx: Context) -> bool:
    """Whether a bare number typed now means "option N" (not, say, a number of hours)."""
    index = ctx.state.step
    return index >= len(form.steps) or bool(form.steps[index].options(ctx.state.answers))


def prompt(ctx: Context, form: Form, note: str = "") -> Reply:
    """The question for the user's current step (or the confirmation), after an optional note."""
    answers = ctx.state.answers
    index = ctx.state.step
    if index >= len(form.steps):
        lines = [
            f"• {step.label}: {step.shown(answers.get(step.key), answers)}"
            for step in form.steps
            if step.key in answers
        ]
        text = t("forms.confirm", title=form.title, summary="\n".join(lines))
        choices = (
            Choice(t("forms.confirm_button"), CONFIRM),
            Choice(t("forms.back_button"), "/quaylai"),
            Choice(t("forms.cancel_button"), "/huy"),
        )
    else:
        step = form.steps[index]
        asked = [s for s in form.steps if s.when(answers)]
        number = next((n for n, s in enumerate(asked, 1) if s is step), index + 1)
        footer = t("forms.footer", number=number, total=len(asked))
        if step.optional:
            footer = t("forms.optional") + "\n" + footer
        text = f"{step.question(answers)}\n\n{footer}"
        choices = step.options(answers)
        if step.optional:
            choices += (Choice(t("forms.skip_button"), SKIP),)
    return Reply(f"{note}\n\n{text}" if note else text, choices)


async def start(ctx: Context, form: Form) -> list[Reply]:
    ctx.state.form = form.name
    _set(ctx, _next_index(form, {}, -1), {})
    first = prompt(ctx, form)
    return [Reply(f"{form.intro}\n\n{first.text}" if form.intro else first.text, first.choices)]


async def answer(ctx: Context, form: Form) -> list[Reply]:
    """Take the user's answer to the current step; re-ask (keeping every earlier answer) if bad."""
    answers = dict(ctx.state.answers)
    index = ctx.state.step
    if index >= len(form.steps):
        if ctx.text != CONFIRM:
            return [prompt(ctx, form, note=t("forms.confirm_reask"))]
        try:
            result = as_replies(await form.submit(ctx, answers))
        except Invalid as problem:
            return [prompt(ctx, form, note=f"⚠️ {problem}")]
        finish(ctx)
        return result

    step = form.steps[index]
    if ctx.text == SKIP:
        if not step.optional:
            return [prompt(ctx, form, note=t("forms.required"))]
        value = None
    else:
        try:
            value = await _parse(step, ctx)
        except Invalid as problem:
            return [prompt(ctx, form, note=f"⚠️ {problem}")]
    answers[step.key] = value
    _set(ctx, _next_index(form, answers, index), answers)
    return [prompt(ctx, form)]


async def _parse(step: Step, ctx: Context) -> Any:
    text = ctx.text.strip()
    if step.parse is not None:
        value = step.parse(text, ctx)
        return await value if inspect.isawaitable(value) else value
    options = step.options(ctx.state.answers)
    if options:
        if text in {choice.value for choice in options}:
            return text
        raise Invalid(t("forms.pick_one"))
    if not text:
        raise Invalid(t("forms.empty"))
    return text


def back(ctx: Context, form: Form) -> list[Reply]:
    answers = dict(ctx.state.answers)
    previous = _previous_index(form, answers, ctx.state.step)
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
