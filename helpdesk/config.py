"""Typed settings: defaults < `.env` file < the data dir's settings file < environment < CLI flags < panel.

Every setting is one row in `SETTINGS` (name, env var, default, help); the same table feeds loading
and `.env.example` (a test keeps the file equal to `env_example()`). Values are checked one by one in
`load_settings`. Settings an admin can also save in the panel go through `with_saved`, the one
precedence rule; `Settings.sources` says where each value came from.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import platformdirs
from dotenv import dotenv_values

from helpdesk.file_modes import make_private
from helpdesk.i18n import LANGUAGES
from helpdesk.sealing import seal, unseal

APP_NAME = "helpdesk"
# Where a value in effect came from, strongest first (see with_saved and Settings.sources).
SOURCES = ("panel", "flag", "environment", "file", ".env", "default")
# The data dir's settings file (written by the move to PostgreSQL): over `.env`, under the environment.
SETTINGS_FILE = "settings.json"
FILE_SETTINGS = frozenset({"database_url"})


class ConfigError(Exception):
    """Bad configuration: the message is one line meant for the operator."""


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str
    secret: bool = False
    panel: bool = False  # an admin can also save it in the panel, which then wins


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "HELPDESK_DATA_DIR", "", "Data directory (database, queue, backups, logs, uploads)"),
    Setting("database_url", "HELPDESK_DATABASE_URL", "", "sqlite:///path or postgresql://user@host/db"),
    Setting("database_owner_url", "HELPDESK_DATABASE_OWNER_URL", "",
            "PostgreSQL only: a role that owns the tables, used just to apply migrations; the database URL's "
            "role then only reads and writes rows (empty: the database URL's role owns them)"),
    Setting("host", "HELPDESK_HOST", "0.0.0.0", "Address the web panel listens on"),
    Setting("port", "HELPDESK_PORT", "8080", "Port the web panel listens on"),
    Setting("panel_url", "HELPDESK_PANEL_URL", "",
            "The panel's address for links in messages (empty: http://<this computer's name>:<port>)"),
    Setting("public_url", "HELPDESK_PUBLIC_URL", "", "Public HTTPS URL (needed for the Mini App)"),
    Setting("miniapp_max_age", "HELPDESK_MINIAPP_MAX_AGE", "86400",
            "Seconds a Mini App launch stays valid (Telegram's signed auth_date; older data is refused)"),
    Setting("trusted_proxies", "HELPDESK_TRUSTED_PROXIES", "127.0.0.1",
            "Proxy addresses whose X-Forwarded-Proto/For are believed (comma-separated, * for any)"),
    Setting("queue_url", "HELPDESK_QUEUE_URL", "",
            "Task queue: empty = SQLite file in the data dir; redis://… or postgresql://… (shared by instances)"),
    Setting("secret_key_hex", "HELPDESK_SECRET_KEY", "",
            "Signing and sealing key, 64 hex characters (openssl rand -hex 32); the same on every instance "
            "sharing a database (empty: the data dir's secret_key file, made on first start)", secret=True),
    Setting("lang", "HELPDESK_LANG", "ru", "Default language: ru or en", panel=True),
    Setting("bot_token", "HELPDESK_BOT_TOKEN", "", "Telegram bot token from @BotFather", secret=True, panel=True),
    Setting("telegram_api_url", "HELPDESK_TELEGRAM_API_URL", "https://api.telegram.org", "Bot API base URL"),
    Setting("smtp_host", "HELPDESK_SMTP_HOST", "", "SMTP server host", panel=True),
    Setting("smtp_port", "HELPDESK_SMTP_PORT", "587", "SMTP server port", panel=True),
    Setting("smtp_user", "HELPDESK_SMTP_USER", "", "SMTP login", panel=True),
    Setting("smtp_password", "HELPDESK_SMTP_PASSWORD", "", "SMTP password", secret=True, panel=True),
    Setting("smtp_security", "HELPDESK_SMTP_SECURITY", "starttls", "starttls, ssl or none", panel=True),
    Setting("smtp_from", "HELPDESK_SMTP_FROM", "", "Sender address for email", panel=True),
    Setting("onec_url", "HELPDESK_ONEC_URL", "", "1C OData base URL (…/odata/standard.odata)"),
    Setting("onec_user", "HELPDESK_ONEC_USER", "", "1C user"),
    Setting("onec_password", "HELPDESK_ONEC_PASSWORD", "", "1C password", secret=True),
    Setting("onec_register", "HELPDESK_ONEC_REGISTER", "ТоварыНаСкладах",
            "1C accumulation register with the stock balances (1C:UNF: ЗапасыНаСкладах)"),
    Setting("onec_item_dimension", "HELPDESK_ONEC_ITEM_DIMENSION", "Номенклатура", "The register's item dimension"),
    Setting("onec_warehouse_dimension", "HELPDESK_ONEC_WAREHOUSE_DIMENSION", "Склад",
            "The register's warehouse dimension (1C:UNF: СтруктурнаяЕдиница)"),
    Setting("onec_resource", "HELPDESK_ONEC_RESOURCE", "ВНаличии", "The register's quantity resource (1C:UNF: Количество)"),
    Setting("onec_warehouses_catalog", "HELPDESK_ONEC_WAREHOUSES_CATALOG", "Склады",
            "1C catalog of warehouses (1C:UNF: СтруктурныеЕдиницы)"),
    Setting("onec_sync_minutes", "HELPDESK_ONEC_SYNC_MINUTES", "15", "Minutes between 1C stock syncs (0: by hand only)"),
    Setting("onec_timeout", "HELPDESK_ONEC_TIMEOUT", "20", "Seconds to wait for one answer from 1C"),
)


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""
    port: int = 587
    user: str = ""
    password: str = ""
    security: str = "starttls"
    sender: str = ""


@dataclass(frozen=True)
class OneCSettings:
    url: str = ""
    user: str = ""
    password: str = ""
    register: str = "ТоварыНаСкладах"
    item_dimension: str = "Номенклатура"
    warehouse_dimension: str = "Склад"
    resource: str = "ВНаличии"
    warehouses_catalog: str = "Склады"
    sync_minutes: int = 15
    timeout: int = 20


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    database_owner_url: str = ""
    host: str = "0.0.0.0"
    port: int = 8080
    panel_url: str = ""
    public_url: str = ""
    miniapp_max_age: int = 86400
    trusted_proxies: str = "127.0.0.1"
    queue_url: str = ""
    secret_key_hex: str = ""
    lang: str = "ru"
    bot_token: str = ""
    telegram_api_url: str = "https://api.telegram.org"
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    onec: OneCSettings = field(default_factory=OneCSettings)
    demo: bool = False
    # setting name -> one of SOURCES; a name that is missing came from its default
    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def source(self, name: str) -> str:
        return self.sources.get(name, "default")

    @property
    def miniapp_url(self) -> str | None:
        """Where the bot sends people for the Mini App: Telegram opens Mini Apps over HTTPS only."""
        if not self.public_url.startswith("https://"):
            return None
        return f"{self.public_url}/miniapp/"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        return Path(unquote(self.database_url[len("sqlite:///"):])) if self.is_sqlite else None

    @property
    def queue_path(self) -> Path:
        return self.data_dir / "queue.db"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def reports_dir(self) -> Path:
        """Scheduled reports' files, kept a while for their emails' retries."""
        return self.data_dir / "reports"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @cached_property
    def secret_key(self) -> bytes:
        # Read (or made) once per Settings, not on every session cookie and sealed value.
        if self.secret_key_hex:
            return bytes.fromhex(self.secret_key_hex)
        return load_secret_key(self.data_dir)

    def redacted(self) -> dict[str, Any]:
        """Settings as a flat dict with secrets masked, for `check` and logs."""
        flat = {s.name: str(_flat_value(self, s.name)) for s in SETTINGS}
        for s in SETTINGS:
            if s.secret and flat[s.name]:
                flat[s.name] = "***"
        flat["database_url"] = redact_dsn(flat["database_url"])
        flat["database_owner_url"] = redact_dsn(flat["database_owner_url"])
        flat["queue_url"] = redact_dsn(flat["queue_url"])
        return flat


def _flat_value(settings: Settings, name: str) -> Any:
    if name.startswith("smtp_"):
        key = "sender" if name == "smtp_from" else name[5:]
        return getattr(settings.smtp, key)
    if name.startswith("onec_"):
        return getattr(settings.onec, name[5:])
    return getattr(settings, name)


def redact_dsn(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def load_settings(overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None,
                  env_file: Path | None = None) -> Settings:
    """Merge defaults, a `.env` file, the environment and CLI overrides, then validate."""
    environ = dict(os.environ if environ is None else environ)
    env_file = env_file or Path.cwd() / ".env"
    file_values = {k: v for k, v in dotenv_values(env_file).items() if v is not None} if env_file.is_file() else {}
    raw: dict[str, str] = {}
    sources: dict[str, str] = {}
    for s in SETTINGS:
        raw[s.name] = environ.get(s.env, file_values.get(s.env, s.default))
        if s.env in environ:
            sources[s.name] = "environment"
        elif s.env in file_values:
            sources[s.name] = ".env"
    for key, value in (overrides or {}).items():
        if value is not None and key in raw:
            raw[key] = str(value)
            sources[key] = "flag"

    data_dir = Path(raw["data_dir"]).expanduser() if raw["data_dir"] else default_data_dir()
    for key, value in read_settings_file(data_dir).items():
        if sources.get(key) not in ("flag", "environment"):
            raw[key] = value
            sources[key] = "file"
    database_url = raw["database_url"] or f"sqlite:///{data_dir / 'helpdesk.db'}"
    _check_database_url(database_url)
    owner_url = raw["database_owner_url"].strip()
    if owner_url:
        if not database_url.startswith("postgres"):
            raise ConfigError("HELPDESK_DATABASE_OWNER_URL is for PostgreSQL only: set HELPDESK_DATABASE_URL too")
        _check_database_url(owner_url)
    lang = raw["lang"].lower()
    if lang not in LANGUAGES:
        raise ConfigError(f"HELPDESK_LANG must be {' or '.join(LANGUAGES)}, not {raw['lang']!r}")
    security = raw["smtp_security"].lower()
    if security not in ("starttls", "ssl", "none"):
        raise ConfigError(f"HELPDESK_SMTP_SECURITY must be starttls, ssl or none, not {raw['smtp_security']!r}")
    queue_url = raw["queue_url"]
    if queue_url and not queue_url.startswith(("redis://", "rediss://", "sqlite:", "postgresql://", "postgres://")):
        raise ConfigError("HELPDESK_QUEUE_URL must be empty, sqlite:///FILE, redis://… or postgresql://…, "
                          f"not {redact_dsn(queue_url)!r}")
    port = _port(raw["port"], "HELPDESK_PORT")
    secret_key_hex = raw["secret_key_hex"].strip()
    if secret_key_hex and not _is_key(secret_key_hex):
        raise ConfigError("HELPDESK_SECRET_KEY must be 64 hex characters (make one with: openssl rand -hex 32)")
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        database_owner_url=owner_url,
        host=raw["host"],
        port=port,
        panel_url=_url(raw["panel_url"], "HELPDESK_PANEL_URL") or default_panel_url(raw["host"], port),
        public_url=raw["public_url"].rstrip("/"),
        miniapp_max_age=_seconds(raw["miniapp_max_age"], "HELPDESK_MINIAPP_MAX_AGE"),
        trusted_proxies=raw["trusted_proxies"].strip(),
        queue_url=queue_url,
        secret_key_hex=secret_key_hex,
        lang=lang,
        bot_token=raw["bot_token"].strip(),
        telegram_api_url=raw["telegram_api_url"].rstrip("/"),
        smtp=SmtpSettings(raw["smtp_host"], _port(raw["smtp_port"], "HELPDESK_SMTP_PORT"), raw["smtp_user"],
                          raw["smtp_password"], security, raw["smtp_from"]),
        onec=OneCSettings(_url(raw["onec_url"], "HELPDESK_ONEC_URL"), raw["onec_user"], raw["onec_password"],
                          raw["onec_register"].strip(), raw["onec_item_dimension"].strip(),
                          raw["onec_warehouse_dimension"].strip(), raw["onec_resource"].strip(),
                          raw["onec_warehouses_catalog"].strip(),
                          _bounded(raw["onec_sync_minutes"], "HELPDESK_ONEC_SYNC_MINUTES", 0, 24 * 60),
                          _bounded(raw["onec_timeout"], "HELPDESK_ONEC_TIMEOUT", 1, 600)),
        demo=bool(overrides and overrides.get("demo")),
        sources=sources,
    )


PANEL_SETTINGS = frozenset(s.name for s in SETTINGS if s.panel)
# smtp_* setting names -> SmtpSettings fields
SMTP_FIELDS = {"smtp_host": "host", "smtp_port": "port", "smtp_user": "user", "smtp_password": "password",
               "smtp_security": "security", "smtp_from": "sender"}


def with_saved(settings: Settings, saved: Mapping[str, str | None]) -> Settings:
    """The one precedence rule: a value saved in the panel wins over flags, environment, `.env`, defaults.

    `saved` maps setting names to what the panel stored; an empty value means "nothing saved", so the
    value from `settings` stays in effect. The result's `sources` says which one won, for the page.
    """
    unknown = set(saved) - PANEL_SETTINGS
    if unknown:
        raise ValueError(f"not settings the panel can save: {sorted(unknown)}")
    chosen = {name: value for name, value in saved.items() if value}
    plain = {name: value for name, value in chosen.items() if not name.startswith("smtp_")}
    smtp = {SMTP_FIELDS[name]: int(value) if name == "smtp_port" else value
            for name, value in chosen.items() if name.startswith("smtp_")}
    if smtp:
        plain["smtp"] = replace(settings.smtp, **smtp)
    result = replace(settings, **plain, sources={**settings.sources, **dict.fromkeys(chosen, "panel")})
    if "secret_key" in settings.__dict__:  # the key file was read already: the copy needs no second read
        result.__dict__["secret_key"] = settings.__dict__["secret_key"]
    return result


def _is_key(value: str) -> bool:
    try:
        return len(bytes.fromhex(value)) == 32
    except ValueError:
        return False


def _port(value: str, name: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {value!r}") from None
    if not 1 <= port <= 65535:
        raise ConfigError(f"{name} must be between 1 and 65535, not {port}")
    return port


def _seconds(value: str, name: str) -> int:
    try:
        seconds = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, not {value!r}") from None
    if not 60 <= seconds <= 30 * 86400:
        raise ConfigError(f"{name} must be between 60 and 2592000 seconds, not {seconds}")
    return seconds


def _bounded(value: str, name: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
    if not low <= number <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, not {number}")
    return number


def _url(value: str, name: str) -> str:
    """An http(s) base address without query or fragment, or empty; trailing slash dropped."""
    value = value.strip().rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(f"{name} must be an address like http://helpdesk.local:8080, not {value!r}")
    return value


def default_panel_url(host: str, port: int) -> str:
    """Where people on the LAN reach the panel: never derived from a request's Host header."""
    name = socket.gethostname() if host in ("", "0.0.0.0", "::") else host
    name = f"[{name}]" if ":" in name else name
    return f"http://{name}:{port}"


