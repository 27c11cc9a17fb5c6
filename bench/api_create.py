"""API create-request throughput next to a plain Litestar JSON endpoint, measured in the same run.

    python bench/api_create.py [--seconds 10] [--concurrency 8]

Both servers run as separate uvicorn processes with one worker; the load comes from client threads.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from _common import percentiles, wait_up

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load(url: str, body: dict, headers: dict, seconds: float, concurrency: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    errors = []

    def worker() -> None:
        with httpx.Client(headers=headers, timeout=30) as client:
            while time.perf_counter() < stop:
                started = time.perf_counter()
                response = client.post(url, json=body)
                took = time.perf_counter() - started
                if response.status_code != 201:
                    errors.append(response.text[:200])
                    return
                with lock:
                    latencies.append(took)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"errors: {errors[:2]}")
    return len(latencies) / (time.perf_counter() - started), latencies


def prepare_helpdesk(data_dir: Path) -> str:
    from helpdesk.config import load_settings, prepare_data_dir
    from helpdesk.core import people
    from helpdesk.core.actors import Actor
    from helpdesk.db.database import close_database, init_database
    from tests.conftest import make_org

    settings = load_settings({"data_dir": str(data_dir)}, environ={})
    prepare_data_dir(settings)
    init_database(settings.database_url)
    org = make_org()
    secret = people.issue_token(Actor.system("cli"), org.bob, "bench").secret
    close_database()
    return secret


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="helpdesk-bench-api-"))
    secret = prepare_helpdesk(data_dir)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    servers = [
        subprocess.Popen([sys.executable, "-m", "helpdesk", "serve", "--data-dir", str(data_dir), "--port", "18181",
                          "--host", "127.0.0.1"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL),
        subprocess.Popen([sys.executable, "-m", "uvicorn", "--app-dir", str(ROOT / "bench"), "plain_app:app",
                          "--port", "18182", "--log-level", "warning", "--no-access-log"], cwd=ROOT, env=env),
    ]
    try:
        wait_up("http://127.0.0.1:18181/healthz")
        wait_up("http://127.0.0.1:18182/items")
        body = {"type": "it_help", "description": "Mail client does not start"}
        plain_rate, plain_lat = load("http://127.0.0.1:18182/items", body, {}, args.seconds, args.concurrency)
        api_rate, api_lat = load("http://127.0.0.1:18181/api/v1/requests", body,
                                 {"Authorization": f"Bearer {secret}"}, args.seconds, args.concurrency)
    finally:
        for server in servers:
            server.terminate()
            server.wait(15)
    print(f"API create-request vs plain Litestar JSON endpoint ({args.concurrency} clients, {args.seconds:g}s each, "
          "SQLite)")
    for name, rate, lat in (("plain Litestar", plain_rate, plain_lat), ("helpdesk API", api_rate, api_lat)):
        p50, p95 = percentiles(lat)
        print(f"  {name:15s} {rate:8.0f} req/s   p50 {p50 * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms")
    print(f"  ratio API / plain: {api_rate / plain_rate:.2f}")


if __name__ == "__main__":
    main()
