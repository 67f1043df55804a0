"""Questions about the plan: any text outside a form, or /hoi; admins review what went unanswered."""

from datetime import timedelta

from handlers.context import Context
from handlers.formatting import local_date
from handlers.router import Access, Router
from handlers.services.answers import entry_reply, reply_for
from handlers.texts import t
from handlers.types import Reply
from knowledge.entries import KnowledgeError
from knowledge.normalize import fold

router = Router()

REVIEW_WINDOW = timedelta(days=90)


async def answer_question(ctx: Context, question: str) -> Reply:
    reply, answer = reply_for(ctx.knowledge, question)
    if not answer.confident and not answer.chat:
        await ctx.repo.questions.log(
            ctx.incoming.channel,
            question,
            fold(question),
            answer.score,
            [e.id for e in answer.suggestions],
            linked=ctx.linked,
        )
    return reply


async def free_text(ctx: Context) -> Reply:
    if not ctx.text:  # a photo or file with no words, outside any form
        return Reply(t("questions.no_text"))
    if ctx.text.isdecimal():  # "2" when no options are on offer any more
        return Reply(t("questions.bare_number"))
    return await answer_question(ctx, ctx.text)


router.fallback = free_text
router.offline = lambda knowledge, question: reply_for(knowledge, question)[0]


@router.command("hoi", usage="/hoi CÂU_HỎI", summary="help.hoi")
async def ask(ctx: Context) -> Reply:
    if not ctx.args:
        return Reply(t("questions.ask_usage"))
    return await answer_question(ctx, ctx.args)


@router.command("xem", hidden=True)
async def show_entry(ctx: Context) -> Reply:
    entry = ctx.knowledge.entry(ctx.args.strip())
    if entry is None:
        return Reply(t("questions.gone"))
    return entry_reply(entry, ctx.knowledge.answer_text(entry))


@router.command("toanvan", hidden=True)
async def full_text(ctx: Context) -> Reply:
    entry = ctx.knowledge.entry(ctx.args.strip())
    if entry is None:
        return Reply(t("questions.gone"))
    body = entry.text or "\n".join(entry.facts)
    return Reply(
        t("questions.full_text", title=entry.title, body=body, source=ctx.knowledge.cite(entry))
    )


@router.command("cauhoimoi", access=Access.ADMIN, summary="help.cauhoimoi")
async def unanswered(ctx: Context) -> str:
    rows = await ctx.repo.questions.most_frequent(ctx.now - REVIEW_WINDOW)
    if not rows:
        return t("questions.review_empty")
    lines = [
        t(
            "questions.review_line",
            number=n,
            question=question,
            count=count,
            last=local_date(last, ctx.options.timezone),
        )
        for n, (question, count, last) in enumerate(rows, 1)
    ]
    return t("questions.review", lines="\n".join(lines))


@router.command("kb_reload", access=Access.ADMIN, summary="help.kb_reload")
async def reload(ctx: Context) -> str:
    try:
        plan = ctx.knowledge.reload()
    except KnowledgeError as error:
        return t("questions.reload_failed", problem=str(error))
    return t(
        "questions.reloaded",
        entries=len(plan.entries),
        questions=sum(len(e.questions) for e in plan.entries),
    )
