"""The form engine on its own, without a database: a Context built in memory, answers in and
prompts, summary and submitted answers out."""

from datetime import datetime, timedelta, timezone

import pytest

from handlers import forms
from handlers.context import Context, Options
from handlers.forms import CONFIRM, SKIP, Form, Invalid, Step
from handlers.texts import t
from handlers.types import Choice, Incoming
from storage.conversations import State

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)


def parse_hours(text, ctx):
    if not (text.isascii() and text.isdigit()):
        raise Invalid("Số giờ phải là số.")
    return int(text)


SUBMITTED: list[dict] = []


async def submit(ctx, answers):
    SUBMITTED.append(answers)
    return "Đã ghi nhận."


FORM = Form(
    name="unit_test",
    title="báo cáo thử",
    steps=(
        Step(
            "kind",
            "Loại",
            "Chọn loại:",
            choices=(Choice("Học trực tuyến", "online"), Choice("Học tập trung", "class")),
        ),
        # Asked only for a class; an online course gets its value worked out.
        Step(
            "place",
            "Nơi học",
            "Học ở đâu?",
            when=lambda ctx: ctx.state.answers.get("kind") == "class",
            default=lambda ctx: "trực tuyến",
        ),
        Step("hours", "Số giờ", "Bao nhiêu giờ?", parse=parse_hours),
        Step(
            "check",
            "Kiểm tra",
            "Có đúng không?",
            follow_up=True,
            in_summary=False,
            choices=(Choice("Đúng", "yes"),),
        ),
        Step("note", "Ghi chú", "Ghi chú thêm?", optional=True),
    ),
    submit=submit,
)


@pytest.fixture(autouse=True)
def fresh():
    SUBMITTED.clear()


def context(
    state: State,
    text: str = "",
    picked: str | None = None,
    now: datetime = NOW,
    choice: str | None = None,
) -> Context:
    incoming = Incoming("console", "u1", "u1", text=text, choice=choice)
    ctx = Context(
        incoming=incoming,
        repo=None,
        state=state,
        link=None,
        now=now,
        options=Options(),
        text=picked if picked is not None else text,
        picked=picked,
    )
    ctx.account = None  # a stranger, read
    return ctx


async def say(state, text="", picked=None, **kwargs):
    return await forms.answer(context(state, text, picked, **kwargs), FORM)


async def opened() -> State:
    state = State(platform="console", external_user_id="u1")
    await forms.start(context(state), FORM)
    return state


async def test_start_asks_the_first_step_with_its_choices_and_count():
    state = State(platform="console", external_user_id="u1")
    (reply,) = await forms.start(context(state), FORM)
    assert state.form == "unit_test" and state.step == 0
    assert reply.text.startswith("Chọn loại:")
    assert t("forms.footer", number=1, total=3) in reply.text  # «place» not asked yet
    assert [c.value for c in reply.choices] == ["online", "class"]


async def test_a_walk_to_the_summary_submits_exactly_what_was_shown():
    state = await opened()
    await say(state, "1", picked="online")
    assert state.step == 2  # «place» passed over, its worked-out value kept
    (reply,) = await say(state, "12")
    assert t("forms.footer_follow_up", number=2, total=3) in reply.text  # shares step 2
    await say(state, "1", picked="yes")
    (summary,) = await say(state, "", picked=SKIP)
    assert "• Nơi học: trực tuyến" in summary.text
    assert "• Số giờ: 12" in summary.text and "Kiểm tra" not in summary.text
    assert f"• Ghi chú: {t('forms.skipped')}" in summary.text
    assert [c.value for c in summary.choices] == [CONFIRM, "/quaylai", "/huy"]
    (done,) = await say(state, "1", picked=CONFIRM, now=NOW + timedelta(minutes=1))
    assert done.text == "Đã ghi nhận."
    assert SUBMITTED == [
        {"kind": "online", "place": "trực tuyến", "hours": 12, "check": "yes", "note": None}
    ]
    assert state.form is None and state.answers == {}


