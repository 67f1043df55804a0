"""/caidat: an official turns the optional nudges (self-study, training registration, the
quarterly road nudge) off or on; evaluation reminders and announcements always arrive."""

from handlers.context import Context
from handlers.router import Access, Router
from handlers.texts import t
from handlers.types import Choice, Reply

router = Router()

ON, OFF = "on", "off"


@router.command("caidat", access=Access.OFFICIAL, summary="help.caidat")
async def settings(ctx: Context) -> Reply:
    official = ctx.official
    wanted = ctx.args.strip().lower()
    if wanted in (ON, OFF) and (wanted == ON) != official.nudges:
        official.nudges = wanted == ON
        await ctx.repo.audit.record(
            ctx.actor,
            "settings",
            "official",
            official.code,
            before={"nudges": not official.nudges},
            after={"nudges": official.nudges},
        )
    state = t("settings.state_on") if official.nudges else t("settings.state_off")
    toggle = (
        Choice(t("settings.turn_off"), f"/caidat {OFF}")
        if official.nudges
        else (Choice(t("settings.turn_on"), f"/caidat {ON}"))
    )
    return Reply(t("settings.card", state=state), (toggle,))
