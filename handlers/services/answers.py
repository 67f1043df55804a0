"""The reply to a question about the plan, from the knowledge base: what the chat shows, what
`python -m bot ask` prints, and what is still answered while the database is down."""

from handlers.texts import t
from handlers.types import Choice, Reply
from knowledge.answers import Answer, KnowledgeBase
from knowledge.entries import Entry

LABEL_LIMIT = 60  # a suggestion button's label
# The longest text searched as a question. Real questions are a line or two (the longest of
# tests/data/qa_eval.yaml is under 100 characters); normalising and searching a 4,000-
# character text cost ~15-40 ms of the event loop each, what a flood is made of.
QUESTION_LIMIT = 500


def reply_for(knowledge: KnowledgeBase, question: str) -> tuple[Reply, Answer]:
    """The reply to a question; `python -m bot ask` prints the same text."""
    if len(question) > QUESTION_LIMIT:  # asked to shorten it; nothing searched, nothing logged
        text = t("questions.too_long", length=len(question), limit=QUESTION_LIMIT)
        return Reply(text), Answer(False, 0.0, None, "", None, chat=True)
    small_talk = knowledge.normalizer.chit_chat(question)
    if small_talk:  # a greeting or thanks: a friendly word, and nothing to log
        return Reply(t(f"questions.{small_talk}")), Answer(False, 0.0, None, "", None, chat=True)
    answer = knowledge.ask(question)
    if answer.confident:
        return entry_reply(answer.entry, answer.text, answer.also), answer
    choices = tuple(Choice(_short(e.title), f"/xem {e.id}") for e in answer.suggestions)
    if answer.not_covered:
        text = t("questions.topic_not_covered", topic=answer.not_covered)
        if answer.nearby:  # what the plan does say closest, so the refusal is not a dead end
            text += "\n\n" + t("questions.nearby", nearby=answer.nearby)
        return Reply(text + ("\n\n" + t("questions.related") if choices else ""), choices), answer
    if answer.unclear:
        senses = " hay ".join(f"«{sense}»" for sense in answer.unclear)
        return Reply(t("questions.unclear", senses=senses)), answer
    if choices:
        return Reply(t("questions.maybe"), choices), answer
    return Reply(t("questions.not_covered")), answer


def entry_reply(entry: Entry, text: str, also: tuple[Entry, ...] = ()) -> Reply:
    """The answer with a «Xem toàn văn» button for each of its entries that quotes the plan."""
    quoted = [e for e in (entry, *also) if e.text]
    if len(quoted) == 1:
        return Reply(text, (Choice(t("questions.full_text_button"), f"/toanvan {quoted[0].id}"),))
    label = t("questions.full_text_of")
    return Reply(
        text, tuple(Choice(f"{label} {_short(e.title)}", f"/toanvan {e.id}") for e in quoted)
    )


def _short(title: str) -> str:
    """The title cut to fit a button, between words."""
    if len(title) <= LABEL_LIMIT:
        return title
    return title[: LABEL_LIMIT - 1].rsplit(" ", 1)[0].rstrip(" ,;:—-") + "…"
