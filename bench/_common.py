"""Helpers shared by the benchmark scripts (run them from the repository root)."""

from __future__ import annotations

import math
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

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


def percentiles(samples: list[float]) -> tuple[float, float]:
    """Median and nearest-rank 95th percentile (with few samples, the largest rather than the smallest)."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[math.ceil(len(ordered) * 0.95) - 1]
