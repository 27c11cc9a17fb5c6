"""The move to PostgreSQL against pgloader, on the same generated SQLite file in the same run.

    .venv/bin/python bench/migrate.py [--size 1M] [--cache-dir /tmp/helpdesk-bench-cache]

Both run as child processes on a private copy of the cached database (see bench/_dataset.py), each into
a fresh PostgreSQL database; wall time and peak RSS come from the kernel (wait4). Ours includes what
pgloader does not do: the schema from the migrations, the search documents, and the verification of every
table (row counts and checksums on both sides). Rows = every row of the copied tables.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common  # noqa: F401 - puts the repository on sys.path
import _dataset

from helpdesk.db.database import close_database, init_database
from helpdesk.db.pg_copy import DERIVED
from tests.support.postgres import PgServer, get_pg_server

MOVE = """
import json, resource, sys, time
from pathlib import Path
from helpdesk.db.pg_copy import copy_database
phases, peaks = {}, {}
def seen(progress):
    phases.setdefault(progress.phase, time.monotonic())
    peaks[progress.phase] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # MB, peak so far
report = copy_database(Path(sys.argv[1]), sys.argv[2], on_progress=seen)
bad = [t.table for t in report.tables if not t.ok]
print(json.dumps({"rows": report.rows, "seconds": report.seconds, "tables": len(report.tables), "bad": bad,
                  "schema": phases["copy"] - phases["schema"], "copy": phases["index"] - phases["copy"],
                  "index": phases["verify"] - phases["index"], "verify": phases["done"] - phases["verify"],
                  "peaks": peaks}))
"""


def run(command: list[str], log: Path) -> tuple[float, float, float, int]:
    """Wall seconds, peak RSS in MB, CPU seconds (user + system: what load does not change) and exit code
    of a child process."""
    started = time.monotonic()
    with log.open("w") as out:
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
    return (time.monotonic() - started, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime,
            os.waitstatus_to_exitcode(status))


def source_rows(path: Path) -> int:
    skipped = {"schema_migration", *DERIVED}
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                                            "LIKE 'sqlite_%' AND name NOT LIKE 'ticket_search%'")]
        return sum(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names
                   if name not in skipped)


def pgloader_command(source: Path, url: str, folder: Path) -> list[str]:
    load = folder / "move.load"
    load.write_text(f"LOAD DATABASE FROM sqlite://{source} INTO {url}\n"
                    # Default prefetch (100k rows) exhausts SBCL's 1 GB heap on the 1M file's audit events.
                    "WITH include drop, create tables, create indexes, reset sequences, prefetch rows = 10000\n"
                    "EXCLUDING TABLE NAMES LIKE 'ticket_search%', 'schema_migration';\n")
    return ["pgloader", "--no-ssl-cert-verification", str(load)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1M", help="requests in the generated database (e.g. 100k, 1M)")
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/helpdesk-bench-cache"))
    args = parser.parse_args()
    server: PgServer | None = get_pg_server()
    if server is None:
        raise SystemExit("no PostgreSQL server available")
    data = _dataset.prepare("sqlite", _dataset.parse_size(args.size), args.cache_dir, None)
    names = [f"hd_bench_move_{os.getpid()}", f"hd_bench_pgloader_{os.getpid()}"]
    folder = Path(tempfile.mkdtemp(prefix="helpdesk-bench-move-"))
    try:
        init_database(data.url)  # a later migration of this branch goes into the working copy too
        close_database()
        source = Path(data.url[len("sqlite:///"):])
        rows = source_rows(source)
        print(f"source: {args.size} requests, {rows:,} rows in the copied tables, "
              f"{source.stat().st_size / 2**20:,.0f} MB")
        results = {}
        for name, label in zip(names, ("helpdesk migrate", "pgloader"), strict=True):
            server.drop_database(name)
            url = server.create_database(name)
            log = folder / f"{label.split()[0]}.log"
            command = ([sys.executable, "-c", MOVE, str(source), url] if label != "pgloader"
                       else pgloader_command(source, url, folder))
            seconds, rss, cpu, code = run(command, log)
            if code != 0:
                raise SystemExit(f"{label} failed ({code}):\n{log.read_text()[-3000:]}")
            results[label] = (seconds, rss)
            extra = ""
            if label != "pgloader":
                report = json.loads(log.read_text().strip().splitlines()[-1])
                assert not report["bad"] and report["rows"] == rows, report
                extra = (f"; {report['tables']} tables verified, none differs\n    phases: schema "
                         f"{report['schema']:.1f} s, COPY {report['copy']:.1f} s (the pool builds and verifies "
                         f"beside it), what the pool had left after the COPY {report['index']:.1f} s, "
                         f"verifications left then + triggers, sequences {report['verify']:.1f} s\n"
                         f"    peak RSS by the end of each phase (MB): {report['peaks']}")
            print(f"{label:16} {seconds:7.1f} s  {rows / seconds:9,.0f} rows/s  peak RSS {rss:6.0f} MB  "
                  f"CPU {cpu:6.1f} s (the process, not the server){extra}")
        ours, theirs = results["helpdesk migrate"], results["pgloader"]
        print(f"ratio (helpdesk / pgloader): {theirs[0] / ours[0]:.2f}x rows/s, {ours[1] / theirs[1]:.2f}x RSS "
              "(pgloader: no verification, no search documents)")
    finally:
        for name in names:
            server.drop_database(name)
        data.cleanup()


if __name__ == "__main__":
    main()
