"""`helpdesk serve`: time to the first page, time to fully ready (bot polling, queue up), idle RSS.

    python bench/serve_startup.py [--runs 3] [--command "dist/helpdesk"] [--no-bot] [--ready-timeout 60]

The bot talks to the Bot API emulator on loopback, so "ready" includes aiogram's import and getMe.
Beside each wall-clock figure: the CPU seconds the process (and its children) had used by then, which the
load of a shared box sways far less.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from _common import percentiles

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.botapi import BotApiEmulator  # noqa: E402
from tests.support.postgres import free_port  # noqa: E402


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children.read_text().split()] if children.exists() else []


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of the process and its children (the one-file executable runs a child)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return own + sum(tree_cpu_seconds(child) for child in _children(pid))


def tree_rss_mib(pid: int) -> float:
    """RSS of the process and its children (the one-file executable runs a child)."""
    return rss_mib(pid) + sum(tree_rss_mib(child) for child in _children(pid))


def one_run(command: list[str], emulator: BotApiEmulator, bot: bool = True,
            ready_timeout: float = 60, data_dir: Path | None = None) -> tuple[float, float, float, float, float]:
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="helpdesk-bench-start-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    if bot:
        env.update(HELPDESK_BOT_TOKEN=emulator.token, HELPDESK_TELEGRAM_API_URL=emulator.base_url)
    started = time.perf_counter()
    proc = subprocess.Popen([*command, "serve", "--data-dir", str(data_dir), "--port", str(port), "--host",
                             "127.0.0.1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    first_page = ready = first_cpu = ready_cpu = None
    with httpx.Client(timeout=2) as client:
        while ready is None and time.perf_counter() - started < ready_timeout:
            try:
                if first_page is None and client.get(f"http://127.0.0.1:{port}/login").status_code == 200:
                    first_page = time.perf_counter() - started
                    first_cpu = tree_cpu_seconds(proc.pid)
                if first_page is not None:
                    health = client.get(f"http://127.0.0.1:{port}/healthz").json()
                    if (health["bot"]["state"] == "running" or not bot) and health["queue"]["state"] == "running":
                        ready = time.perf_counter() - started
                        ready_cpu = tree_cpu_seconds(proc.pid)
            except httpx.HTTPError:
                pass
            time.sleep(0.02)
    time.sleep(5)  # idle: the poller waits on getUpdates, the queue polls its SQLite file
    rss = tree_rss_mib(proc.pid)
    proc.terminate()
    try:
        proc.wait(60)  # under load the one-file executable also waits for the bot's import to end
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    if first_page is None or ready is None:
        raise SystemExit("serve did not become ready")
    return first_page, ready, rss, first_cpu, ready_cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--command", default="")
    parser.add_argument("--no-bot", action="store_true", help="no bot token: idle RSS without the bot")
    parser.add_argument("--restart", action="store_true",
                        help="a server started before on the same data dir (no first-run schema and admin)")
    parser.add_argument("--ready-timeout", type=float, default=60, help="seconds to wait for ready (a loaded box)")
    args = parser.parse_args()
    command = shlex.split(args.command) or [sys.executable, "-m", "helpdesk"]
    results = []
    data_dir = Path(tempfile.mkdtemp(prefix="helpdesk-bench-start-")) if args.restart else None
    with BotApiEmulator() as emulator:
        if data_dir is not None:  # the first run creates the database and the first admin: not measured
            one_run(command, emulator, bot=not args.no_bot, ready_timeout=args.ready_timeout, data_dir=data_dir)
        for _ in range(args.runs):
            results.append(one_run(command, emulator, bot=not args.no_bot, ready_timeout=args.ready_timeout,
                                   data_dir=data_dir))
    print(f"helpdesk serve startup ({' '.join(command)}), bot {'off' if args.no_bot else 'on'}, {args.runs} runs, "
          + ("restarts on one data dir" if args.restart else "fresh data dir each"))
    first, ready, rss, first_cpu, ready_cpu = zip(*results, strict=True)
    print(f"  first page (/login 200):  median {percentiles(list(first))[0]:.2f} s   max {max(first):.2f} s"
          f"   (CPU by then: median {percentiles(list(first_cpu))[0]:.2f} s)")
    print(f"  fully ready (bot+queue):  median {percentiles(list(ready))[0]:.2f} s   max {max(ready):.2f} s"
          f"   (CPU by then: median {percentiles(list(ready_cpu))[0]:.2f} s)")
    median_rss = percentiles(list(rss))[0]
    print(f"  idle RSS after 5 s:       median {median_rss:.0f} MiB ({median_rss * 2**20 / 1e6:.0f} MB)"
          f"  max {max(rss):.0f} MiB ({max(rss) * 2**20 / 1e6:.0f} MB)")
    print(f"  load average at the end:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
