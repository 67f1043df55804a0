"""/handangky: admins see and set the annual training registration window (the commune's
choice; the plan gives no dates). Moving it so that the open window closes now says so, with
how many have registered."""

from datetime import date

from handlers.context import Context
from handlers.formatting import show_date
from handlers.router import Access, Router
from handlers.services.registration import SETTING as WINDOW_SETTING
from handlers.services.registration import (
    WindowDays,
    WindowInvalid,
    next_window,
    parse_window,
    window_days,
)
from handlers.texts import t

router = Router()


@router.command(
    "handangky", access=Access.ADMIN, usage="/handangky [MỞ ĐÓNG]", summary="help.handangky"
)
async def set_window(ctx: Context) -> str:
    parts = ctx.args.split()
    before = await window_days(ctx.repo)
    if not parts:
        return _window_shown(before, ctx.local_now.date())
    if len(parts) != 2:
        return t("registration.window_usage")
    try:
        after = parse_window(*parts)
    except WindowInvalid as problem:
        return f"⚠️ {problem}"
    today = ctx.local_now.date()
    closing = next_window(before, today)
    await ctx.repo.settings.set(WINDOW_SETTING, after.as_setting(), ctx.actor)
    await ctx.repo.audit.record(
        ctx.actor,
        "registration_window_set",
        "commune_setting",
        WINDOW_SETTING,
        before=before.as_setting(),
        after=after.as_setting(),
    )
    parts = [t("registration.window_set"), _window_shown(after, today)]
    still = next_window(after, today)
    if closing.is_open(today) and not (still.is_open(today) and still.year == closing.year):
        registered = await ctx.repo.registrations.for_year(closing.year)
        parts.append(
            t(
                "registration.window_closes_now",
                year=closing.year,
                officials=len({r.official_id for r in registered}),
                count=len(registered),
            )
        )
    return "\n\n".join(parts)


def _window_shown(days: WindowDays, today: date) -> str:
    window = next_window(days, today)
    state = "window_open_now" if window.is_open(today) else "window_opens_later"
    return t(
        "registration.window_shown",
        opens=f"{days.opens[0]:02d}/{days.opens[1]:02d}",
        closes=f"{days.closes[0]:02d}/{days.closes[1]:02d}",
        state=t(
            f"registration.{state}",
            year=window.year,
            opens=show_date(window.opens),
            closes=show_date(window.closes),
        ),
    )