def _check_database_url(url: str) -> None:
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        if not url.startswith("sqlite:///"):
            raise ConfigError(f"bad SQLite URL {url!r}: use sqlite:///absolute/path.db")
        return
    if scheme not in ("postgresql", "postgres"):
        raise ConfigError(f"unsupported database URL scheme {scheme!r}: use sqlite:/// or postgresql://")
    if not urlsplit(url).path.strip("/"):
        raise ConfigError(f"bad PostgreSQL URL {redact_dsn(url)!r}: no database name")


def read_settings_file(data_dir: Path) -> dict[str, str]:
    """What the data dir's settings file holds; a password in it is sealed with the instance key."""
    path = data_dir / SETTINGS_FILE
    if not path.is_file():
        return {}
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path} is not readable: {exc}") from None
    values: dict[str, str] = {}
    for name in FILE_SETTINGS & set(stored):
        entry = stored[name]
        url = entry.get("url", "")
        if entry.get("password"):
            password = unseal(load_secret_key(data_dir), entry["password"])
            if password is None:
                raise ConfigError(f"{path}: the password was sealed with another secret key; "
                                  f"set HELPDESK_DATABASE_URL instead")
            url = _with_password(url, password)
        _check_database_url(url)
        values[name] = url
    return values


def save_database_url(data_dir: Path, url: str) -> Path:
    """Record the database URL in the data dir's settings file (the password sealed), private to its owner."""
    parts = urlsplit(url)
    entry = {"url": redact_dsn(url).replace(":***@", "@"), "password": ""}
    if parts.password:
        entry["password"] = seal(load_secret_key(data_dir), unquote(parts.password))
    path = data_dir / SETTINGS_FILE
    stored = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    stored["database_url"] = entry
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(stored, fh, indent=2)
    os.replace(temporary, path)
    return path


