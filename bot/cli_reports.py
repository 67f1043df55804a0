"""`python -m bot report [--period 2026H1|2026] --out FILE.docx [--unit CODE]`: the periodic
report draft (sơ kết 6 tháng, tổng kết năm) as a Word file, for the operator who holds the
database (any unit or the whole commune); audited as "cli"."""

from pathlib import Path

from handlers.errors import UserError
from handlers.periods import period_label
from handlers.services.report.drafts import Asked, write_draft
from handlers.services.report.period import asked_period
from handlers.texts import t
from knowledge.targets import load_targets
from storage.repo import Repo
from storage.types import utcnow


class ReportFailure(Exception):
    """What the operator asked for cannot be made; the message is printed, the exit code 2."""


async def periodic_report(app, args) -> str:
    """The draft written to `args.out`; returns the line to print."""
    if not args.out.lower().endswith(".docx"):
        raise ReportFailure(t("report.must_be_docx", file=args.out))
    options = app.conversation.options
    today = utcnow().astimezone(options.timezone).date()
    folder = app.settings.knowledge_dir
    async with app.sessionmaker() as session, session.begin():
        try:
            targets = load_targets(folder)
            asked = Asked(
                period=asked_period(args.period, today, targets.training_from),
                unit_code=args.unit,
                today=today,
                cal=options.calendar,
                targets=targets,
                knowledge_dir=folder,
            )
            made = await write_draft(Repo(session), asked, Path(args.out), actor="cli")
        except UserError as error:
            raise ReportFailure(str(error)) from None
        except OSError as error:
            raise ReportFailure(
                t("summaries.cannot_write", file=args.out, reason=error.strerror)
            ) from None
    scope = made.data.scope
    return t(
        "report.written",
        period=made.data.period.label,
        where=made.where,
        date=scope.as_of.strftime("%d/%m/%Y"),
        rating=period_label(scope.period),
        file=args.out,
    )
