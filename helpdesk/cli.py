"""The `helpdesk` command: the composition root. `serve` is the default command."""

from __future__ import annotations

import argparse
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
    return parser


COMMANDS = ("serve", "user", "token", "invite", "check")


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
                            "check": cmd_check}[command]
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
    from helpdesk import runtime

    check_port_free(settings.host, settings.port)
    prepare_data_dir(settings)
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


if __name__ == "__main__":
    raise SystemExit(main())
