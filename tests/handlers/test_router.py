"""The router on its own, without a database: who may use what (every access level against
every kind of user), registration, and what handlers may return."""

from datetime import datetime, timezone

import pytest

from handlers.app import build_router
from handlers.context import Context, Options
from handlers.router import Access, Router, as_replies, record_id, refusal
from handlers.texts import t
from handlers.types import Incoming, Reply
from storage.enums import Role
from storage.models import ChannelAccount, ConversationState, Official


def user(kind: str) -> Context:
    account = None
    if kind != "unlinked":
        role = {"unit admin": Role.UNIT_ADMIN, "admin": Role.ADMIN}.get(kind, Role.OFFICIAL)
        official = Official(
            code="CB1", full_name="Nguyễn Văn A", role=role, active=kind != "deactivated"
        )
        account = ChannelAccount(
            platform="console", external_user_id="u1", chat_id="u1", official=official
        )
    ctx = Context(
        incoming=Incoming("console", "u1", "u1", text="/x"),
        repo=None,
        state=ConversationState(),
        link=None,
        now=datetime(2026, 12, 6, tzinfo=timezone.utc),
        options=Options(),
    )
    ctx.account = account
    return ctx


KINDS = ["unlinked", "deactivated", "official", "unit admin", "admin"]
# Which access levels each kind of user passes.
ALLOWED = {
    "unlinked": {Access.ANYONE},
    "deactivated": {Access.ANYONE},
    "official": {Access.ANYONE, Access.OFFICIAL},
    "unit admin": {Access.ANYONE, Access.OFFICIAL, Access.UNIT_ADMIN},
    "admin": set(Access),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("access", list(Access))
def test_refusal_for_every_access_and_every_kind_of_user(kind, access):
    reason = refusal(access, user(kind))
    assert (reason is None) == (access in ALLOWED[kind])
    if reason is not None:  # the reason names what is missing
        expected = {"unlinked": "common.need_link", "deactivated": "common.inactive"}.get(
            kind, "common.admin_only" if access == Access.ADMIN else "common.unit_admin_only"
        )
        assert reason == t(expected)


@pytest.mark.parametrize("kind", KINDS)
def test_every_registered_command_refuses_whoever_lacks_its_access(kind):
    for command in build_router().commands.values():
        assert (refusal(command.access, user(kind)) is None) == (command.access in ALLOWED[kind])


def test_a_command_or_form_registered_twice_is_an_error():
    router = Router()

    async def handler(ctx):
        return "ok"

    router.command("x")(handler)
    with pytest.raises(ValueError):
        router.command("x")(handler)
    other = Router()
    other.command("x")(handler)
    with pytest.raises(ValueError):
        router.include(other)


def test_every_command_has_its_usage_and_a_summary_text():
    for name, command in build_router().commands.items():
        assert command.usage.startswith(f"/{name}"), name
        assert command.hidden or t(command.summary), name


def test_what_a_handler_returns_becomes_replies():
    assert as_replies(None) == []
    assert as_replies("Xin chào") == [Reply("Xin chào")]
    assert as_replies(Reply("a")) == [Reply("a")]
    assert as_replies([Reply("a"), Reply("b")]) == [Reply("a"), Reply("b")]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("", None),
        ("-3", None),
        ("1.5", None),
        ("²", None),
        ("１２", None),
        ("1234567890", None),
        ("12abc", None),
    ],
)
def test_record_numbers_typed_after_a_command(typed, expected):
    assert record_id(typed) == expected