def forget_database_url(data_dir: Path) -> None:
    """The way back to SQLite: drop the recorded URL from the data dir's settings file."""
    path = data_dir / SETTINGS_FILE
    if path.is_file():
        stored = json.loads(path.read_text(encoding="utf-8"))
        stored.pop("database_url", None)
        path.write_text(json.dumps(stored, indent=2), encoding="utf-8")


def _with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    user, _, host = parts.netloc.rpartition("@")
    return parts._replace(netloc=f"{user}:{quote(password, safe='')}@{host}").geturl()


def prepare_data_dir(settings: Settings) -> None:
    """Create the data dir and its subfolders, private to this user; fail in one line when it is not
    writable."""
    try:
        for path in (settings.data_dir, settings.uploads_dir, settings.backups_dir, settings.logs_dir):
            path.mkdir(parents=True, exist_ok=True)
        make_private(settings.data_dir, [p for p in (settings.sqlite_path, settings.queue_path) if p])
        probe = settings.data_dir / f".write-test-{os.getpid()}"  # instances sharing the dir test at once
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(f"data dir {settings.data_dir} is not usable: {exc.strerror or exc}") from None


def load_secret_key(data_dir: Path) -> bytes:
    """The signing key, generated once and kept in the data dir (readable by the owner only).

    Instances sharing the data dir may start at the same moment: the key is written whole to a file of
    this process's own, then linked into place, so the first link wins and nobody reads half a key.
    """
    path = data_dir / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = data_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another instance was first: its key is the one
        finally:
            draft.unlink()
    return bytes.fromhex(path.read_text().strip())


def check_port_free(host: str, port: int) -> None:
    """Fail early with one line when the listening port is taken."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def env_example() -> str:
    """The text of `.env.example`, generated from SETTINGS so it never drifts."""
    lines = ["# helpdesk settings. Copy to .env (or set in the environment); all are optional.", ""]
    for s in SETTINGS:
        lines.append(f"# {s.help}")
        lines.append(f"{s.env}={'' if s.secret else s.default}")
    return "\n".join(lines) + "\n"
