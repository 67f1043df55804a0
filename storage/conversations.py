"""Conversation state per platform user, and the update ids already handled.

Every update reads the state with the linked account (only its id for a question) and may
write the state back: with prebuilt statements, in one round trip each, and the state as a
plain object rather than a mapped one, since the ORM's unit of work cost more than the update's
own work. On SQLite the claim, both reads and the state's write go to the driver's own
connection, in the session's transaction (storage.driver), and the account a command or a
form's step needs is made into mapped objects from its columns; bench/RESULTS.md, section 8,
has the figures.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, String, and_, bindparam, delete, inspect, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from storage.db import insert
from storage.driver import Prepared, connection_of
from storage.models import ChannelAccount, ConversationState, Official, ProcessedUpdate, Unit
from storage.types import utcnow

QUESTIONS = 100_000  # question numbers wrap around here (as handlers.conversation numbers them)

_STATES = ConversationState.__table__
_KEY = select(
    bindparam("platform", type_=String).label("platform"),
    bindparam("user", type_=String).label("user"),
).subquery("key")
_ACCOUNTS = ChannelAccount.__table__
_KEPT = ("form", "step", "answers", "choices", "question")  # what a handler may change


def _with_state(*account) -> Select:
    """`account`'s columns (None for a stranger) and the state's (None before first contact)
    of one platform user."""
    return (
        select(*account, *(_STATES.c[name] for name in _KEPT))
        .select_from(_KEY)
        .outerjoin(
            _ACCOUNTS,
            and_(
                _ACCOUNTS.c.platform == _KEY.c.platform,
                _ACCOUNTS.c.external_user_id == _KEY.c.user,
            ),
        )
        .outerjoin(
            _STATES,
            and_(_STATES.c.platform == _KEY.c.platform, _STATES.c.external_user_id == _KEY.c.user),
        )
    )


# A question about the plan needs only to know whether the user is linked: the account's id
# and chat as plain columns. Read as mapped objects, with its official and unit, the account
# cost a question about a quarter of its CPU (bench/RESULTS.md, section 8). An update that
# needs it (a command, a form's step) reads it with the state, or on its own when that was not
# foreseen.
_LOAD = _with_state(_ACCOUNTS.c.id, _ACCOUNTS.c.chat_id)
_LOAD_ACCOUNT = _with_state(ChannelAccount)
# The same on SQLite's own connection: the account's, its official's and its unit's columns,
# made into mapped objects here (`_attached`). The ORM's load of those three cost about
# 0.5 ms, half of a form's step (bench/update_floor.py); this costs about 0.15 ms.
_MAPPED = (ChannelAccount, Official, Unit)
_COLUMNS = [
    (cls, [inspect(cls).get_property_by_column(c).key for c in cls.__table__.c]) for cls in _MAPPED
]
_ACCOUNT_WIDTH = sum(len(keys) for _, keys in _COLUMNS)  # the columns before the state's
_LOAD_COLUMNS = (
    _with_state(*(c for cls in _MAPPED for c in cls.__table__.c))
    .outerjoin(Official, Official.id == _ACCOUNTS.c.official_id)
    .outerjoin(Unit, Unit.id == Official.unit_id)
)
_UPDATE = (
    update(_STATES)
    .where(
        _STATES.c.platform == bindparam("key_platform"),
        _STATES.c.external_user_id == bindparam("key_user"),
    )
    .values({name: bindparam(f"new_{name}") for name in (*_KEPT, "updated_at")})
)

_BY_DIALECT: dict = {}  # the statements every update may run, built once per dialect
_ON_SQLITE: dict = {}  # the same, compiled for SQLite's own connection (storage.driver)


def _hot_statements(session: AsyncSession) -> dict:
    """The update-id claim, and the state's first write (an upsert) and later ones, with
    bound parameters, built on the tables rather than the mapped classes."""
    dialect = session.bind.dialect.name
    if dialect not in _BY_DIALECT:
        claim = insert(session, ProcessedUpdate.__table__).values(
            platform=bindparam("platform"),
            update_id=bindparam("update_id"),
            processed_at=bindparam("processed_at"),
        )
        written = (*_KEPT, "updated_at")
        new = insert(session, _STATES).values(
            {
                "platform": bindparam("key_platform"),
                "external_user_id": bindparam("key_user"),
                **{name: bindparam(f"new_{name}") for name in written},
            }
        )
        _BY_DIALECT[dialect] = {
            "load": _LOAD,
            "load_columns": _LOAD_COLUMNS,
            "claim": claim.on_conflict_do_nothing(),
            "upsert": new.on_conflict_do_update(
                index_elements=["platform", "external_user_id"],
                set_={name: new.excluded[name] for name in written},
            ),
            "update": _UPDATE,
        }
    return _BY_DIALECT[dialect]


class Link(NamedTuple):
    """A platform user's linked account, as every update reads it."""

    account_id: int
    chat_id: str


