"""A login flood against a real `helpdesk serve`: API latency and the server's memory before and during it.

    python bench/login_flood.py [--seconds 30] [--clients 32] [--addresses 1]

Flood clients post /login with random logins (each with its CSRF cookie and token), from one address
(127.0.0.1) or, with --addresses N, from N loopback addresses (127.0.1.x), as a spread-out attack would.
Meanwhile a probe reads GET /api/v1/requests with a token and the server's RSS is sampled.
"""

from __future__ import annotations

import argparse
import collections
import re
import secrets
import tempfile
import threading
import time
from pathlib import Path

import httpx
from _common import percentiles, seed, start_server, stop_server, wait_up

PORT = 18191
BASE = f"http://127.0.0.1:{PORT}"


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def probe(token: str, pid: int, seconds: float) -> tuple[list[float], list[float], collections.Counter]:
    """API list latencies and RSS samples, one call at a time, every 50 ms."""
    latencies, rss, codes = [], [], collections.Counter()
    stop = time.perf_counter() + seconds
    with httpx.Client(base_url=BASE, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            codes[client.get("/api/v1/requests").status_code] += 1
            latencies.append(time.perf_counter() - started)
            rss.append(rss_mb(pid))
            time.sleep(0.05)
    return latencies, rss, codes


def flood(index: int, addresses: int, stop: float, codes: collections.Counter, lock: threading.Lock) -> None:
    local = "127.0.0.1" if addresses <= 1 else f"127.0.1.{1 + index % addresses}"
    transport = httpx.HTTPTransport(local_address=local)
    with httpx.Client(base_url=BASE, transport=transport, timeout=60) as client:
        page = client.get("/login").text
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)
        while time.perf_counter() < stop:
            response = client.post("/login", data={"username": secrets.token_hex(6), "password": "guess-" +
                                                   secrets.token_hex(4), "_csrf_token": token})
            with lock:
                codes[response.status_code] += 1


def report(name: str, latencies: list[float], rss: list[float]) -> None:
    p50, p95 = percentiles(latencies)
    print(f"  {name:7s} API p50 {p50 * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  ({len(latencies)} calls)   "
          f"RSS median {sorted(rss)[len(rss) // 2]:5.0f} MB  peak {max(rss):5.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--addresses", type=int, default=1)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="helpdesk-bench-flood-"))
    token = seed(data_dir, requests=50)  # the personas, bob's requests and his API token for the probe
    server = start_server(data_dir, PORT)
    try:
        wait_up(f"{BASE}/healthz")
        probe(token, server.pid, 2)  # warm up
        before = probe(token, server.pid, 5)
        codes: collections.Counter = collections.Counter()
        lock = threading.Lock()
        stop = time.perf_counter() + args.seconds
        threads = [threading.Thread(target=flood, args=(i, args.addresses, stop, codes, lock))
                   for i in range(args.clients)]
        for thread in threads:
            thread.start()
        during = probe(token, server.pid, args.seconds)
        for thread in threads:
            thread.join()
    finally:
        stop_server(server)
    print(f"Login flood: {args.clients} clients from {args.addresses} address(es), {args.seconds:g} s, SQLite")
    report("before", before[0], before[1])
    report("during", during[0], during[1])
    total = sum(codes.values())
    print(f"  login answers: {dict(sorted(codes.items()))} = {total / args.seconds:.0f}/s, "
          f"refused after a password check (401): {codes[401] / args.seconds:.1f}/s")
    print(f"  API answers during the flood: {dict(during[2])}")


if __name__ == "__main__":
    main()
