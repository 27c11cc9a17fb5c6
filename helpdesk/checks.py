"""`helpdesk check`: is each configured part reachable? (database, bot token, SMTP, 1C)."""

from __future__ import annotations

from helpdesk.bot import import_bot_module
from helpdesk.config import Settings, redact_dsn

Result = tuple[str, bool | None, str]  # name, ok (None: not configured), detail


def check_database(settings: Settings) -> Result:
    from helpdesk.db.database import db, init_database

    try:
        init_database(settings.database_url)
        db.execute_sql("SELECT 1")
    except Exception as exc:
        return "database", False, f"{redact_dsn(settings.database_url)}: {str(exc).strip().splitlines()[0]}"
    return "database", True, redact_dsn(settings.database_url)


def bot_username(settings: Settings) -> str | None:
    return get_me(settings.telegram_api_url, settings.bot_token)


def get_me(api_url: str, token: str, timeout: float = 10) -> str | None:
    """The bot's username, or None when the Bot API refuses the token; raises (a ValueError) when
    unreachable. Through aiogram, as the bot itself would call it."""
    client = import_bot_module("helpdesk.bot.client")
    return client.check_token(token, api_url, timeout)


def check_bot(settings: Settings) -> Result:
    if not settings.bot_token:
        return "telegram bot", None, "no token: set it in Settings or HELPDESK_BOT_TOKEN"
    try:
        username = bot_username(settings)
    except ValueError as exc:
        return "telegram bot", False, str(exc)
    if username is None:
        return "telegram bot", False, "the Bot API refused the token"
    return "telegram bot", True, f"@{username}"


def check_smtp(settings: Settings) -> Result:
    if not settings.smtp.host:
        return "smtp", None, "HELPDESK_SMTP_HOST is not set"
    from helpdesk.notify.email import connect

    try:
        with connect(settings.smtp, timeout=10) as client:
            client.noop()
    except Exception as exc:
        return "smtp", False, f"{settings.smtp.host}:{settings.smtp.port}: {type(exc).__name__}: {exc}"
    return "smtp", True, f"{settings.smtp.host}:{settings.smtp.port} ({settings.smtp.security})"


def check_onec(settings: Settings) -> Result:
    """What the 1C page's "test connection" says: $metadata read, the register and its fields found."""
    from helpdesk.core import onec_settings, onec_sync
    from helpdesk.core.actors import Actor
    from helpdesk.i18n import translate
    from helpdesk.integrations.onec_errors import OneCError

    try:
        current = onec_settings.connection(settings.onec, settings.secret_key)
    except Exception:  # the database is down: the environment's settings alone
        current = onec_settings.connection_of(settings.onec)
    if not current.url:
        return "1c", None, "no URL: set it in Settings → 1C or HELPDESK_ONEC_URL"
    try:
        found = onec_sync.test_connection(Actor.system("cli"), current)
    except OneCError as exc:
        params = {"registers": "", **exc.params}
        return "1c", False, f"{current.url}: " + translate(exc.msgid, "en", **params)
    return "1c", True, (f"{current.url}: register {found.register} ({', '.join(found.resources)}), "
                        f"{found.items} items, {found.warehouses} warehouses")


def run_checks(settings: Settings) -> list[Result]:
    database = check_database(settings)
    if database[1]:  # a bot token saved in the panel counts as much as HELPDESK_BOT_TOKEN
        from helpdesk.saved_settings import with_panel_settings

        settings = with_panel_settings(settings)
    return [database, *(check(settings) for check in (check_bot, check_smtp, check_onec))]
