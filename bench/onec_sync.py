"""1C stock sync: 5,000 items × 20 warehouses from the fake 1C, on SQLite (or PostgreSQL).

    python bench/onec_sync.py [--items 5000] [--warehouses 20] [--database sqlite|postgres]

The fake 1C runs in its own process (tests/support/fake_onec.py), so the peak RSS is the sync's side.
Prints the time, requests made and rows written for a first sync (every row new) and a second one
(nothing changed), and the anchor: the same balance pages fetched by bare httpx GETs, no parsing of
rows or database work, in the same run; the ratio is sync / anchor.
"""

from __future__ import annotations

import argparse
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from _common import fresh_database

from helpdesk.config import OneCSettings
from helpdesk.core import onec_sync
from helpdesk.core.actors import Actor
from helpdesk.db.database import write_transaction
from helpdesk.db.models import CartridgeModel, Stock, Warehouse
from helpdesk.integrations.onec import OneCClient
from tests.support.fake_onec import ROOT, key

ROOT_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_fake(items: int, warehouses: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "tests.support.fake_onec", "--port", str(port), "--items",
                                str(items), "--warehouses", str(warehouses)], cwd=ROOT_DIR, stdout=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}{ROOT}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the fake 1C did not start")


def map_everything(items: int, warehouses: int) -> None:
    """Our warehouses and cartridge models, each tied to its 1C twin (the fake's keys are deterministic)."""
    with write_transaction():
        Warehouse.insert_many([{"code": f"B{w}", "name": f"Bench {w}", "onec_key": key("warehouse", w)}
                               for w in range(warehouses)]).execute()
        rows = [{"name": f"Bench cartridge {i}", "article": f"ART-{i + 1:05d}", "onec_key": key("item", i)}
                for i in range(items)]
        for start in range(0, len(rows), 500):
            CartridgeModel.insert_many(rows[start:start + 500]).execute()


def anchor(settings: OneCSettings) -> tuple[float, int]:
    """The bare tool: the same Balance pages by plain GETs (httpx), nothing parsed or written."""
    client = OneCClient(onec_sync.onec_settings.connection_of(settings))
    warehouse_keys = [w.onec_key for w in Warehouse.select().where(Warehouse.onec_key.is_null(False))]
    path = client.balance_path()
    c = client.connection
    field = f"{c.warehouse_dimension}_Key"
    started = time.perf_counter()
    requests = 0
    with httpx.Client(headers=client._http.headers, timeout=60) as http:
        for batch in client.key_batches(path, {}, field, warehouse_keys):
            condition = " or ".join(f"{field} eq guid'{k}'" for k in batch)
            skip = 0
            while True:
                response = http.get(client.url(path, {"$filter": condition, "$format": "json",
                                                      "$top": str(c.page_size), "$skip": str(skip)}))
                requests += 1
                if len(response.json()["value"]) < c.page_size:
                    break
                skip += c.page_size
    client.close()
    return time.perf_counter() - started, requests


def timed_writes() -> list[float]:
    """Seconds spent in the database write of each sync (the part the engine decides), besides the total."""
    spent: list[float] = []
    write = onec_sync._write

    def timed(*args: object) -> int:
        started = time.perf_counter()
        try:
            return write(*args)  # type: ignore[arg-type]
        finally:
            spent.append(time.perf_counter() - started)

    onec_sync._write = timed  # type: ignore[assignment]
    return spent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--warehouses", type=int, default=20)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    process, url = start_fake(args.items, args.warehouses)
    _, cleanup = fresh_database(args.database)
    try:
        map_everything(args.items, args.warehouses)
        settings = OneCSettings(url=url, user="Администратор", password="Ключ-42!", timeout=120)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{args.items} items × {args.warehouses} warehouses, {args.database}")
        times = []
        writes = timed_writes()
        for label in ("first sync (all new)", "second sync (no change)"):
            started = time.perf_counter()
            outcome = onec_sync.sync(Actor.system(), settings, b"k" * 32)
            times.append(time.perf_counter() - started)
            assert outcome.state == "ok", outcome.error
            print(f"  {label:<26} {times[-1]:7.2f} s  requests {outcome.requests:4d}  rows {outcome.written:7d}  "
                  f"changed {outcome.changed:7d}  of which writing {writes[-1]:5.2f} s")
        assert Stock.select().where(Stock.source == "1c").count() == args.items * args.warehouses
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak RSS {rss:.0f} MB (before the syncs {rss_before:.0f} MB)")
        seconds, requests = anchor(settings)
        print(f"  anchor: bare httpx GETs of the same balance pages {seconds:7.2f} s  requests {requests}")
        print(f"  ratio sync / anchor: first {times[0] / seconds:.2f}, second {times[1] / seconds:.2f}")
    finally:
        cleanup()
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    main()
