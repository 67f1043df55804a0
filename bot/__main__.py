"""Command line: `python -m bot …` (also installed as `canbo-bot`): what each command does.
Its arguments are in bot/arguments.py."""

import asyncio
import gc
import json
import logging
import os
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.app import App, DatabaseUnavailable, backup_problem, open_app, safe_url
from bot.arguments import check_db, parser
from bot.channels.console import (
    GUEST,
    PLATFORM,
    ConsoleChannel,
    link_console_user,
    render,
    run_console,
)
from bot.cli_files import cmd_export, cmd_report, cmd_training_plan
from bot.config import ConfigError, Settings, load_settings
from bot.delivery import Deliverer, outbox_counts
from bot.desk.cli import cmd_desk_link, cmd_web
from bot.failure import Failure
from bot.health import running_processes
from bot.redact import keep_secret, redact, setup_logging
from bot.scheduler import plan_once
from bot.status import describe_status
from handlers.formatting import local_date, local_datetime, platform_names
from handlers.services.accounts import ROLES, Change, Refused, describe, set_role, unlink
from handlers.services.answers import reply_for
from handlers.services.invites import already_linked_note, issue_invite
from handlers.texts import label, t
from knowledge.answers import KnowledgeBase
from knowledge.entries import KnowledgeError
from storage import backup, db
from storage.demo import is_demo_database, seed_demo
from storage.repo import Repo
from storage.types import utcnow


async def cmd_run(app: App, args) -> None:
    if app.settings.has_platform_token:
        # Imported here: aiogram takes seconds to import, which other commands need not pay.
        from bot.runner import StartError, serve

        if args.role == "web" and not app.settings.webhook_base_url:
            raise Failure("--role web cần WEBHOOK_BASE_URL (chế độ webhook).", 2)
        if args.role != "all" and not app.settings.redis_url:
            logging.getLogger("bot").warning(
                "--role %s without REDIS_URL: several processes then neither keep each "
                "user's messages in order nor share the send rate",
                args.role,
            )
        _freeze_loaded()
        try:
            await serve(app, role=args.role)
        except StartError as error:
            raise Failure(str(error)) from None
        return
    async with app.sessionmaker() as session, session.begin():
        if await Repo(session).officials.count() == 0:
            seeded = await seed_demo(session)
            print(f"Đã nạp dữ liệu mẫu: {seeded.officials} cán bộ.", file=sys.stderr)
    await chat_as(app, app.settings.demo_user)


def _freeze_loaded() -> None:
    """Everything loaded by now (libraries, the knowledge base, the app) lives as long as the
    process: it is moved out of the garbage collector's reach. Otherwise each full collection
    walks all of it: a pause of ~140 ms every few seconds under load, which every update in
    hand waits through (bench/RESULTS.md, section 1). Collected first, so no garbage is kept."""
    gc.collect()
    gc.freeze()


async def cmd_chat(app: App, args) -> None:
    await chat_as(app, args.user)


async def chat_as(app: App, official_code: str | None) -> None:
    async with app.sessionmaker() as session:
        demo = await is_demo_database(session)
        linked_before = official_code and await Repo(session).accounts.find(PLATFORM, official_code)
    user_id = GUEST
    if official_code:
        user_id = await link_console_user(app.conversation, official_code)
        if user_id is None:
            raise Failure(f"Không có cán bộ đang công tác với mã {official_code}.", 2)
    if not demo:  # a commune's database: its pushes are for the running bot to send
        try:
            await run_console(app.conversation, user_id, sys.stdin, sys.stdout)
        finally:  # no console account left behind to be counted or pushed to
            if official_code and not linked_before:
                await _unlink_console(app, user_id)
        return
    options = app.conversation.options
    deliverer = Deliverer(app.sessionmaker, {PLATFORM: ConsoleChannel(sys.stdout)}, options)

    async def plan_and_deliver() -> int:
        # The console has no scheduler running: plan what is due, then send it.
        await plan_once(app.sessionmaker, options)
        return await deliverer.run_once()

    await plan_and_deliver()
    await run_console(app.conversation, user_id, sys.stdin, sys.stdout, plan_and_deliver)


