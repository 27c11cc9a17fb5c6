"""The `helpdesk` command: the composition root. `serve` is the default command."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Callable, Sequence

from helpdesk import __version__
from helpdesk.config import ConfigError, Settings, check_port_free, load_settings, prepare_data_dir
from helpdesk.core.actors import ROLES
from helpdesk.logs import setup_logging

Command = Callable[[argparse.Namespace, Settings], int]


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="data directory (default: the user data dir, or HELPDESK_DATA_DIR)")


class _Version(argparse.Action):
    """The version and the commit the executable was built from; git is asked only when --version is given."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kwargs: object) -> None:
        from helpdesk.version import describe

        print(describe())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="helpdesk", description="Helpdesk: Telegram bot, Mini App and web panel.")
    parser.add_argument("--version", action=_Version, nargs=0, help="print the version and the commit, and exit")
    _common(parser)
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="run everything (the default)")
    _common(serve)
    serve.add_argument("--host", help="listen address (default 0.0.0.0)")
    serve.add_argument("--port", type=int, help="listen port (default 8080)")
    serve.add_argument("--demo", action="store_true", help="load a small demo organisation")

    user = sub.add_parser("user", help="manage users").add_subparsers(dest="user_command", required=True)
    add = user.add_parser("add", help="create a user")
    _common(add)
    add.add_argument("name", help="display name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--branch", help="branch code (role branch)")
    add.add_argument("--warehouse", help="warehouse code (role storekeeper)")
    add.add_argument("--telegram-id", type=int)
    add.add_argument("--username", help="web login (default: none, Telegram only)")
    add.add_argument("--email")
    add.add_argument("--password-stdin", action="store_true", help="read the web password from standard input")
    set_password = user.add_parser("set-password", help="set a web password, read from standard input")
    _common(set_password)
    set_password.add_argument("login", help="web login, e.g. admin")

    token = sub.add_parser("token", help="issue and revoke API tokens").add_subparsers(dest="token_command",
                                                                                     required=True)
    create = token.add_parser("create", help="issue a token acting as LOGIN (printed once)")
    _common(create)
    create.add_argument("login", help="the owner's web login: the token has their role and place")
    create.add_argument("name", help="what the token is for, e.g. 1c-sync")
    revoke = token.add_parser("revoke", help="revoke a token by id or name")
    _common(revoke)
    revoke.add_argument("token", help="the token's id or name")

    invite = sub.add_parser("invite", help="make an invite link for the bot")
    _common(invite)
    invite.add_argument("--role", required=True, choices=ROLES)
    invite.add_argument("--branch")
    invite.add_argument("--warehouse")
    invite.add_argument("--days", type=int, default=7)
    invite.add_argument("--uses", type=int, default=1, help="how many people may use it (0: unlimited)")

    check = sub.add_parser("check", help="check database, bot token, SMTP and 1C settings")
    _common(check)

    export = sub.add_parser("export", help="write the requests list (or the reports) to an xlsx file")
    _common(export)
    export.add_argument("file", help="the workbook to write, e.g. requests.xlsx")
    export.add_argument("--from", dest="date_from", help="created on or after this day (YYYY-MM-DD)")
    export.add_argument("--to", dest="date_to", help="created on or before this day (YYYY-MM-DD)")
    export.add_argument("--branch", help="branch code")
    export.add_argument("--type", dest="type_code", help="request type code, e.g. cartridges")
    export.add_argument("--status", action="append", default=[], help="a status (repeat for several)")
    export.add_argument("--archived", choices=("no", "yes", "all"), default="no",
                        help="archived requests: leave out (default, as the panel's list), only, or with the rest")
    export.add_argument("--report", action="append", default=[],
                        help="write the reports instead: a section name (repeat for several) or 'all'")
    export.add_argument("--period", default="month",
                        help="the reports' period when --from/--to are not given: month, last_month, quarter, "
                             "last_quarter, year")

    backup = sub.add_parser("backup", help="make a backup now (database, uploads, secret key) and check it")
    _common(backup)
    backup.add_argument("--to", metavar="DIR", help="write it to DIR (default: the data dir's backups folder)")
    restore = sub.add_parser("restore", help="put a backup back (stop the server first); the current data is "
                                             "kept aside")
    _common(restore)
    restore.add_argument("file", metavar="FILE", help="a helpdesk-backup-….zip file")
    backups = sub.add_parser("backups", help="list the backups in the backups folder")
    _common(backups)
    migrate = sub.add_parser("migrate", help="move the data to PostgreSQL, verify it, and switch to it")
    _common(migrate)
    migrate.add_argument("dsn", metavar="POSTGRES_DSN", help="postgresql://user:password@host:5432/database")
    migrate.add_argument("--overwrite", action="store_true",
                         help="replace everything in a target database that is not empty")
    return parser


