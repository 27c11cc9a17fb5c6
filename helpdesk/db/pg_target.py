"""The target of the move to PostgreSQL: its address, its connections, and what it holds before the move."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import peewee
import psycopg

from helpdesk.db.database import MOVE_MARKER


class CopyError(Exception):
    """A failure of the move, as `kind` (what the operator is told) and a detail for the log/report."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Target:
    server_version: str
    database: str
    user: str
    can_create: bool
    tables: int  # tables already in the target's schema: 0 = empty
    utf8: bool
    unfinished: bool = False  # it holds a move that did not finish: it may be overwritten without asking

    @property
    def empty(self) -> bool:
        return self.tables == 0


def connect_kwargs(url: str) -> dict[str, object]:
    """psycopg connection arguments from a postgresql:// URL (its query options included)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres") or not parts.path.strip("/"):
        raise CopyError("bad_dsn", "use postgresql://user:password@host:port/database")
    kwargs: dict[str, object] = {"dbname": unquote(parts.path.lstrip("/")), "connect_timeout": 10}
    try:
        port = parts.port
    except ValueError:
        raise CopyError("bad_dsn", "the port is not a number") from None
    for key, value in (("user", parts.username), ("password", parts.password), ("host", parts.hostname),
                       ("port", port)):
        if value:
            kwargs[key] = unquote(value) if isinstance(value, str) else value
    for pair in filter(None, parts.query.split("&")):
        key, _, value = pair.partition("=")
        kwargs[unquote(key)] = unquote(value)
    return kwargs


def open_target(url: str) -> peewee.PostgresqlDatabase:
    kwargs = connect_kwargs(url)
    database = peewee.PostgresqlDatabase(kwargs.pop("dbname"), prefer_psycopg3=True, autoconnect=False,
                                         prepare_threshold=None, **kwargs)
    try:
        database.connect()
    except peewee.OperationalError as exc:
        raise CopyError("unreachable", first_line(exc, url)) from None
    return database


def inspect_target(url: str) -> Target:
    """Server version, rights and emptiness of the target, without changing anything."""
    database = open_target(url)
    try:
        row = database.execute_sql(
            "SELECT current_setting('server_version'), current_database(), current_user, "
            "coalesce(has_schema_privilege(current_schema(), 'CREATE'), false), "
            "(SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()), "
            "current_setting('server_encoding') = 'UTF8', to_regclass(%s::text) IS NOT NULL", (MOVE_MARKER,)).fetchone()
    except peewee.DatabaseError as exc:
        raise CopyError("unreachable", first_line(exc, url)) from None
    finally:
        database.close()
    return Target(row[0], row[1], row[2], bool(row[3]), int(row[4]), bool(row[5]), bool(row[6]))


def first_line(exc: BaseException, url: str) -> str:
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    password = urlsplit(url).password
    return text.replace(unquote(password), "***") if password else text


def worker_connection(url: str) -> psycopg.Connection:
    conn = psycopg.connect(**connect_kwargs(url), autocommit=True, prepare_threshold=None)  # type: ignore[arg-type]
    conn.execute("SET maintenance_work_mem = '256MB'")  # the server's memory: faster GIN builds
    # The pool is the parallelism: a build's own parallel workers would only contend for the same cores.
    conn.execute("SET max_parallel_maintenance_workers = 0")
    return conn