@dataclass(eq=False)
class State:
    """Where a platform user is in the conversation: the open form, its step and answers,
    and the latest choices offered under their question number. Handlers change it in place;
    `ConversationRepo.save` writes what changed."""

    platform: str
    external_user_id: str
    form: str | None = None
    step: int = 0
    answers: dict[str, Any] = field(default_factory=dict)
    choices: list[Any] = field(default_factory=list)
    question: int = 0
    # The fields as last read or written, as JSON text (`snapshot`), or None when the user
    # has no row yet.
    stored: str | None = field(default=None, repr=False)

    def kept(self) -> tuple:
        return tuple(getattr(self, name) for name in _KEPT)

    def snapshot(self) -> str:
        """The fields a handler may change as the JSON columns store them: equal text, equal
        row. A deep copy of the answers to compare against cost a form's step a tenth of its
        CPU (bench/RESULTS.md, section 8); this is one call into the json module's C code."""
        return json.dumps(self.kept())


_NEW = State("", "").snapshot()  # a user's state before anything is stored for them


def _state(platform: str, external_user_id: str, kept: list) -> State:
    """The state from its columns as read (None: no row yet, a new state)."""
    state = State(platform, external_user_id)
    if kept[1] is not None:  # the step: a state row exists
        state.form, state.step, state.answers, state.choices, state.question = kept
        state.answers, state.choices = state.answers or {}, state.choices or []
        state.stored = state.snapshot()
    return state


def _attached(session: AsyncSession, values: tuple) -> ChannelAccount | None:
    """The account, official and unit from their columns' values (`_LOAD_COLUMNS`), in the
    session as if it had loaded them (SQLAlchemy's way for objects read elsewhere, as from a
    cache): changed, they are written at the flush; queried again, the same objects come back.
    None for a stranger."""
    objects, start = {}, 0
    for cls, keys in _COLUMNS:
        fields = dict(zip(keys, values[start : start + len(keys)], strict=True))
        start += len(keys)
        objects[cls] = cls(**fields) if fields["id"] is not None else None
    account, official, unit = objects.values()
    if account is None:
        return None
    official.unit, account.official = unit, official
    for found in (unit, official, account):
        if found is not None:
            make_transient_to_detached(found)  # no changes pending: as read
    session.add(account)  # with its official and unit
    return account