async def _unlink_console(app: App, user_id: str) -> None:
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        if (account := await repo.accounts.find(PLATFORM, user_id)) is not None:
            await repo.accounts.unlink(account)


async def cmd_status(app: App, args) -> None:
    """The running processes (from their files in STATE_DIR) and the outbox (from the
    database). Exit 1 when no process runs or a channel is not online: for a monitor."""
    processes = running_processes(app.settings.state_dir)
    url = make_url(app.settings.database_url)
    try:  # a database not made yet, or not migrated: `status` neither creates nor changes it
        if url.get_backend_name() == "sqlite" and not Path(url.database or "").exists():
            raise FileNotFoundError(f"chưa có tệp {url.database}")
        outbox = await outbox_counts(app.sessionmaker)
    except (OSError, SQLAlchemyError) as error:
        outbox = {"error": str(getattr(error, "orig", None) or error).splitlines()[0]}
    if args.json:
        print(json.dumps({"processes": processes, "outbox": outbox}, ensure_ascii=False))
    else:
        print(describe_status(processes, outbox, app.settings.state_dir, app.settings.zone))
    if not processes or any(p["status"] != "ok" for p in processes):
        raise Failure("", 1)


async def cmd_db(app: App, args) -> None:
    # `open_app` has already migrated; say where the schema stands.
    revision = await db.current_revision(app.engine)
    print(f"{safe_url(app.settings.database_url)}: phiên bản lược đồ {revision}")


def cmd_db_backup(settings: Settings, args) -> None:
    """Without opening the app: that would migrate first, and a backup taken before a
    migration is the point. The file's path alone on the last line, for scripts."""
    directory = Path(args.dir)
    try:
        taken = backup.take(settings.database_url, directory)
    except backup.BackupError as error:
        raise Failure(backup_problem(error)) from None
    print(t("backup.done", database=safe_url(settings.database_url), size=_size(taken.size)))
    if args.keep and (pruned := backup.prune(directory, args.keep)):
        print(t("backup.pruned", count=len(pruned), keep=args.keep))
    print(taken.path)


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} KB"


async def cmd_demo_data(app: App, args) -> None:
    async with app.sessionmaker() as session, session.begin():
        seeded = await seed_demo(session)
    print(
        f"Dữ liệu mẫu: thêm {seeded.units} đơn vị, {seeded.officials} cán bộ (đã có thì giữ nguyên)."
    )


async def cmd_invite(app: App, args) -> None:
    ttl = (
        timedelta(days=args.days) if args.days is not None else app.conversation.options.invite_ttl
    )
    if not timedelta(days=1) <= ttl <= timedelta(days=365):
        raise Failure("Số ngày hiệu lực phải từ 1 đến 365.", 2)
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        official = await repo.officials.by_code(args.official_code)
        if official is None or not official.active:
            raise Failure(f"Không có cán bộ đang công tác với mã {args.official_code}.", 2)
        issued = await issue_invite(
            repo,
            official,
            now=utcnow(),
            ttl=ttl,
            admin=args.admin,
            actor="cli",
            telegram_username=app.settings.telegram_bot_username,
        )
    if args.json:
        print(
            json.dumps(
                {
                    "code": issued.code,
                    "expires_at": issued.expires_at.isoformat(),
                    "deep_link": issued.deep_link,
                },
                ensure_ascii=False,
            )
        )
        return
    expires = local_datetime(issued.expires_at, app.settings.zone)
    role = " (quyền quản trị viên)" if args.admin else ""
    print(
        f"Mã mời cho {official.full_name} ({official.code}){role}, dùng một lần, hết hạn {expires}."
    )
    if note := already_linked_note(issued):
        print(note)
    print(f"Cán bộ gửi cho trợ lý: /start {issued.code}")
    if issued.deep_link:
        print(f"Liên kết Telegram: {issued.deep_link}")
    print(issued.code)


