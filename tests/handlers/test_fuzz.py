"""Property-based tests of the conversation core, single messages and sequences of them.

They go through the seam every channel uses (`app.conversation.handle(Incoming(...))`):
whatever arrives — any Unicode, control and zero-width characters, right-to-left text, emoji,
20,000 characters, made-up button payloads, random walks through commands and forms by
officials, an admin and strangers — the core

- returns a list of `Reply` and never lets an exception out,
- never answers with the apology of its error boundary (nor "the database is down"),
- answers every message that is not a redelivery, with text that, once cut by the channel's
  own splitter, fits Telegram (4096) and Zalo (2000, choices as numbered lines),
- offers choices whose values fit Telegram's callback data (1–64 bytes),
- ignores a redelivered update,

and the database stays consistent: every conversation state names a form that exists (or
none) with a dict of answers, and no course report or evaluation is half-written.

The default run keeps the example counts modest; `RUN_SLOW=1` (CI) runs the `slow` variants
with many more. The inputs, the harness and the checks are in `tests/helpers/fuzz_harness.py`; what
the fuzzer found is in `tests/handlers/test_fuzz_findings.py`, as regression tests.
"""

import itertools
from datetime import datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from handlers.texts import t
from tests.helpers.fuzz_harness import (
    APOLOGY,
    CLOCKS,
    SLOW,
    WHO,
    Harness,
    any_text,
    check_database,
    choice_payload,
    form_walk,
    fuzz,
    make_harness,
    message_text,
    sequence,
)


@pytest.fixture
def harness(app, tmp_path) -> Harness:
    return make_harness(app, tmp_path)


# -- single messages ------------------------------------------------------------------------


def ticking(start: datetime):
    """A clock that moves a second each time it is read, and never repeats a moment over a
    whole run (as a real one): two actions are never at the same instant."""
    return lambda: start + timedelta(seconds=next(_ticks))


_ticks = itertools.count()


async def _one_message(harness, who, channel, kind, value, clock):
    harness.app.conversation.clock = ticking(clock)
    users = await harness.users("DEMO010", (channel, channel, channel))
    await harness.send(users[who], kind, value)
    await check_database(harness.app)


one_message_args = dict(
    who=st.sampled_from(WHO),
    channel=st.sampled_from(["telegram", "zalo"]),
    message=st.one_of(
        st.tuples(st.just("text"), message_text),
        st.tuples(st.just("choice"), choice_payload),
        st.tuples(st.just("photo"), any_text),
    ),
    clock=st.sampled_from(CLOCKS),
)


@fuzz(150)
@given(**one_message_args)
@example(who="guest", channel="zalo", message=("text", "\x00"), clock=CLOCKS[0])
@example(who="official", channel="telegram", message=("text", "/" + "😀" * 3999), clock=CLOCKS[0])
@example(who="official", channel="zalo", message=("text", "\u200b" * 20000), clock=CLOCKS[0])
@example(who="admin", channel="telegram", message=("choice", "x" * 70), clock=CLOCKS[0])
@example(who="official", channel="zalo", message=("text", "9" * 4000), clock=CLOCKS[0])
@example(who="admin", channel="zalo", message=("text", "/duyet " + "0" * 3993), clock=CLOCKS[0])
async def test_any_single_message_is_answered_within_the_limits(
    harness, who, channel, message, clock
):
    await _one_message(harness, who, channel, *message, clock)


@SLOW
@fuzz(1500)
@given(**one_message_args)
async def test_any_single_message_is_answered_within_the_limits_long(
    harness, who, channel, message, clock
):
    await _one_message(harness, who, channel, *message, clock)


# -- sequences ------------------------------------------------------------------------------


async def _sequence(harness, official, channels, clock, steps):
    harness.app.conversation.clock = ticking(clock)
    users = await harness.users(official, channels)
    for who, (kind, value) in steps:
        await harness.send(users[who], kind, value)
    await check_database(harness.app)


sequence_args = dict(
    official=st.sampled_from([f"DEMO{n:03d}" for n in range(2, 41)]),
    channels=st.tuples(*[st.sampled_from(["telegram", "zalo"])] * 3),
    clock=st.sampled_from(CLOCKS),
)


@fuzz(80)
@given(**sequence_args, steps=sequence)
async def test_random_sequences_of_commands_and_answers(harness, official, channels, clock, steps):
    await _sequence(harness, official, channels, clock, steps)


def _scripted(who: str, opener: str, answers: int = 16) -> list:
    return [(who, ("text", opener))] + [(who, ("fit", 0))] * answers


@fuzz(80)
@given(**sequence_args, steps=form_walk)
# Every run walks each form to its end at least once, whatever the random walks reach.
@example(
    official="DEMO010",
    channels=("zalo", "telegram", "zalo"),
    clock=CLOCKS[0],
    steps=_scripted("official", "/danhgia") + _scripted("official", "/danhgia"),
)
@example(
    official="DEMO011",
    channels=("telegram", "zalo", "zalo"),
    clock=CLOCKS[1],
    steps=_scripted("admin", "/danhgia") + _scripted("admin", "/xemdanhgia", 6),
)
@example(
    official="DEMO012",
    channels=("telegram", "telegram", "zalo"),
    clock=CLOCKS[2],
    steps=_scripted("official", "/baocao") * 2
    + _scripted("admin", "/duyet", 4)
    + _scripted("official", "/thu", 8)
    + _scripted("official", "/khoahoc", 2),
)
async def test_random_walks_through_the_forms(harness, official, channels, clock, steps):
    await _sequence(harness, official, channels, clock, steps)


@SLOW
@fuzz(600)
@given(**sequence_args, steps=sequence)
async def test_random_sequences_of_commands_and_answers_long(
    harness, official, channels, clock, steps
):
    await _sequence(harness, official, channels, clock, steps)


@SLOW
@fuzz(600)
@given(**sequence_args, steps=form_walk)
async def test_random_walks_through_the_forms_long(harness, official, channels, clock, steps):
    await _sequence(harness, official, channels, clock, steps)


def test_the_apology_is_recognised():
    # The properties above look for the error boundary's apology by its first words.
    assert APOLOGY.strip() and "mã lỗi" in t("common.error", reference="ABCD1234")
    assert t("common.error", reference="ABCD1234").startswith(APOLOGY)
    assert not t("common.database_down").startswith(APOLOGY)
