"""PostgreSQL soak: N clients create and list requests against a real `helpdesk serve` for M minutes.

    python bench/pg_soak.py [--minutes 10] [--clients 32]

Prints, per minute: requests, errors, p50/p95 latency, the most connections the database showed in
pg_stat_activity and the pool as /healthz reports it; then the totals. The pool holds 32 connections:
more in pg_stat_activity, or errors, mean connections leak.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx
import psycopg
from _common import clean_env, percentiles, seed, start_server, stop_server, wait_up

from tests.support.postgres import free_port, get_pg_server  # noqa: E402


class Sampler(threading.Thread):
    """Connections of the soak database in pg_stat_activity, sampled twice a second, max per minute."""

    def __init__(self, admin_dsn: str, name: str, started: float) -> None:
        super().__init__(daemon=True)
        self.admin_dsn, self.name, self.started = admin_dsn, name, started
        self.peak: dict[int, int] = defaultdict(int)
        self.running = True

    def run(self) -> None:
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            while self.running:
                count = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                                     (self.name,)).fetchone()[0]
                minute = int((time.monotonic() - self.started) // 60)
                self.peak[minute] = max(self.peak[minute], count)
                time.sleep(0.5)


def client(base: str, secret: str, stop: float, started: float, results: dict[int, list[float]],
           errors: dict[int, list[str]], lock: threading.Lock, index: int) -> None:
    headers = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        step = 0
        while time.monotonic() < stop:
            step += 1
            for method, path, body, expected in (
                    ("POST", "/api/v1/requests", {"type": "it_help", "description": f"soak {index}/{step}"}, 201),
                    ("GET", "/api/v1/requests", None, 200)):
                began = time.monotonic()
                try:
                    response = http.request(method, path, json=body)
                    problem = None if response.status_code == expected else f"{response.status_code} {response.text[:120]}"
                except httpx.HTTPError as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                took = time.monotonic() - began
                minute = int((began - started) // 60)
                with lock:
                    (errors[minute].append(problem) if problem else results[minute].append(took))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    server = get_pg_server()
    if server is None:
        raise SystemExit("no PostgreSQL server available")
    name = f"hd_soak_{os.getpid()}"
    server.drop_database(name)
    url = server.create_database(name)
    data_dir = Path(tempfile.mkdtemp(prefix="helpdesk-soak-"))
    secret = seed(data_dir, url, token_name="soak")
    port = free_port()
    proc = start_server(data_dir, port, env=clean_env(HELPDESK_DATABASE_URL=url), log=data_dir / "serve.out")
    base = f"http://127.0.0.1:{port}"
    results: dict[int, list[float]] = defaultdict(list)
    errors: dict[int, list[str]] = defaultdict(list)
    lock = threading.Lock()
    try:
        wait_up(f"{base}/healthz")
        started = time.monotonic()
        stop = started + args.minutes * 60
        sampler = Sampler(server.admin_dsn, name, started)
        sampler.start()
        threads = [threading.Thread(target=client, args=(base, secret, stop, started, results, errors, lock, i))
                   for i in range(args.clients)]
        for thread in threads:
            thread.start()
        print(f"PostgreSQL soak: {args.clients} clients, create + list, {args.minutes:g} min, pool of 32")
        print("  min  requests  errors   p50 ms   p95 ms  max conns  healthz pool")
        for minute in range(math.ceil(args.minutes)):
            time.sleep(max(0.0, min(started + (minute + 1) * 60, stop) - time.monotonic()))
            _report(minute, results, errors, sampler, base)
        for thread in threads:
            thread.join()
        sampler.running = False
        total = [x for lat in results.values() for x in lat]
        failures = [e for errs in errors.values() for e in errs]
        p50, p95 = percentiles(total) if total else (0.0, 0.0)
        print(f"  all  {len(total) + len(failures):8d}  {len(failures):6d}  {p50 * 1000:7.1f}  {p95 * 1000:7.1f}  "
              f"{max(sampler.peak.values(), default=0):9d}")
        for problem in sorted(set(failures))[:5]:
            print(f"  error: {problem}")
    finally:
        stop_server(proc)
        server.drop_database(name)


def _report(minute: int, results: dict[int, list[float]], errors: dict[int, list[str]], sampler: Sampler,
            base: str) -> None:
    latencies, failed = results.get(minute, []), errors.get(minute, [])
    p50, p95 = percentiles(latencies) if latencies else (0.0, 0.0)
    try:
        health = httpx.get(f"{base}/healthz", timeout=15)
        pool = health.json()["database"].get("pool", {})
        state = f"{health.status_code} in use {pool.get('in_use')}/{pool.get('max')}, idle {pool.get('idle')}"
    except (httpx.HTTPError, ValueError) as exc:
        state = f"unreachable: {type(exc).__name__}"
    print(f"  {minute + 1:3d}  {len(latencies) + len(failed):8d}  {len(failed):6d}  {p50 * 1000:7.1f}  "
          f"{p95 * 1000:7.1f}  {sampler.peak.get(minute, 0):9d}  {state}", flush=True)


if __name__ == "__main__":
    main()