async def cmd_account(app: App, args) -> None:
    """Linked accounts and roles, for the operator: the same changes as /quyen in chat,
    audited as "cli"."""
    options = app.conversation.options
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        official = None
        code = getattr(args, "official_code", None) or getattr(args, "official", None)
        if code:
            official = await repo.officials.by_code(code)
            if official is None:
                raise Failure(t("permissions.unknown", code=code), 2)
        if args.account_action == "list":
            accounts = await repo.accounts.listing(official.id if official else None)
            if official is not None:
                print(describe(official, accounts, options))
                return
            for account in accounts:
                print(
                    f"{account.official.code}\t{account.official.full_name}\t"
                    f"{label(account.official.role)}\t{account.platform}\t"
                    f"{account.external_user_id}\t"
                    f"{local_date(account.linked_at, options.timezone)}"
                )
            print(t("permissions.cli_count", count=len(accounts)))
            return
        change = Change(repo, "cli", utcnow(), options)
        try:
            if args.account_action == "unlink":
                platforms = await unlink(change, official, args.platform)
                message = t(
                    "permissions.unlinked",
                    name=official.full_name,
                    platforms=platform_names(platforms),
                )
            else:
                await set_role(change, official, ROLES[args.role])
                message = t(
                    "permissions.role_set", name=official.full_name, role=label(ROLES[args.role])
                )
        except Refused as refused:
            raise Failure(str(refused), 2) from None
    print(message)


async def cmd_webhook(app: App, args) -> None:
    from aiogram.exceptions import TelegramAPIError

    from bot.channels.zalo_api import ZaloError, ZaloNetworkError
    from bot.webhooks import manage_webhook

    try:
        print(await manage_webhook(app.settings, args.channel, args.action))
    except ValueError as error:
        raise Failure(str(error), 2) from None
    except (TelegramAPIError, ZaloError, ZaloNetworkError) as error:
        raise Failure(f"{args.channel}: {error}".splitlines()[0]) from None


# The roster commands import handlers.services.roster (and with it openpyxl, 8 MB) when they run, not
# at every start of the bot.


async def cmd_roster(app: App, args) -> None:
    from handlers.services.roster import export_roster, import_roster_file

    if args.roster_action == "export":
        _check_roster_name(args.file)
        async with app.sessionmaker() as session:
            data, count = await export_roster(Repo(session), args.file)
        _write(args.file, data)
        print(t("roster.exported", count=count, file=args.file))
        return
    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        raise Failure(t("roster.cannot_read", file=args.file, reason=error.strerror), 2) from None
    # One transaction: the import writes all of the file or, on any problem, nothing.
    async with app.sessionmaker() as session, session.begin():
        report = await import_roster_file(
            Repo(session),
            data,
            Path(args.file).name,
            actor="cli",
            dry_run=args.dry_run,
            deactivate_missing=args.deactivate_missing,
        )
    if not report.ok:
        raise Failure(report.text(), 2)
    print(report.text(max_changes=None))  # a terminal has room for every change


def cmd_roster_template(settings: Settings, args) -> None:
    """The template offers the database's units in its «Đơn vị» column when there is a
    database; it neither creates nor migrates one (a template needs none)."""
    from handlers.services.roster import roster_template

    _check_roster_name(args.file)
    units = asyncio.run(_unit_names(settings))
    _write(args.file, roster_template(args.file, units))
    if units:
        print(t("roster.template_units_written", file=args.file, count=len(units)))
    else:
        print(t("roster.template_written", file=args.file))