COMMANDS = ("serve", "user", "token", "invite", "check", "backup", "restore", "backups", "export", "migrate")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `helpdesk --port 9000 --demo` is `helpdesk serve --port 9000 --demo`, as the operator contract says.
    if argv and not any(word in COMMANDS or word in ("-h", "--help", "--version") for word in argv):
        argv.insert(0, "serve")
    args = build_parser().parse_args(argv)
    setup_logging(level=logging.WARNING)  # quiet for one-shot commands; `serve` logs at INFO
    command = args.command or "serve"
    overrides = {"data_dir": args.data_dir, "host": getattr(args, "host", None),
                 "port": getattr(args, "port", None), "demo": getattr(args, "demo", False)}
    try:
        settings = load_settings(overrides)
        handler: Command = {"serve": cmd_serve, "user": cmd_user, "token": cmd_token, "invite": cmd_invite,
                            "check": cmd_check, "backup": cmd_backup, "restore": cmd_restore,
                            "backups": cmd_backups, "export": cmd_export, "migrate": cmd_migrate}[command]
        return handler(args, settings)
    except ConfigError as exc:
        print(f"helpdesk: {exc}", file=sys.stderr)
        return 2


def _open_db(settings: Settings) -> None:
    from helpdesk.db.database import init_database

    prepare_data_dir(settings)
    try:
        init_database(settings.database_url, owner_url=settings.database_owner_url)
    except Exception as exc:  # bad DSN, server down, unreadable file: one line, not a traceback
        raise ConfigError(f"cannot open the database: {str(exc).strip().splitlines()[0]}") from None


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from helpdesk import instance_lock, runtime

    check_port_free(settings.host, settings.port)
    prepare_data_dir(settings)
    try:  # held until the process ends: `helpdesk restore` refuses while it is
        instance_lock.hold(settings.data_dir)
    except instance_lock.Busy:
        raise ConfigError(f"a restore is running on {settings.data_dir}: wait for it to finish") from None
    setup_logging(settings)
    try:
        password = runtime.prepare(settings)
    except ConfigError:
        raise
    except Exception as exc:
        raise ConfigError(f"cannot open the database: {str(exc).strip().splitlines()[0]}") from None
    host = "localhost" if settings.host in ("0.0.0.0", "::") else settings.host
    print(f"helpdesk {__version__}: data in {settings.data_dir}", flush=True)
    if password:
        print(f"First run: log in as 'admin' with password {password} (you will be asked to change it).",
              flush=True)
    _print_start_hints(settings, first_run=bool(password))
    services = runtime.build_services(settings)
    if not services.settings.bot_token:
        print("Telegram bot is off: set its token in Settings or HELPDESK_BOT_TOKEN to turn it on.", flush=True)
    print(f"Open http://{host}:{settings.port}/", flush=True)
    runtime.serve(settings, runtime.build_app(services))
    return 0


def _print_start_hints(settings: Settings, first_run: bool) -> None:
    from helpdesk.core import demo, recovery

    if not first_run and recovery.first_admin_never_logged_in():
        print("The 'admin' user has not logged in yet. Lost its password? "
              "Set a new one: helpdesk user set-password admin", flush=True)
    if settings.demo and (logins := demo.logins()):
        print(f"Demo logins: {', '.join(logins)}; password {demo.DEMO_PASSWORD}", flush=True)


def _lookup(model: type, code: str | None, what: str):  # noqa: ANN202 - returns a model row or None
    if not code:
        return None
    row = model.get_or_none(model.code == code)
    if row is None:
        raise ConfigError(f"unknown {what} code {code!r}")
    return row


def cmd_user(args: argparse.Namespace, settings: Settings) -> int:
    from helpdesk.core import people
    from helpdesk.core.actors import Actor
    from helpdesk.core.errors import DomainError
    from helpdesk.db.models import Branch, Warehouse

    _open_db(settings)
    if args.user_command == "set-password":
        return _set_password(args, settings)
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    if password is not None and not args.username:
        args.username = args.name.split()[0].lower()
    try:
        user = people.create_user(
            Actor.system("cli"), args.name, args.role, branch=_lookup(Branch, args.branch, "branch"),
            warehouse=_lookup(Warehouse, args.warehouse, "warehouse"), telegram_id=args.telegram_id,
            username=args.username, password=password, email=args.email, language=settings.lang)
    except DomainError as exc:
        print(f"helpdesk: {exc.text(settings.lang)}", file=sys.stderr)
        return 1
    print(f"created user #{user.id} {user.display_name} ({user.role})"
          + (f", web login {user.username}" if user.username else ""))
    return 0


