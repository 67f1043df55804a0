"""An admin sends the roster spreadsheet to the bot in chat and gets the import report back
(the same import as `python -m bot roster import`, in the update's one transaction)."""

from handlers.context import Context
from handlers.router import Router
from handlers.texts import t
from handlers.types import Reply

router = Router()

ROSTER_FILES = (".xlsx", ".csv")
MAX_PROBLEMS = 15  # a chat message lists this many problems; the rest are counted


async def on_file(ctx: Context) -> Reply:
    from handlers.services.roster import (
        import_roster_file,  # with openpyxl (8 MB): when a file comes
    )

    file = ctx.incoming.attachments[0]
    name = (file.name or "").lower()
    if not (ctx.is_admin and file.kind == "document" and name.endswith(ROSTER_FILES)):
        return Reply(t("questions.no_text"))
    if ctx.download is None:
        return Reply(t("roster_chat.cannot_download"))
    data = await ctx.download(file)
    report = await import_roster_file(ctx.repo, data, file.name, actor=ctx.actor,
                                      today=ctx.local_now.date())
    return Reply(report.text(max_problems=MAX_PROBLEMS))


router.on_file = on_file