async def _unit_names(settings: Settings) -> list[str]:
    """The units' names, or none when there is no database (yet) to read them from."""
    from handlers.services.roster.export import unit_names

    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return []
    kwargs = {"connect_args": {"timeout": 10}} if url.get_backend_name() == "postgresql" else {}
    engine = db.create_engine(settings.database_url, **kwargs)
    try:
        async with db.sessionmaker(engine)() as session:
            return await unit_names(Repo(session))
    except (OSError, SQLAlchemyError) as error:  # not reachable, or not migrated yet
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        print(t("roster.template_no_units", reason=redact(reason)), file=sys.stderr)
        return []
    finally:
        await engine.dispose()


def _check_roster_name(filename: str) -> None:
    from handlers.services.roster import SheetError, file_format

    try:
        file_format(filename)
    except SheetError as error:
        raise Failure(str(error), 2) from None


def _write(filename: str, data: bytes) -> None:
    try:
        Path(filename).write_bytes(data)
    except OSError as error:
        raise Failure(t("roster.cannot_write", file=filename, reason=error.strerror), 2) from None


COMMANDS = {
    "run": cmd_run,
    "webhook": cmd_webhook,
    "chat": cmd_chat,
    "status": cmd_status,
    "db": cmd_db,
    "demo-data": cmd_demo_data,
    "invite": cmd_invite,
    "account": cmd_account,
    "roster": cmd_roster,
    "export": cmd_export,
    "training-plan": cmd_training_plan,
    "report": cmd_report,
    "web": cmd_web,
    "desk-link": cmd_desk_link,
}


def cmd_ask(settings: Settings, args) -> None:
    """Answers without touching the database: the same reply text the chat would show."""
    if bool(args.question) == bool(args.batch):
        raise Failure("Cần đúng một trong hai: CÂU_HỎI hoặc --batch TỆP.", 2)
    knowledge = KnowledgeBase(settings.knowledge_dir)
    if args.batch:
        try:
            lines = Path(args.batch).read_text(encoding="utf-8-sig").splitlines()
        except OSError as error:
            raise Failure(f"Không đọc được {args.batch}: {error.strerror}", 2) from None
        questions, as_json = lines, True  # one output line per input line, blank ones too
    else:
        questions, as_json = [args.question], args.json
    for question in questions:
        if not question.strip():
            print(json.dumps({"answer": "", "confident": False, "source": None, "score": 0.0}))
            continue
        reply, answer = reply_for(knowledge, question)
        if as_json:
            print(
                json.dumps(
                    {
                        "answer": reply.text,
                        "confident": answer.confident,
                        "source": answer.source,
                        "score": round(answer.score, 4),
                    },
                    ensure_ascii=False,
                ),
                flush=True,
            )
        else:
            print(render(reply) + "\n")


async def execute(settings: Settings, args) -> None:
    # `status` only looks: it must not migrate under a running bot (after a `git pull`).
    async with open_app(settings, migrate=args.command != "status") as app:
        await COMMANDS[args.command](app, args)


def run_loop(work) -> None:
    """Run on uvloop where it is installed (Linux, macOS): about 15 % less CPU per update
    than asyncio's own loop, and a far shorter tail of slow replies (bench/RESULTS.md)."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(work)
    else:
        uvloop.run(work)


def main(argv: list[str] | None = None) -> int:
    # Whatever this process creates (the database, exports, backups, charts) holds personal
    # data: readable by its user only, from the first byte.
    os.umask(0o077)
    p = parser()
    args = p.parse_args(argv)
    if args.command == "db":
        check_db(p, args)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    keep_secret(*settings.secrets)
    setup_logging(settings.log_level)
    try:
        if args.command == "ask":
            cmd_ask(settings, args)
        elif args.command == "roster" and args.roster_action == "template":
            cmd_roster_template(settings, args)
        elif args.command == "db" and args.action == "backup":
            cmd_db_backup(settings, args)
        else:
            run_loop(execute(settings, args))
    except (DatabaseUnavailable, Failure, KnowledgeError) as error:
        if str(error):
            print(redact(str(error)), file=sys.stderr)
        return getattr(error, "code", 1)
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