async def test_a_bad_answer_is_asked_again_and_keeps_the_earlier_ones():
    state = await opened()
    await say(state, "2", picked="class")
    await say(state, "Trung tâm huyện")
    (reply,) = await say(state, "mười hai")
    assert reply.text.startswith("⚠️ Số giờ phải là số.")
    assert state.step == 2 and state.answers["place"] == "Trung tâm huyện"


async def test_a_number_that_is_no_choice_is_refused_not_stored():
    state = await opened()
    (reply,) = await say(state, "8")
    assert t("forms.no_such_choice", typed="8") in reply.text
    assert state.step == 0 and "kind" not in state.answers


async def test_skip_is_refused_on_a_required_step():
    state = await opened()
    (reply,) = await say(state, "", picked=SKIP)
    assert reply.text.startswith(t("forms.required"))
    assert state.step == 0


async def test_back_forgets_the_answer_revisited():
    state = await opened()
    await say(state, "2", picked="class")
    await say(state, "Trung tâm huyện")
    (reply,) = forms.back(context(state), FORM)
    assert state.step == 1 and "place" not in state.answers
    assert reply.text.startswith("Học ở đâu?")
    forms.back(context(state), FORM)
    (first,) = forms.back(context(state), FORM)
    assert first.text.startswith(t("forms.at_first_step"))


async def at_summary_by(typed: str):
    """A form filled in, the summary brought up by `typed` (the last step skipped)."""
    state = await opened()
    await say(state, "1", picked="online")
    await say(state, "12")
    await say(state, "1", picked="yes")
    await say(state, typed, picked=SKIP)
    return state


async def test_a_quick_second_send_of_the_same_text_is_no_confirmation():
    state = await at_summary_by("2")
    (again,) = await say(state, "2", picked=CONFIRM, now=NOW + timedelta(seconds=2))
    assert again.text.startswith(t("forms.sent_twice", text="2"))
    assert SUBMITTED == []
    # Held once: the summary came again with the note, so «2» now confirms what was read.
    await say(state, "2", picked=CONFIRM, now=NOW + timedelta(seconds=3))
    assert len(SUBMITTED) == 1


async def test_a_late_second_send_of_the_same_text_confirms():
    state = await at_summary_by("2")
    await say(state, "2", picked=CONFIRM, now=NOW + timedelta(seconds=30))
    assert len(SUBMITTED) == 1


async def test_the_summary_wants_the_confirm_choice_not_its_typed_value():
    state = await opened()
    await say(state, "1", picked="online")
    await say(state, "12")
    await say(state, "1", picked="yes")
    await say(state, "", picked=SKIP)
    (reply,) = await say(state, CONFIRM)
    assert reply.text.startswith(t("forms.confirm_reask"))
    assert SUBMITTED == []


async def test_a_label_typed_without_its_brackets_or_an_alias_picks_one_choice_only():
    step = Step(
        "kind",
        "Loại",
        "Chọn loại:",
        choices=(
            Choice("Đào tạo chuyên môn (đại học, thạc sĩ)", "degree"),
            Choice("Lý luận chính trị", "llct"),
            Choice("Khác (ghi rõ)", "a"),
            Choice("Khác (tự học)", "b"),
        ),
        aliases={"llct": ["LLCT"], "degree": ["đại học"]},
    )
    form = Form(name="unit_test", title="thử", steps=(step,), submit=submit)
    for typed, value in (("dao tao chuyen mon", "degree"), ("llct", "llct"), ("Đại học", "degree")):
        state = State(platform="console", external_user_id="u1")
        await forms.start(context(state), form)
        await forms.answer(context(state, typed), form)
        assert state.answers["kind"] == value, typed
    # «khac» names two choices: neither is taken.
    state = State(platform="console", external_user_id="u1")
    await forms.start(context(state), form)
    (reply,) = await forms.answer(context(state, "khac"), form)
    assert t("forms.pick_one") in reply.text and "kind" not in state.answers
