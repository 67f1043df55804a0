"""The claim of an update id and the conversation state, as every update writes them (on
SQLite on the driver's own connection, storage.driver): stored as the ORM stores them, so
they read back the same, prune by their times, and are undone with the update's transaction."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select

from storage.conversations import ConversationRepo
from storage.models import ChannelAccount, ConversationState, Official, ProcessedUpdate
from storage.types import utcnow


async def test_claims_and_states_read_back_as_written_and_prune_by_time(app):
    before = utcnow()
    async with app.sessionmaker() as session, session.begin():
        repo = ConversationRepo(session)
        assert await repo.claim_update("zalo", "u-1")
        assert not await repo.claim_update("zalo", "u-1")  # a redelivery
        _, state = await repo.load("zalo", "official-1")
        state.form, state.answers, state.choices = "baocao", {"tên": "Tin học"}, [["1", "a"]]
        await repo.save(state)  # the first write: an upsert
        state.step = 2
        await repo.save(state)  # later ones: an update
    async with app.sessionmaker() as session:
        claimed = await session.get(ProcessedUpdate, ("zalo", "u-1"))
        stored = await session.get(ConversationState, ("zalo", "official-1"))
        _, loaded = await ConversationRepo(session).load("zalo", "official-1")
    assert before <= claimed.processed_at <= utcnow()  # timezone-aware, as the ORM reads it
    assert before <= stored.updated_at <= utcnow()
    assert (stored.form, stored.step, stored.answers) == ("baocao", 2, {"tên": "Tin học"})
    assert loaded.kept() == ("baocao", 2, {"tên": "Tin học"}, [["1", "a"]], 0)
    async with app.sessionmaker() as session, session.begin():
        repo = ConversationRepo(session)
        assert await repo.prune_updates(before - timedelta(seconds=1)) == 0
        assert await repo.prune_updates(utcnow() + timedelta(seconds=1)) == 1


async def test_a_failed_update_leaves_neither_its_claim_nor_its_state(app):
    with pytest.raises(RuntimeError):
        async with app.sessionmaker() as session, session.begin():
            repo = ConversationRepo(session)
            assert await repo.claim_update("zalo", "u-2")
            _, state = await repo.load("zalo", "official-2")
            state.form = "baocao"
            await repo.save(state)
            raise RuntimeError("the handler failed")
    async with app.sessionmaker() as session:
        assert await session.scalar(select(ProcessedUpdate.update_id)) is None
        assert await session.get(ConversationState, ("zalo", "official-2")) is None
        assert await ConversationRepo(session).claim_update("zalo", "u-2")  # handled anew


async def test_a_claim_on_a_whole_second_is_stored_as_the_orm_stores_that_time(app, monkeypatch):
    whole = datetime(2026, 12, 7, 11, 0, 0, tzinfo=timezone.utc)
    monkeypatch.setattr("storage.conversations.utcnow", lambda: whole)
    async with app.sessionmaker() as session, session.begin():
        assert await ConversationRepo(session).claim_update("zalo", "u-claimed")
        session.add(ProcessedUpdate(platform="zalo", update_id="u-orm", processed_at=whole))
    async with app.sessionmaker() as session:
        at_that_time = await session.scalars(
            select(ProcessedUpdate.update_id).where(ProcessedUpdate.processed_at == whole)
        )
        assert sorted(at_that_time) == ["u-claimed", "u-orm"]


async def test_a_change_made_in_place_is_written_and_an_unchanged_state_is_not(app):
    """Handlers change the answers in place, nested too; the state is written when what it
    would store differs (1 and True are equal in Python, not in the JSON column)."""

    async def change(edit) -> dict:
        async with app.sessionmaker() as session, session.begin():
            repo = ConversationRepo(session)
            _, state = await repo.load("zalo", "official-3")
            edit(state)
            await repo.save(state)
        async with app.sessionmaker() as session:
            return (await ConversationRepo(session).load("zalo", "official-3"))[1].answers

    def start(state):
        state.form, state.answers = "baocao", {"khóa": ["Tin học"], "đạt": 1}

    assert await change(start) == {"khóa": ["Tin học"], "đạt": 1}
    assert await change(lambda state: state.answers["khóa"].append("Ngoại ngữ")) == {
        "khóa": ["Tin học", "Ngoại ngữ"],
        "đạt": 1,
    }
    assert (await change(lambda state: state.answers.update(đạt=True)))["đạt"] is True
    async with app.sessionmaker() as session:
        written = (await session.get(ConversationState, ("zalo", "official-3"))).updated_at
    await change(lambda state: None)  # nothing changed: nothing written
    async with app.sessionmaker() as session:
        assert (await session.get(ConversationState, ("zalo", "official-3"))).updated_at == written


@pytest.mark.parametrize("with_unit", [True, False])
async def test_the_account_read_for_a_step_is_the_orms_and_behaves_as_loaded(app, with_unit):
    """On SQLite a command or a form's step gets the account, official and unit made from
    their columns rather than loaded by the ORM: the same values of the same types, no change
    pending, the same objects when queried again, and a change written at the commit."""
    async with app.sessionmaker() as session, session.begin():
        official = await session.scalar(select(Official).where(Official.code == "DEMO010"))
        if not with_unit:
            official.unit_id = None
        session.add(
            ChannelAccount(
                platform="zalo",
                external_user_id="z-1",
                chat_id="c-1",
                official_id=official.id,
                display_name="Tuấn",
            )
        )
    async with app.sessionmaker() as session:
        loaded = await session.scalar(
            select(ChannelAccount).where(ChannelAccount.external_user_id == "z-1")
        )
        expected = [_columns(loaded), _columns(loaded.official), _columns(loaded.official.unit)]
    async with app.sessionmaker() as session, session.begin():
        account, state = await ConversationRepo(session).load_with_account("zalo", "z-1")
        assert [
            _columns(account),
            _columns(account.official),
            _columns(account.official.unit),
        ] == expected
        assert (account.official.unit is None) == (not with_unit)
        assert not session.dirty and not session.new and state.stored is None
        assert await session.get(Official, account.official_id) is account.official
        account.chat_id, account.official.phone = "c-2", "0912345678"
    async with app.sessionmaker() as session:
        stored = await session.scalar(
            select(ChannelAccount).where(ChannelAccount.external_user_id == "z-1")
        )
        assert (stored.chat_id, stored.official.phone) == ("c-2", "0912345678")
    async with app.sessionmaker() as session, session.begin():
        stranger, _ = await ConversationRepo(session).load_with_account("zalo", "z-nobody")
        assert stranger is None and not session.new


def _columns(mapped) -> list | None:
    """Every column attribute's value and type, as a mapped object holds them."""
    if mapped is None:
        return None
    attributes = inspect(mapped).mapper.column_attrs
    return [(a.key, getattr(mapped, a.key), type(getattr(mapped, a.key))) for a in attributes]
