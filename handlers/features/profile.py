"""/toi: the linked official's own record, and where their road to the standard stands."""

from handlers.context import Context
from handlers.formatting import show_date
from handlers.router import Access, Router
from handlers.services.road import road_of
from handlers.services.road_messages import profile_line
from handlers.texts import label, t

router = Router()


def _yes_no(value: bool) -> str:
    return t("labels.yes_word") if value else t("labels.no_word")


@router.command("toi", access=Access.OFFICIAL, summary="help.toi", menu="help.menu_toi")
async def profile(ctx: Context) -> str:
    official = ctx.official
    accounts = await ctx.repo.accounts.of_official(official.id)
    road = await road_of(
        ctx.repo,
        official,
        ctx.knowledge,
        ctx.local_now.date(),
        self_study_days=ctx.options.self_study_days,
    )
    card = t(
        "profile.card",
        name=official.full_name,
        code=official.code,
        title=official.title or "—",
        unit=official.unit.name if official.unit else "—",
        group=label(official.position_group),
        gender=label(official.gender),
        birth_date=show_date(official.birth_date),
        ethnicity=official.ethnicity or "—",
        education=label(official.education_level),
        major=official.major or "—",
        major_fits=_yes_no(official.major_fits_position),
        political_theory=label(official.political_theory_level),
        state_management=label(official.state_management_level),
        equipped=_yes_no(official.equipped_to_standard),
        phone=official.phone or "—",
        role=label(official.role),
        channels=", ".join(t(f"labels.platform_{a.platform}") for a in accounts) or "—",
    )
    return card + "\n\n" + profile_line(road)