def _set_password(args: argparse.Namespace, settings: Settings) -> int:
    from helpdesk.core import recovery
    from helpdesk.core.actors import Actor
    from helpdesk.core.errors import DomainError

    if sys.stdin.isatty():  # typed at a console: do not echo it
        import getpass

        password = getpass.getpass("New password: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = recovery.set_password(Actor.system("cli"), args.login, password)
    except DomainError as exc:
        print(f"helpdesk: {exc.text(settings.lang)}", file=sys.stderr)
        return 1
    print(f"password set for {user.username} ({user.display_name}); log in at the panel with it")
    return 0


def cmd_token(args: argparse.Namespace, settings: Settings) -> int:
    from helpdesk.core import api_tokens
    from helpdesk.core.actors import Actor
    from helpdesk.core.errors import DomainError

    _open_db(settings)
    actor = Actor.system("cli")
    try:
        if args.token_command == "create":
            issued = api_tokens.issue(actor, api_tokens.owner_by_login(args.login), args.name)
            print(issued.secret)
            print(f"token #{issued.token.id} {issued.token.name!r} acts as {issued.token.user.display_name} "
                  f"({issued.token.user.role}); it is shown only now", file=sys.stderr)
        else:
            token = api_tokens.find(actor, args.token)
            api_tokens.revoke(actor, token)
            print(f"revoked token #{token.id} {token.name!r}")
    except DomainError as exc:
        print(f"helpdesk: {exc.text(settings.lang)}", file=sys.stderr)
        return 1
    return 0


def cmd_invite(args: argparse.Namespace, settings: Settings) -> int:
    from helpdesk.core import people
    from helpdesk.core.actors import Actor
    from helpdesk.core.errors import DomainError
    from helpdesk.db.models import Branch, Warehouse

    _open_db(settings)
    try:
        invite = people.create_invite(
            Actor.system("cli"), args.role, branch=_lookup(Branch, args.branch, "branch"),
            warehouse=_lookup(Warehouse, args.warehouse, "warehouse"), days=args.days,
            max_uses=args.uses or None)
    except DomainError as exc:
        print(f"helpdesk: {exc.text(settings.lang)}", file=sys.stderr)
        return 1
    from helpdesk.saved_settings import with_panel_settings

    print(people.invite_link(invite, _bot_username(with_panel_settings(settings))))
    return 0


def _bot_username(settings: Settings) -> str | None:
    if not settings.bot_token:
        return None
    from helpdesk.checks import bot_username

    return bot_username(settings)


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from helpdesk.checks import run_checks

    prepare_data_dir(settings)
    results = run_checks(settings)
    width = max(len(name) for name, _, _ in results)
    for name, ok, detail in results:
        mark = "ok " if ok is True else ("-- " if ok is None else "ERR")
        print(f"{mark} {name.ljust(width)}  {detail}")
    return 0 if all(ok is not False for _, ok, _ in results) else 1


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from helpdesk.core.backups import runs

    _open_db(settings)
    row = runs.run(settings, to=Path(args.to).expanduser().resolve() if args.to else None, trigger="cli")
    if row.status != "ok":
        print(f"helpdesk: backup failed: {row.error}", file=sys.stderr)
        return 1
    folder = Path(args.to).expanduser().resolve() if args.to else settings.backups_dir
    print(f"backup {folder / row.file_name} ({_size(row.size)}, {row.kind}, check {row.check_result})")
    if row.mirror_error:
        print(f"helpdesk: {row.mirror_error}", file=sys.stderr)
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from helpdesk import instance_lock
    from helpdesk.core.actors import Actor
    from helpdesk.core.backups import restore
    from helpdesk.core.errors import DomainError
    from helpdesk.db.database import close_database, init_database

    prepare_data_dir(settings)
    try:
        lock = instance_lock.hold(settings.data_dir, exclusive=True)
    except instance_lock.Busy:
        print(f"helpdesk: helpdesk is running on {settings.data_dir}: stop it first, then restore. "
              "Nothing was changed.", file=sys.stderr)
        return 1
    try:
        done = restore.restore(settings, Path(args.file).expanduser().resolve())
        init_database(settings.database_url, owner_url=settings.database_owner_url)  # an older schema catches up
        restore.after_restore(Actor.system("cli"), Path(args.file), done.manifest)
        close_database()
    except DomainError as exc:
        print(f"helpdesk: {exc.text(settings.lang)}", file=sys.stderr)
        return 1
    except Exception as exc:  # pg_restore failing, disk full: one line
        print(f"helpdesk: restore failed: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc!r}",
              file=sys.stderr)
        return 1
    finally:
        instance_lock.release(lock)
    counts = ", ".join(f"{n} {table}" for table, n in done.manifest.counts.items())
    print(f"restored the backup of {done.manifest.created_at} ({counts})")
    print(f"the data that was there before is kept in {done.safety}")
    return 0


def cmd_backups(args: argparse.Namespace, settings: Settings) -> int:
    from helpdesk.core.backups import runs

    _open_db(settings)
    found = runs.files(settings.backups_dir)
    if not found:
        print(f"no backups in {settings.backups_dir}")
        return 0
    for item in found:
        print(f"{item.made_at:%Y-%m-%d %H:%M:%S} UTC  {item.kind:<8} {_size(item.size):>9}  "
              f"{settings.backups_dir / item.name}")
    return 0


def _size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size} B"


