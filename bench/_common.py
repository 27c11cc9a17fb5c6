"""Helpers shared by the benchmark scripts (run them from the repository root)."""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpdesk.db.database import close_database, init_database  # noqa: E402
from tests.conftest import make_org  # noqa: E402
from tests.support.postgres import get_pg_server  # noqa: E402


def sqlite_url() -> tuple[str, Path]:
    folder = Path(tempfile.mkdtemp(prefix="helpdesk-bench-"))
    return f"sqlite:///{folder / 'bench.db'}", folder


def fresh_database(engine: str):  # noqa: ANN201 - (url, cleanup)
    """A migrated empty database with the test personas; returns (url, cleanup)."""
    if engine == "sqlite":
        url, folder = sqlite_url()
        init_database(url)
        make_org()
        return url, lambda: (close_database(), shutil.rmtree(folder, ignore_errors=True))
    server = get_pg_server()
    if server is None:
        raise SystemExit("no PostgreSQL server available")
    name = f"hd_bench_{os.getpid()}"
    server.drop_database(name)
    url = server.create_database(name)
    init_database(url)
    make_org()
    return url, lambda: (close_database(), server.drop_database(name))


def create_from_threads(threads: int, per_thread: int) -> tuple[float, float]:
    """The personas' branch users create `per_thread` IT-help requests each, from `threads` threads at once.

    Returns (wall seconds, process CPU seconds) of the creates alone: the authors are read before.
    """
    from helpdesk.core import tickets
    from helpdesk.core.actors import Actor
    from helpdesk.db.database import db
    from helpdesk.db.models import User

    authors = [User.get(User.username == name) for name in ("bob", "bea", "carl", "dan")]
    db.close()

    def work(index: int) -> None:
        actor = Actor(authors[index % len(authors)], "api")
        draft = tickets.TicketDraft("it_help", description="Mail client does not start")
        for _ in range(per_thread):
            tickets.create(actor, draft)
        db.close()

    cpu, started = time.process_time(), time.perf_counter()
    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started, time.process_time() - cpu


def percentiles(samples: list[float]) -> tuple[float, float]:
    """Median and nearest-rank 95th percentile (with few samples, the largest rather than the smallest)."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[math.ceil(len(ordered) * 0.95) - 1]


ROOT = Path(__file__).resolve().parent.parent


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without HELPDESK_* (a developer's settings must not steer a run), plus `extra`."""
    return {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")} | extra


def start_server(data_dir: Path, port: int, *, env: dict[str, str] | None = None, demo: bool = False,
                 log: Path | None = None, cwd: Path = ROOT) -> subprocess.Popen:
    """`helpdesk serve` on 127.0.0.1:`port` as its own process (output to `log`, or dropped)."""
    command = [sys.executable, "-m", "helpdesk", "serve", *(["--demo"] if demo else []), "--data-dir", str(data_dir),
               "--port", str(port), "--host", "127.0.0.1"]
    out = log.open("w") if log else subprocess.DEVNULL
    return subprocess.Popen(command, cwd=cwd, env=env if env is not None else clean_env(), stdout=out,
                            stderr=subprocess.STDOUT if log else subprocess.DEVNULL)


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(15)


def wait_up(url: str, attempts: int = 300) -> None:
    """Wait (0.1 s a try) until `url` answers 200."""
    for _ in range(attempts):
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


def seed(data_dir: Path, database_url: str | None = None, *, requests: int = 0, token_name: str = "bench") -> str:
    """A data dir and database with the test personas (and `requests` of bob's); returns an API token of bob's."""
    from helpdesk.config import load_settings, prepare_data_dir
    from helpdesk.core import people, tickets
    from helpdesk.core.actors import Actor

    settings = load_settings({"data_dir": str(data_dir)}, environ={})
    prepare_data_dir(settings)
    init_database(database_url or settings.database_url)
    org = make_org()
    for index in range(requests):
        tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description=f"Printer {index} jams"))
    secret = people.issue_token(Actor.system("cli"), org.bob, token_name).secret
    close_database()
    return secret


def each_dataset(sizes: str, engine: str, cache_dir: Path, pg_dsn: str | None) -> Iterator[tuple[str, object]]:
    """(label, _dataset.Dataset) for each size in "100k,1M": a working copy, removed after its turn."""
    import _dataset

    for size in (_dataset.parse_size(s) for s in sizes.split(",")):
        label = f"{_dataset.size_label(size)} requests, {'SQLite' if engine == 'sqlite' else 'PostgreSQL'}"
        print(f"== {label}", flush=True)
        data = _dataset.prepare(engine, size, cache_dir, pg_dsn)
        try:
            if data.build_seconds is not None:
                print(f"  built the cached database in {data.build_seconds:.0f}s")
            yield label, data
        finally:
            close_database()
            data.cleanup()


def dataset_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the benchmarks that run on _dataset's cached databases."""
    parser.add_argument("--sizes", default="100k,1M", help="requests in the database, comma-separated")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-dsn", help="PostgreSQL admin DSN (default: the test server on 127.0.0.1:5432)")
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "helpdesk-bench-cache")
