"""A real PostgreSQL server for the tests.

Order: `HELPDESK_TEST_PG_DSN`, else the server on 127.0.0.1:5432, else a private cluster started with
initdb/pg_ctl (as the `postgres` user when running as root, since PostgreSQL refuses root). Under
CI=true, no server at all is an error: the run fails instead of skipping.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _dsn_url(user: str, host: str, port: int, dbname: str) -> str:
    return f"postgresql://{user}@{host}:{port}/{dbname}"


@dataclass
class PgServer:
    admin_dsn: str
    started_here: bool = False
    data_dir: Path | None = None
    bin_dir: Path | None = None
    _version: int = field(default=0)

    def _connect(self) -> psycopg.Connection:
        return psycopg.connect(self.admin_dsn, autocommit=True, connect_timeout=5)

    @property
    def version(self) -> int:
        if not self._version:
            with self._connect() as conn:
                self._version = conn.info.server_version // 10000
        return self._version

    def url_for(self, name: str) -> str:
        info = psycopg.conninfo.conninfo_to_dict(self.admin_dsn)
        password = f":{info['password']}" if info.get("password") else ""
        return (f"postgresql://{info.get('user', 'postgres')}{password}@{info.get('host', '127.0.0.1')}:"
                f"{info.get('port', 5432)}/{name}")

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create a database (a fast copy of `template` when given) and return its URL."""
        with self._connect() as conn:
            if template:
                conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                             "AND pid <> pg_backend_pid()", (template,))
                strategy = sql.SQL(" STRATEGY FILE_COPY") if self.version >= 15 else sql.SQL("")
                conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)) + strategy)
            else:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        force = sql.SQL(" WITH (FORCE)") if self.version >= 13 else sql.SQL("")
        with self._connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)) + force)

    def stop(self) -> None:
        if self.started_here and self.data_dir is not None and self.data_dir.exists():
            _as_postgres([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "stop", "-m", "fast", "-w"])
            shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def _usable(dsn: str) -> bool:
    try:
        with psycopg.connect(dsn, connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def find_bin_dir() -> Path | None:
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        if (Path(out) / "initdb").exists():
            return Path(out)
    except (OSError, subprocess.CalledProcessError):
        pass
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def _as_postgres(command: list[str]) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)


def start_private_cluster() -> PgServer:
    """initdb + pg_ctl start on a free loopback port, tuned for tests (no fsync)."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise RuntimeError("initdb not found (install PostgreSQL server binaries)")
    root = Path(tempfile.mkdtemp(prefix="helpdesk-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    _as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-instructions"])
    port = free_port()
    options = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
               "-c full_page_writes=off")
    _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w",
                  "start"])
    server = PgServer(_dsn_url("postgres", "127.0.0.1", port, "postgres"), started_here=True, data_dir=data,
                      bin_dir=bin_dir)
    deadline = time.monotonic() + 30
    while not _usable(server.admin_dsn):
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError("the private PostgreSQL cluster did not start")
        time.sleep(0.2)
    return server


_server: PgServer | None = None
_searched = False


def get_pg_server() -> PgServer | None:
    """The server for this test process (memoised); None outside CI when none can be had."""
    global _server, _searched
    if _searched:
        return _server
    _searched = True
    env_dsn = os.environ.get("HELPDESK_TEST_PG_DSN")
    candidates = [env_dsn] if env_dsn else [
        _dsn_url("postgres", "127.0.0.1", 5432, "postgres"),
        _dsn_url(os.environ.get("USER", "root"), "127.0.0.1", 5432, "postgres"),
    ]
    for dsn in candidates:
        if _usable(dsn):
            _server = PgServer(dsn)
            return _server
    reason = f"HELPDESK_TEST_PG_DSN={env_dsn!r} is not usable" if env_dsn else "no server on 127.0.0.1:5432"
    if not env_dsn:
        try:
            _server = start_private_cluster()
            atexit.register(_server.stop)
            return _server
        except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
            reason += f"; a private cluster failed too: {exc}"
    if os.environ.get("CI", "").lower() == "true":
        raise RuntimeError(f"PostgreSQL is required in CI: {reason}")
    return None