def _day(value: str | None, flag: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{flag} {value!r} is not a day (YYYY-MM-DD)") from None


def _progress_bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // total if total else width
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} requests", end="", file=sys.stderr, flush=True)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """The requests list as the panel exports it (same filters, same cells), or the reports' workbook."""
    from pathlib import Path

    from helpdesk.core import reports, tickets
    from helpdesk.core.actors import Actor
    from helpdesk.core.errors import DomainError
    from helpdesk.db.models import Branch

    first, last = _day(args.date_from, "--from"), _day(args.date_to, "--to")
    _open_db(settings)
    branch = _lookup(Branch, args.branch, "branch")
    actor = Actor.system("cli")
    target = Path(args.file)
    try:
        if args.report:
            from helpdesk.export.report_book import report_workbook

            sections = [] if "all" in args.report else args.report
            period = reports.period("custom", first or last, last or first) if first or last else reports.period(
                args.period)
            flt = reports.ReportFilter(period, branch_id=branch.id if branch else None, type_code=args.type_code,
                                       statuses=tuple(args.status))
            target.write_bytes(report_workbook(actor, flt, settings.lang, sections))
            print(f"wrote the reports for {period.first:%d.%m.%Y} – {period.last:%d.%m.%Y} to {target}")
            return 0
        from helpdesk.export.excel import write_requests

        flt = tickets.TicketFilter(branch_id=branch.id if branch else None, type_code=args.type_code,
                                   statuses=tuple(args.status), created_from=first, created_to=last,
                                   archived={"no": False, "yes": True, "all": None}[args.archived])
        rows: list[int] = [0]

        def progress(done: int, total: int) -> None:
            rows[0] = total
            _progress_bar(done, total)

        write_requests(target, actor, flt, settings.lang, progress)
        print(file=sys.stderr)
        print(f"wrote {rows[0]} requests to {target}")
    except DomainError as exc:
        print(f"helpdesk: {exc.text(settings.lang)}", file=sys.stderr)
        return 1
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from helpdesk.cli_progress import ProgressBar
    from helpdesk.config import redact_dsn, save_database_url
    from helpdesk.core import db_move
    from helpdesk.core.actors import Actor
    from helpdesk.core.errors import DomainError
    from helpdesk.db.database import close_database, init_database

    if not settings.is_sqlite or settings.sqlite_path is None:
        raise ConfigError("the data is already on PostgreSQL: nothing to move")
    _open_db(settings)  # applies pending migrations, so both sides get the same schema
    actor = Actor.system("cli")
    missing = db_move.missing_attachments(settings.uploads_dir)
    close_database()
    bar = ProgressBar(sys.stderr)
    try:
        report = db_move.move(actor, settings.sqlite_path, args.dsn, overwrite=args.overwrite, on_progress=bar.show)
    except DomainError as exc:
        bar.clear()
        print(f"helpdesk: {exc.text(settings.lang)}", file=sys.stderr)
        return 1
    bar.clear()
    init_database(args.dsn, migrate=False)
    db_move.record_moved(actor, args.dsn, report)
    close_database()
    path = save_database_url(settings.data_dir, args.dsn)
    db_move.make_read_only(settings.sqlite_path)
    print(f"moved {report.rows} rows in {len(report.tables)} tables to {redact_dsn(args.dsn)} in "
          f"{report.seconds:.1f} s ({report.rate:,.0f} rows/s); every table verified (rows and checksums)")
    if missing:
        print(f"warning: {len(missing)} attachment files are missing from {settings.uploads_dir}, "
              f"e.g. {missing[0]}", file=sys.stderr)
    print(f"the next start uses PostgreSQL (recorded in {path}); {settings.sqlite_path} is kept read-only")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
