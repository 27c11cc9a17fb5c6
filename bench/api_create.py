"""API create-request throughput next to a plain Litestar JSON endpoint, measured in the same run.

    python bench/api_create.py [--seconds 10] [--connections 16] [--database sqlite|postgres|both]
                               [--source DIR]

The load comes from wrk (Debian's `wrk`; `apt-get install wrk`), which is not the bottleneck: it
keeps 16 connections busy from one C thread. Both servers run as separate processes with one worker.
`--source` serves helpdesk from another checkout (an earlier commit) to compare before and after.
Beside the rate, each server's CPU per request (from /proc): on a shared machine the rate follows the
load, the CPU a request costs much less.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import wait_up

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Free ports of this run: other benchmarks may be running on the same machine.
HELPDESK_PORT, PLAIN_PORT = free_port(), free_port()

LUA = """wrk.method = "POST"
wrk.body = '%s'
wrk.headers["Content-Type"] = "application/json"
%s
"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process has used: per request, a figure the machine's load sways less."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url: str, body: dict, headers: dict, seconds: float, connections: int, pid: int) -> dict[str, float]:
    """Requests per second, latency percentiles (ms) and the server's CPU ms per request; non-2xx aborts."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    extra = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % (json.dumps(body), extra))
    cpu_before = cpu_seconds(pid)
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", "-s", script.name, url],
                         capture_output=True, text=True, check=True).stdout
    cpu = cpu_seconds(pid) - cpu_before
    os.unlink(script.name)
    if "Non-2xx" in out:
        raise SystemExit(f"errors from {url}:\n{out}")

    def ms(text: str) -> float:
        value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    pct = dict(re.findall(r"\b(50|99)%\s+([\d.]+(?:us|ms|s))\b", out))
    if "99" not in pct:
        raise SystemExit(f"unexpected wrk output:\n{out}")
    done = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "cpu": 1000 * cpu / max(done, 1),
            "p50": ms(pct["50"]), "p99": ms(pct["99"]),
            "max": ms(re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", out).group(1))}


def prepare_helpdesk(data_dir: Path, database_url: str) -> str:
    from helpdesk.config import load_settings, prepare_data_dir
    from helpdesk.core import people
    from helpdesk.core.actors import Actor
    from helpdesk.db.database import close_database, init_database
    from tests.conftest import make_org

    settings = load_settings({"data_dir": str(data_dir), "database_url": database_url}, environ={})
    prepare_data_dir(settings)
    init_database(settings.database_url)
    org = make_org()
    secret = people.issue_token(Actor.system("cli"), org.bob, "bench").secret
    close_database()
    return secret


def serve(source: Path, data_dir: Path, database_url: str, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env.update(PYTHONPATH=str(source))
    if database_url:
        env["HELPDESK_DATABASE_URL"] = database_url
    return subprocess.Popen([sys.executable, "-m", "helpdesk", "serve", "--data-dir", str(data_dir), "--port",
                             str(port), "--host", "127.0.0.1"], cwd=source, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def measure_helpdesk(engine: str, source: Path, seconds: float, connections: int, body: dict) -> dict[str, float]:
    from tests.support.postgres import get_pg_server

    data_dir = Path(tempfile.mkdtemp(prefix="helpdesk-bench-api-"))
    database_url, server, name = "", None, f"hd_bench_api_{os.getpid()}"
    if engine == "postgres":
        server = get_pg_server()
        if server is None:
            raise SystemExit("no PostgreSQL server available")
        server.drop_database(name)
        database_url = server.create_database(name)
    secret = prepare_helpdesk(data_dir, database_url)
    proc = serve(source, data_dir, database_url, HELPDESK_PORT)
    try:
        wait_up(f"http://127.0.0.1:{HELPDESK_PORT}/healthz")
        return wrk(f"http://127.0.0.1:{HELPDESK_PORT}/api/v1/requests", body, {"Authorization": f"Bearer {secret}"},
                   seconds, connections, proc.pid)
    finally:
        proc.terminate()
        proc.wait(15)
        shutil.rmtree(data_dir, ignore_errors=True)
        if server is not None:
            server.drop_database(name)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--source", type=Path, default=ROOT, help="the checkout whose helpdesk is served")
    args = parser.parse_args()
    body = {"type": "it_help", "description": "Mail client does not start"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    plain = subprocess.Popen([sys.executable, "-m", "uvicorn", "--app-dir", str(ROOT / "bench"), "plain_app:app",
                              "--port", str(PLAIN_PORT), "--log-level", "warning", "--no-access-log"], cwd=ROOT, env=env)
    engines = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    rows = []
    try:
        wait_up(f"http://127.0.0.1:{PLAIN_PORT}/healthz")
        for engine in engines:
            # The anchor right before each product run: the machine is shared and its load drifts.
            anchor = wrk(f"http://127.0.0.1:{PLAIN_PORT}/items", body, {}, args.seconds, args.connections, plain.pid)
            product = measure_helpdesk(engine, args.source.resolve(), args.seconds, args.connections, body)
            rows.append((engine, anchor, product))
    finally:
        plain.terminate()
        plain.wait(15)
    print(f"POST /api/v1/requests vs a plain Litestar JSON POST (wrk, {args.connections} connections, "
          f"{args.seconds:g} s each; helpdesk from {args.source})")
    for engine, anchor, product in rows:
        for name, m in ((f"plain Litestar ({engine} run)", anchor), (f"helpdesk API, {engine}", product)):
            print(f"  {name:28s} {m['rate']:8.0f} req/s   p50 {m['p50']:6.1f} ms   p99 {m['p99']:6.1f} ms   "
                  f"max {m['max']:7.1f} ms   server CPU {m['cpu']:5.2f} ms/request")
        print(f"  ratio API / plain ({engine}): {product['rate'] / anchor['rate']:.3f}   CPU per request: "
              f"{product['cpu'] / anchor['cpu']:.1f} times the plain endpoint's   load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
