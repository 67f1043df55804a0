"""`python -m bot training-plan --year 2027 --out FILE.xlsx [--unit CODE]`: the annual
training plan's workbook, for the operator who holds the database (any unit or the whole
commune); audited as "cli"."""

from pathlib import Path

from handlers.errors import UserError
from handlers.services.training_plan.export import Request, plan_for_operator
from handlers.services.training_plan.read import first_year, parse_year
from handlers.texts import t
from knowledge.targets import load_targets
from storage.repo import Repo


class PlanFailure(Exception):
    """What the operator asked for cannot be made; the message is printed, the exit code 2."""


async def training_plan(app, args) -> str:
    """The workbook written to `args.out`; returns the line to print."""
    if not args.out.lower().endswith(".xlsx"):
        raise PlanFailure(t("training_plan.not_xlsx", file=args.out))
    options = app.conversation.options
    today = app.conversation.clock().astimezone(options.timezone).date()
    async with app.sessionmaker() as session, session.begin():
        targets = load_targets(app.settings.knowledge_dir)
        try:
            request = Request(
                unit_code=args.unit,
                year=parse_year(args.year, today, first_year(targets)),
                today=today,
                cal=options.calendar,
                knowledge=app.conversation.knowledge,
                targets=targets,
                actor="cli",
            )
            plan = await plan_for_operator(Repo(session), Path(args.out), request)
        except UserError as error:
            raise PlanFailure(str(error)) from None
        except OSError as error:
            raise PlanFailure(
                t("training_plan.cannot_write", file=args.out, reason=error.strerror)
            ) from None
    return t(
        "training_plan.exported",
        year=plan.year,
        where=plan.where,
        registrations=len(plan.lines),
        flagged=len(plan.flags),
        file=args.out,
    )
