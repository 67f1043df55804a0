"""What an update costs the database, counted in statements: the path every message takes
reads the account and the state in one statement and writes only what changed (a question
typed outside a form reads only the account's id, not the account), so a change that adds a
round trip to it shows here (its time is measured in bench/cost.py)."""

from contextlib import contextmanager

from sqlalchemy import event

from handlers.types import Incoming


@contextmanager
def statements(app):
    """The first word of each statement sent to the database (BEGIN aside)."""
    seen: list[str] = []

    def note(_connection, _cursor, statement, *_):
        word = statement.split(None, 1)[0].upper()
        if word != "BEGIN":  # SQLite's BEGIN IMMEDIATE; PostgreSQL's is the driver's own
            seen.append(word)

    event.listen(app.engine.sync_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", note)


async def send(app, user: str, text: str, update_id: str):
    return await app.conversation.handle(
        Incoming("console", user, user, text=text, update_id=update_id)
    )


async def test_a_question_reads_once_and_writes_its_choices(app, official_chat):
    await official_chat.send("chi tieu thac si truong phong")  # offers choices: a state row
    with statements(app) as seen:
        (reply,) = await send(app, official_chat.user_id, "ke hoach nay cua ai", "u1")
    assert "Nguồn" in reply.text or reply.choices  # answered
    # the update id claimed, account id and state read together, the new choices written;
    # the account itself is not read for a question
    assert seen == ["INSERT", "SELECT", "UPDATE"]


async def test_a_message_that_changes_nothing_writes_nothing_but_its_claim(app, official_chat):
    await send(app, official_chat.user_id, "/help", "u1")
    with statements(app) as seen:
        (again,) = await send(app, official_chat.user_id, "/help", "u2")
    assert "Các lệnh" in again.text and seen == ["INSERT", "SELECT"]


async def test_a_forms_step_reads_the_account_with_the_state(app, official_chat):
    await send(app, official_chat.user_id, "/baocao", "u1")
    with statements(app) as seen:
        (step,) = await send(app, official_chat.user_id, "1", "u2")
    assert "Bước 2" in step.text and seen == ["INSERT", "SELECT", "UPDATE"]
    # Another process (or this one restarted) does not know a form is open: the account is
    # read when the step needs it, and the step goes on the same.
    app.conversation._in_form.clear()
    with statements(app) as seen:
        (step,) = await send(app, official_chat.user_id, "1", "u3")
    assert "Bước 3" in step.text and seen == ["INSERT", "SELECT", "SELECT", "UPDATE"]


async def test_a_redelivered_update_stops_at_its_claim(app, official_chat):
    await send(app, official_chat.user_id, "bdhvs la gi", "u1")
    with statements(app) as seen:
        assert await send(app, official_chat.user_id, "bdhvs la gi", "u1") == []
    assert seen == ["INSERT"]


async def test_a_strangers_first_question_keeps_a_state_only_for_its_choices(app):
    with statements(app) as seen:
        (reply,) = await send(app, "stranger-1", "xin chao", "u1")
    assert seen == ["INSERT", "SELECT"]  # a greeting: no choices, nothing to keep
    with statements(app) as seen:
        (reply,) = await send(app, "stranger-1", "chi tieu thac si truong phong", "u2")
    assert reply.choices and seen == ["INSERT", "SELECT", "INSERT"]  # its first state row
