"""The typed-text contract, at every step of every form (tests/helpers/forms_walk.py), on the console:

- a message that starts with "/" is always a command, never a choice or a form answer;
- a choice is picked by its button, its number or its label typed (case and diacritics aside),
  only among the latest question's choices; a button of an older message does nothing, unless
  it is a command without arguments (other than /huy, /quaylai): that is held, as one typed;
- «Bỏ qua» is a choice like any other: its number skips every optional step;
- nothing that changes data is taken unless its number or its exact label was typed.

The same on the Telegram and Zalo fakes: tests/e2e/test_typed_text_platforms.py.
"""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from handlers.forms import CONFIRM, SKIP
from handlers.texts import t
from knowledge.normalize import fold
from storage.enums import ReportStatus
from storage.models import CourseReport
from tests.helpers.forms_walk import ADMIN, Spot, data_rows, restore, say, spot_of, walk
from tests.helpers.fuzz_harness import SLOW, fuzz

STALE = "tin nhắn cũ"


@pytest.fixture
async def spots(app) -> list[Spot]:
    return await walk(app)


def _step(app, spot: Spot):
    form = app.conversation.router.forms[spot.form]
    return form, (form.steps[spot.step] if spot.step < len(form.steps) else None)


def _same_place(after: Spot | None, spot: Spot) -> bool:
    return after is not None and (after.form, after.step, after.answers) == (
        spot.form,
        spot.step,
        spot.answers,
    )


async def _commands_at(app, spot: Spot, commands, argument: str = "") -> None:
    """Type each command at `spot`; each is handled as that command."""
    form, _ = _step(app, spot)
    await restore(app, spot, "console", ADMIN)
    for name in commands:
        out = await say(app, ADMIN, f"/{name}{argument}")
        after = await spot_of(app, "console", ADMIN)
        where = f"/{name}{argument} at {spot}: {out}"
        if name == "huy":
            assert after is None and f"Đã hủy {form.title}" in out, where
        elif name == "quaylai":
            assert after is not None and (after.step < spot.step or "bước đầu tiên" in out), where
        else:
            assert _same_place(after, spot), where
            expected = t("help.intro") if name == "help" else f"lệnh /{name} chưa chạy"
            assert expected in out, where
            assert out.rstrip().endswith(render_last(spot)), where  # the question, again
            continue
        await restore(app, spot, "console", ADMIN)


def render_last(spot: Spot) -> str:
    """How the console's last line reads at `spot`: its last choice, or the step footer."""
    if spot.choices:
        return f"{len(spot.choices)}. {spot.choices[-1][0]}"
    return "/huy để hủy"


async def test_every_command_typed_at_every_step_is_that_command(app, spots):
    before = await data_rows(app)
    commands = list(app.conversation.router.commands)
    for spot in spots:
        await _commands_at(app, spot, commands)
    assert await data_rows(app) == before  # nothing written, nothing queued


@SLOW
async def test_every_command_with_an_argument_at_every_step_is_that_command(app, spots):
    before = await data_rows(app)
    commands = list(app.conversation.router.commands)
    for spot in spots:
        await _commands_at(app, spot, commands, " 1")
    assert await data_rows(app) == before


async def test_typing_duyet_never_approves(app, spots):
    async def pending() -> int:
        async with app.sessionmaker() as session:
            return await session.scalar(
                select(func.count())
                .select_from(CourseReport)
                .where(CourseReport.status == ReportStatus.PENDING)
            )

    waiting = await pending()
    out = await say(app, ADMIN, "/duyet")
    assert "Báo cáo #1" in out and "1. ✅ Duyệt" in out
    for typed in ["/duyet"] * 5 + [
        "/DUYET",
        "/duyet@canbo_bot",
        "/duyet_ok",
        "/tuchoi",
        "/duyet ok",
        "/ duyet",
        "/duyệt",
    ]:
        await say(app, ADMIN, typed)
        assert await pending() == waiting, typed
    # The card never arrived (its choices are the latest all the same): still nothing.
    await say(app, ADMIN, "/duyet")
    for _ in range(3):
        await say(app, ADMIN, "/duyet")
    assert await pending() == waiting


async def test_the_number_of_bo_qua_skips_every_optional_step(app, spots):
    skipped = set()
    for spot in spots:
        form, step = _step(app, spot)
        if step is None or not step.optional:
            continue
        for typed in (spot.number_of(SKIP), "bỏ qua", "BO QUA"):
            await restore(app, spot, "console", ADMIN)
            out = await say(app, ADMIN, typed)
            after = await spot_of(app, "console", ADMIN)
            assert after is not None and after.step > spot.step, f"{typed!r} at {spot}: {out}"
            assert after.answers[step.key] is None, f"{typed!r} at {spot}: {after.answers}"
        skipped.add((spot.form, step.key))
    optional = {
        (name, step.key)
        for name, form in app.conversation.router.forms.items()
        for step in form.steps
        if step.optional
    }
    assert skipped == optional


