"""The files the command line makes for the operator, who holds the database (any unit or the
whole commune): the summary workbook (`export`), the annual training plan (`training-plan`)
and the periodic report draft (`report`). Each is audited as "cli"; what cannot be made is a
Failure with exit code 2 and a Vietnamese message."""

import errno
from pathlib import Path

from bot.app import App
from bot.failure import Failure
from handlers.errors import UserError
from handlers.periods import period_label
from handlers.services.report.drafts import Asked, write_draft
from handlers.services.report.period import asked_period
from handlers.services.summaries import ScopeError, export_for_operator
from handlers.services.training_plan.export import Request, plan_for_operator
from handlers.services.training_plan.read import first_year, parse_year
from handlers.texts import t
from knowledge.targets import load_targets
from storage.repo import Repo

# Why a file could not be written, in Vietnamese (the OS says it in English).
OS_REASONS = {
    errno.ENOENT: "summaries.os_no_folder",
    errno.ENOTDIR: "summaries.os_no_folder",
    errno.EACCES: "summaries.os_denied",
    errno.EPERM: "summaries.os_denied",
    errno.EISDIR: "summaries.os_is_folder",
    errno.ENOSPC: "summaries.os_full",
    errno.EROFS: "summaries.os_read_only",
}


def os_reason(error: OSError, file: str) -> str:
    key = OS_REASONS.get(error.errno)
    folder = Path(file).parent
    if key == "summaries.os_no_folder" and folder.is_dir():  # /proc: no file may be made there
        key = "summaries.os_cannot_create"
    if key is None:
        return error.strerror or str(error)
    return t(key, folder=str(folder))


def unit_named(args) -> str | None:
    """--unit's code; None when not given. Given empty (`--unit ''`, a variable not set) is
    refused: it would quietly mean the whole commune."""
    if args.unit is not None and not args.unit.strip():
        raise Failure(t("summaries.empty_unit"), 2)
    return args.unit


async def cmd_export(app: App, args) -> None:
    if not args.out.lower().endswith(".xlsx"):
        raise Failure(f"Tên tệp phải kết thúc bằng .xlsx: {args.out}", 2)
    unit_named(args)
    options = app.conversation.options
    async with app.sessionmaker() as session, session.begin():
        try:
            summary = await export_for_operator(
                Repo(session),
                load_targets(app.settings.knowledge_dir),
                Path(args.out),
                unit_code=args.unit,
                quarter=args.quarter,
                cal=options.calendar,
                today=app.conversation.clock().astimezone(options.timezone).date(),
                zone=options.timezone,
            )
        except ScopeError as error:
            raise Failure(str(error), 2) from None
        except OSError as error:
            raise Failure(
                t("summaries.cannot_write", file=args.out, reason=os_reason(error, args.out)), 2
            ) from None
    scope = summary.scope
    print(
        t(
            "summaries.exported",
            where=scope.name,
            date=scope.as_of.strftime("%d/%m/%Y"),
            period=period_label(scope.period),
            file=args.out,
        )
    )


async def cmd_training_plan(app: App, args) -> None:
    """`training-plan --year 2027 --out FILE.xlsx [--unit CODE]`: the annual training plan's
    workbook."""
    if not args.out.lower().endswith(".xlsx"):
        raise Failure(t("training_plan.not_xlsx", file=args.out), 2)
    unit_named(args)
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
            raise Failure(str(error), 2) from None
        except OSError as error:
            raise Failure(
                t("training_plan.cannot_write", file=args.out, reason=os_reason(error, args.out)),
                2,
            ) from None
    print(
        t(
            "training_plan.exported",
            year=plan.year,
            where=plan.where,
            registrations=len(plan.lines),
            flagged=len(plan.flags),
            file=args.out,
        )
    )


async def cmd_report(app: App, args) -> None:
    """`report [--period 2026H1|2026] --out FILE.docx [--unit CODE]`: the periodic report draft
    (sơ kết 6 tháng, tổng kết năm) as a Word file."""
    if not args.out.lower().endswith(".docx"):
        raise Failure(t("report.must_be_docx", file=args.out), 2)
    unit_named(args)
    options = app.conversation.options
    today = app.conversation.clock().astimezone(options.timezone).date()
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
            raise Failure(str(error), 2) from None
        except OSError as error:
            raise Failure(
                t("summaries.cannot_write", file=args.out, reason=os_reason(error, args.out)), 2
            ) from None
    scope = made.data.scope
    print(
        t(
            "report.written",
            period=made.data.period.label,
            where=made.where,
            date=scope.as_of.strftime("%d/%m/%Y"),
            rating=period_label(scope.period),
            file=args.out,
        )
    )
