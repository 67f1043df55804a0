"""Linking a messaging account to an official with a one-time invite code."""

from datetime import timedelta

from handlers.context import Context
from handlers.formatting import local_datetime, platform_names
from handlers.router import Access, Router
from handlers.services.campaigns import catch_up, tell
from handlers.services.invites import already_linked_note, issue_invite
from handlers.texts import t
from storage.accounts import Redeemed

router = Router()

# After this many wrong codes within the window, further attempts wait for the window to pass.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


@router.command("start", usage="/start MÃ_MỜI", summary="help.start", menu="help.menu_start")
async def start(ctx: Context) -> str:
    if not ctx.args:
        if ctx.official is not None:
            return t("linking.welcome_back", name=ctx.official.full_name)
        return t("common.inactive") if ctx.linked else t("linking.welcome")
    return await _link(ctx, ctx.args)


async def _link(ctx: Context, code: str) -> str:
    incoming = ctx.incoming
    accounts = ctx.repo.accounts
    failures, oldest = await accounts.failures_since(
        incoming.channel, incoming.user_id, ctx.now - FAILURE_WINDOW
    )
    if failures >= MAX_FAILURES:
        wait = oldest + FAILURE_WINDOW - ctx.now
        return t("linking.throttled", minutes=max(1, round(wait.total_seconds() / 60)))

    invite = await accounts.invite(code)
    if (
        ctx.account is not None
        and invite is not None
        and (invite.official_id != ctx.account.official_id)
    ):
        # Someone else's code on an account already linked: no silent change of identity.
        return t("linking.other_official", name=ctx.account.official.full_name)
    result = await accounts.redeem(
        code,
        ctx.now,
        incoming.channel,
        incoming.user_id,
        incoming.chat_id,
        incoming.display_name,
    )
    if (
        result.outcome is Redeemed.USED
        and ctx.official is not None
        and result.invite.used_by_account_id == ctx.account.id
    ):
        # The same /start again (sent twice, or an old message): already done.
        return t("linking.welcome_back", name=ctx.official.full_name)
    if result.outcome is not Redeemed.LINKED:
        await accounts.record_failure(incoming.channel, incoming.user_id, ctx.now)
        return t(f"linking.{result.outcome.value}")

    official = result.account.official
    ctx.account = result.account
    for old in result.replaced:
        await ctx.repo.audit.record(
            ctx.actor,
            "unlink",
            "channel_account",
            old.id,
            note="replaced by a new invite",
            before={
                "platform": old.platform,
                "external_user_id": old.external_user_id,
                "official": official.code,
            },
        )
        await tell(
            ctx.repo,
            f"unlinked:{old.id}:{ctx.now.isoformat()}",
            official.id,
            t("linking.replaced_notice", name=official.full_name),
            ctx.now,
            ctx.options,
            to=(old.platform, old.chat_id),
        )
    # What went out before they were here and still concerns them: once each.
    await catch_up(ctx.repo, official.id, ctx.now, ctx.options)
    await ctx.repo.audit.record(
        ctx.actor,
        "link",
        "channel_account",
        result.account.id,
        after={
            "platform": incoming.channel,
            "external_user_id": incoming.user_id,
            "official": official.code,
            "grants_admin": result.invite.grants_admin,
        },
    )
    reply = t("linking.linked", name=official.full_name, code=official.code)
    if result.replaced:
        reply += "\n" + t(
            "linking.replaced",
            platforms=platform_names(sorted({a.platform for a in result.replaced})),
        )
    if result.invite.grants_admin:
        reply += "\n" + t("linking.admin_granted")
    return reply


@router.command("moi", access=Access.ADMIN, usage="/moi MÃ_CB [admin]", summary="help.moi")
async def invite(ctx: Context) -> str:
    words = ctx.args.split()
    if not words:
        return t("linking.invite_usage")
    official = await ctx.repo.officials.by_code(words[0])
    if official is None or not official.active:
        return t("linking.invite_unknown_official", code=words[0])
    admin = len(words) > 1 and words[1].lower() in {"admin", "quantri", "qtv"}
    issued = await issue_invite(
        ctx.repo,
        official,
        now=ctx.now,
        ttl=ctx.options.invite_ttl,
        admin=admin,
        actor=ctx.actor,
        telegram_username=ctx.options.telegram_username,
    )
    reply = t(
        "linking.invite_issued",
        name=official.full_name,
        code=issued.code,
        expires=local_datetime(issued.expires_at, ctx.options.timezone),
    )
    if admin:
        reply += "\n" + t("linking.invite_admin_note")
    if note := already_linked_note(issued):
        reply += "\n" + note
    if issued.deep_link:
        reply += "\n" + t("linking.invite_link", link=issued.deep_link)
    return reply