async def test_a_number_that_is_no_choice_is_refused_where_numbers_are_no_answer(app, spots):
    """Zalo officials answer by number: at a step of choices, and at a free-text step whose
    only choice is «Bỏ qua», a number past the list is said so and nothing is stored (no
    course organiser is called "2")."""
    checked = set()
    for spot in spots:
        form, step = _step(app, spot)
        if step is None or not spot.choices or step.takes_numbers:
            continue
        typed = str(len(spot.choices) + 1)
        await restore(app, spot, "console", ADMIN)
        out = await say(app, ADMIN, typed)
        assert f"Không có lựa chọn «{typed}»" in out, f"{typed!r} at {spot}: {out}"
        assert _same_place(await spot_of(app, "console", ADMIN), spot), f"{typed!r} at {spot}"
        checked.add((spot.form, step.key, spot.choices == ((t("forms.skip_button"), SKIP),)))
    assert any(only_skip for *_, only_skip in checked)  # a free-text step was among them


async def test_a_button_of_an_older_message_does_nothing(app, spots):
    before = await data_rows(app)
    values = {value for spot in spots for _, value in spot.choices}
    values |= {CONFIRM, SKIP, "/huy", "/quaylai", "c:dt-tien-si", "tien_si", "xuat_sac"}
    for spot in spots:
        current = {value for _, value in spot.choices}
        for value in sorted(values - current)[:12]:
            await restore(app, spot, "console", ADMIN)
            out = await say(app, ADMIN, choice=value)
            assert STALE in out, f"{value!r} at {spot}: {out}"
            assert _same_place(await spot_of(app, "console", ADMIN), spot), f"{value!r} at {spot}"
        # «🧭 Xem lộ trình» of an older push: the command waits for the form, as typed.
        await restore(app, spot, "console", ADMIN)
        out = await say(app, ADMIN, choice="/lotrinh")
        assert "lệnh /lotrinh chưa chạy" in out, f"{spot}: {out}"
        assert _same_place(await spot_of(app, "console", ADMIN), spot), f"/lotrinh at {spot}"
    assert await data_rows(app) == before


# -- anything typed ---------------------------------------------------------------------------


def _typed_pick(typed: str, spot: Spot) -> str | None:
    """The choice `typed` names by its number or exact folded label: the oracle, written
    apart from the code under test."""
    key = fold(typed)
    for number, (label, value) in enumerate(spot.choices, 1):
        if key and (key == fold(label) or (key.isdecimal() and int(key) == number)):
            return value
    return None


async def _anything_typed(app, spots, index: int, typed: str) -> None:
    spot = spots[index % len(spots)]
    form, step = _step(app, spot)
    await restore(app, spot, "console", ADMIN)
    before = await data_rows(app)
    await say(app, ADMIN, typed)
    after = await spot_of(app, "console", ADMIN)
    written = await data_rows(app) != before
    named = _typed_pick(typed, spot) if not typed.strip().startswith("/") else None
    if step is None:  # the confirmation: only "Xác nhận" itself submits
        assert not written or named == CONFIRM, (spot, typed)
        return
    assert not written, (spot, typed)
    if after is None or after.form != spot.form or after.step == spot.step:
        return  # cancelled, refused or asked again: nothing was taken
    if after.step > spot.step and after.answers.get(step.key, "") is None:
        assert named == SKIP, (spot, typed)  # skipped only by «Bỏ qua» itself
    if step.parse is None and step.choices:  # a choice-only step took the choice named
        assert after.answers[step.key] == named, (spot, typed)


def _variants(labels: list[str]) -> st.SearchStrategy[str]:
    """Labels as people type them, and near misses."""
    label = st.sampled_from(labels)
    return st.one_of(
        label,
        label.map(fold),
        label.map(str.upper),
        label.map(lambda s: s[:-1]),
        label.map(lambda s: s + "x"),
        label.map(lambda s: f" {fold(s)}. "),
    )


LABELS = [
    "✅ Xác nhận",
    "Bỏ qua",
    "Gửi ngay",
    "Đúng, là khóa đó",
    "Tất cả cán bộ",
    "Hoàn thành xuất sắc nhiệm vụ",
    "Giữ: Hoàn thành tốt nhiệm vụ",
    "❌ Hủy",
]
typed_text = st.one_of(
    st.text(max_size=40),
    st.integers(-2, 15).map(str),
    st.sampled_from(
        [
            "1.",
            " 2 ",
            "3)",
            "01",
            "１",
            "²",
            "__confirm__",
            "__skip__",
            "now",
            "p:default",
            "c:dt-tien-si",
            "yes",
            "/duyet",
            "/ 1",
            "1 giờ",
        ]
    ),
    _variants(LABELS),
)


@fuzz(150)
@given(index=st.integers(0, 500), typed=typed_text)
@example(index=0, typed="xac nhan")
async def test_nothing_is_taken_unless_its_number_or_label_was_typed(app, spots, index, typed):
    await _anything_typed(app, spots, index, typed)


@SLOW
@fuzz(1500)
@given(index=st.integers(0, 500), typed=typed_text)
async def test_nothing_is_taken_unless_its_number_or_label_was_typed_long(app, spots, index, typed):
    await _anything_typed(app, spots, index, typed)