class ConversationRepo:
    def __init__(self, session: AsyncSession):
        self.session = session
        self._connection = None  # (the session's transaction, its connection on SQLite)

    async def load(self, platform: str, external_user_id: str) -> tuple[Link | None, State]:
        """The user's linked account (None for a stranger) and state (a new one on first
        contact), in one round trip."""
        params = {"platform": platform, "user": external_user_id}
        if connection := await self._driver():
            row = self._prepared("load").first(connection, params)
        else:
            row = (await self.session.execute(_LOAD, params)).one()
        account_id, chat_id, *kept = row
        link = Link(account_id, chat_id) if account_id is not None else None
        return link, _state(platform, external_user_id, kept)

    async def load_with_account(
        self, platform: str, external_user_id: str
    ) -> tuple[ChannelAccount | None, State]:
        """The same with the account as a mapped object, with its official and unit, for an
        update that will need it: in the same round trip."""
        params = {"platform": platform, "user": external_user_id}
        if connection := await self._driver():
            row = self._prepared("load_columns").first(connection, params)
            account = _attached(self.session, row[:_ACCOUNT_WIDTH])
            kept = row[_ACCOUNT_WIDTH:]
        else:
            account, *kept = (await self.session.execute(_LOAD_ACCOUNT, params)).one()
        return account, _state(platform, external_user_id, kept)

    async def save(self, state: State) -> None:
        """Write the state if it changed; a new one only once it holds something."""
        snapshot = state.snapshot()
        if snapshot == (state.stored or _NEW):
            return
        values = dict(zip(_KEPT, state.kept(), strict=True), updated_at=utcnow())
        params = {f"new_{name}": value for name, value in values.items()}
        params |= {"key_platform": state.platform, "key_user": state.external_user_id}
        await self._run("upsert" if state.stored is None else "update", params)
        state.stored = snapshot

    async def offer_pushed(
        self, platform: str, chat_id: str, choices: list[list[str]]
    ) -> int | None:
        """A push with choices is the latest question of the account chatting in `chat_id`,
        unless a form is open there: its choices are the ones "1" or a label then picks, under
        a new question number (returned; None when a form is open or the chat is unknown).
        One conditional UPDATE, so a form opened meanwhile keeps its own choices."""
        user = await self.session.scalar(
            select(ChannelAccount.external_user_id).where(
                ChannelAccount.platform == platform, ChannelAccount.chat_id == chat_id
            )
        )
        if user is None:
            return None
        await self.session.execute(  # first contact: a state with no form open
            insert(self.session, ConversationState.__table__)
            .values(
                platform=platform,
                external_user_id=user,
                step=0,
                answers={},
                choices=[],
                question=0,
                updated_at=utcnow(),
            )
            .on_conflict_do_nothing()
        )
        where = (
            ConversationState.platform == platform,
            ConversationState.external_user_id == user,
            ConversationState.form.is_(None),
        )
        result = await self.session.execute(
            update(ConversationState)
            .where(*where)
            .values(choices=choices, question=(ConversationState.question + 1) % QUESTIONS)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return None
        return await self.session.scalar(select(ConversationState.question).where(*where))

    async def claim_update(self, platform: str, update_id: str) -> bool:
        """Record an update id; False when it was recorded before (a redelivery)."""
        params = {"platform": platform, "update_id": update_id, "processed_at": utcnow()}
        return (await self._run("claim", params)).rowcount == 1

    async def _run(self, name: str, params: dict):
        """One of the statements every update runs: on SQLite on its own connection
        (storage.driver), elsewhere through the session."""
        if connection := await self._driver():
            return self._prepared(name).run(connection, params)
        return await self.session.execute(_hot_statements(self.session)[name], params)

    def _prepared(self, name: str) -> Prepared:
        """One of those statements, compiled for SQLite's own connection."""
        if name not in _ON_SQLITE:
            statement = _hot_statements(self.session)[name]
            _ON_SQLITE[name] = Prepared(statement, self.session.bind.dialect)
        return _ON_SQLITE[name]

    async def _driver(self) -> Connection | None:
        """On SQLite, the connection of the session's transaction (begun if it was not),
        found once per transaction; None on other databases."""
        transaction = self.session.sync_session.get_transaction()
        if self._connection is None or self._connection[0] is not transaction:
            connection = await connection_of(self.session)
            self._connection = (self.session.sync_session.get_transaction(), connection)
        return self._connection[1]

    async def prune_updates(self, before: datetime) -> int:
        """Forget the update ids handled before `before`; how many went."""
        result = await self.session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < before)
        )
        return result.rowcount

    async def prune_states(self, before: datetime) -> int:
        """Delete the states untouched since before `before` (an abandoned form with them):
        the user starts afresh, as on first contact; how many went."""
        result = await self.session.execute(
            delete(ConversationState).where(ConversationState.updated_at < before)
        )
        return result.rowcount
