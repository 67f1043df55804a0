"""Every command of the router, for every kind of user, with no form open and with each form
open (tests/helpers/forms_walk.py): what the user may not do writes nothing and queues nothing, a
form whose access was lost since it opened is closed with a word of why, and every reply is a
clear Vietnamese message, never the error apology.

The users are the record as it is now: a form opened while an admin, then the admin
deactivated (a roster import), is such a case.
"""

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.channels.console import link_console_user
from handlers.router import Access
from handlers.texts import t
from storage.enums import Role
from storage.models import Official
from tests.helpers.forms_walk import Spot, data_rows, restore, say, spot_of, walk
from tests.helpers.fuzz_harness import SLOW

VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]")
APOLOGY = t("common.error", reference="X").split("\n")[0]


@dataclass(frozen=True)
class Who:
    name: str
    code: str | None  # the official linked to this console user; None: nobody
    access: Access  # the most this user may do by their current record
    role: Role = Role.OFFICIAL
    active: bool = True
    unit: bool = True

    @property
    def user(self) -> str:
        return self.code or "stranger"


PEOPLE = [
    Who("unlinked", None, Access.ANYONE),
    Who("official", "DEMO010", Access.OFFICIAL),
    Who("unit admin", "DEMO011", Access.UNIT_ADMIN, Role.UNIT_ADMIN),
    Who("unit admin without a unit", "DEMO013", Access.UNIT_ADMIN, Role.UNIT_ADMIN, unit=False),
    Who("admin", "DEMO001", Access.ADMIN, Role.ADMIN),
    Who("deactivated official", "DEMO014", Access.ANYONE, active=False),
    Who("deactivated admin", "DEMO002", Access.ANYONE, Role.ADMIN, active=False),
]
REFUSALS = {
    Access.OFFICIAL: ("common.need_link", "common.inactive"),
    Access.UNIT_ADMIN: ("common.unit_admin_only",),
    Access.ADMIN: ("common.admin_only",),
}


async def _people(app) -> None:
    for who in PEOPLE:
        if who.code is None:
            continue
        assert await link_console_user(app.conversation, who.code)
        async with app.sessionmaker() as session, session.begin():
            official = await session.scalar(select(Official).where(Official.code == who.code))
            official.role, official.active = who.role, who.active
            if not who.unit:
                official.unit_id = None


def _allowed(who: Who, access: Access) -> bool:
    return access == Access.ANYONE or (who.access >= access and who.access != Access.ANYONE)


def _refused(out: str, who: Who, access: Access) -> bool:
    keys = REFUSALS[access] if who.access != Access.ANYONE else REFUSALS[Access.OFFICIAL]
    return any(t(key).split("\n")[0] in out for key in keys)


async def _matrix(app, argument: str) -> None:
    spots = await walk(app)
    await _people(app)
    router = app.conversation.router
    # No form open, then each form open at its first question.
    states: list[Spot | None] = [None, *{s.form: s for s in reversed(spots)}.values()]

    async def check(who: Who, state: Spot | None, name: str, keeps_form: bool) -> None:
        form = router.forms[state.form] if state else None
        await restore(app, state, "console", who.user)
        typed = f"/{name}{argument}"
        out = await say(app, who.user, typed)
        where = f"{who.name}, {state or 'no form'}, {typed}: {out}"
        assert out.strip() and APOLOGY not in out and VIETNAMESE.search(out), where
        if form is not None and not keeps_form:  # closed, then the command as usual
            assert "đã được đóng lại" in out, where
            after = await spot_of(app, "console", who.user)
            assert after is None or (after.form, after.step) != (state.form, state.step), where
        access = router.commands[name].access
        if not _allowed(who, access):  # refused, form or not
            assert _refused(out, who, access), where
        elif keeps_form and name not in ("huy", "quaylai", "help"):
            assert f"lệnh /{name} chưa chạy" in out, where

    for who in PEOPLE:
        for state in states:
            form = router.forms[state.form] if state else None
            keeps_form = form is not None and _allowed(who, form.access)
            # What must write nothing: every command the user may not use, and any command
            # typed while a form they may fill in is open. The rest may write.
            quiet = [
                name
                for name, command in router.commands.items()
                if keeps_form or not _allowed(who, command.access)
            ]
            before = await data_rows(app)
            for name in quiet:
                await check(who, state, name, keeps_form)
            assert await data_rows(app) == before, f"{who.name} in {state or 'no form'}: wrote"
            for name in router.commands.keys() - set(quiet):
                await check(who, state, name, keeps_form)
            await restore(app, None, "console", who.user)


async def test_every_command_for_every_user_with_and_without_a_form(app, tmp_path):
    _charts_to(app, tmp_path)
    await _matrix(app, "")


@SLOW
async def test_every_command_with_an_argument_for_every_user(app, tmp_path):
    _charts_to(app, tmp_path)
    await _matrix(app, " 1")


def _charts_to(app, folder) -> None:
    import dataclasses

    app.conversation.options = dataclasses.replace(
        app.conversation.options, summaries_dir=folder / "summaries"
    )


@pytest.mark.parametrize(
    "who", [w for w in PEOPLE if w.access < Access.UNIT_ADMIN or not w.unit], ids=lambda w: w.name
)
async def test_those_who_may_not_see_a_unit_see_no_one(app, who):
    await walk(app)
    await _people(app)
    for typed in ("/xemdanhgia", "/xacnhan 1", "/tonghop", "/chitieu 5", "/chuanop", "/xuat"):
        out = await say(app, who.user, typed)
        assert "Hoàng Minh Tuấn" not in out and "#1" not in out, f"{who.name}: {typed}: {out}"
