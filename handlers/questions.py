"""Questions about the plan: any text outside a form, or /hoi; admins review what went unanswered."""

from datetime import timedelta

from handlers.context import Context
from handlers.formatting import local_date
from handlers.router import Access, Router
from handlers.texts import t
from handlers.types import Choice, Reply
from knowledge.answers import Answer, KnowledgeBase
from knowledge.entries import Entry, KnowledgeError
from knowledge.normalize import Normalizer, fold

router = Router()

REVIEW_WINDOW = timedelta(days=90)
LABEL_LIMIT = 60  # a suggestion button's label


def reply_for(knowledge: KnowledgeBase, question: str) -> tuple[Reply, Answer]:
    """The reply to a question; `python -m bot ask` prints the same text."""
    small_talk = Normalizer.default().chit_chat(question)
    if small_talk:  # a greeting or thanks: a friendly word, and nothing to log
        return Reply(t(f"questions.{small_talk}")), Answer(False, 0.0, None, "", None, chat=True)
    answer = knowledge.ask(question)
    if answer.confident:
        return _entry_reply(answer.entry, answer.text), answer
    choices = tuple(Choice(_short(e.title), f"/xem {e.id}") for e in answer.suggestions)
    if answer.not_covered:
        text = t("questions.topic_not_covered", topic=answer.not_covered)
        return Reply(text + ("\n" + t("questions.related") if choices else ""), choices), answer
    if choices:
        return Reply(t("questions.maybe"), choices), answer
    return Reply(t("questions.not_covered")), answer


def _entry_reply(entry: Entry, text: str) -> Reply:
    choices = (Choice(t("questions.full_text_button"), f"/toanvan {entry.id}"),) if entry.text else ()
    return Reply(text, choices)


def _short(title: str) -> str:
    """The title cut to fit a button, between words."""
    if len(title) <= LABEL_LIMIT:
        return title
    return title[: LABEL_LIMIT - 1].rsplit(" ", 1)[0].rstrip(" ,;:—-") + "…"


async def answer_question(ctx: Context, question: str) -> Reply:
    reply, answer = reply_for(ctx.knowledge, question)
    if not answer.confident and not answer.chat:
        await ctx.repo.questions.log(
            ctx.incoming.channel, question, fold(question), answer.score,
            [e.id for e in answer.suggestions],
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
    return _entry_reply(entry, ctx.knowledge.answer_text(entry))


@router.command("toanvan", hidden=True)
async def full_text(ctx: Context) -> Reply:
    entry = ctx.knowledge.entry(ctx.args.strip())
    if entry is None:
        return Reply(t("questions.gone"))
    body = entry.text or "\n".join(entry.facts)
    return Reply(t("questions.full_text", title=entry.title, body=body,
                   source=ctx.knowledge.cite(entry)))


@router.command("cauhoimoi", access=Access.ADMIN, summary="help.cauhoimoi")
async def unanswered(ctx: Context) -> str:
    rows = await ctx.repo.questions.most_frequent(ctx.now - REVIEW_WINDOW)
    if not rows:
        return t("questions.review_empty")
    lines = [
        t("questions.review_line", number=n, question=question, count=count,
          last=local_date(last, ctx.options.timezone))
        for n, (question, count, last) in enumerate(rows, 1)
    ]
    return t("questions.review", lines="\n".join(lines))


@router.command("kb_reload", access=Access.ADMIN, summary="help.kb_reload")
async def reload(ctx: Context) -> str:
    try:
        plan = ctx.knowledge.reload()
    except KnowledgeError as error:
        return t("questions.reload_failed", problem=str(error))
    return t("questions.reloaded", entries=len(plan.entries),
             questions=sum(len(e.questions) for e in plan.entries))
