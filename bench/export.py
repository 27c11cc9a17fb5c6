"""The requests list's xlsx export at 100k requests: time and peak memory, next to the bare writers.

    python bench/export.py [--size 100k] [--database sqlite|postgres] [--pg-dsn DSN] [--cache-dir DIR]

Uses the shared cached data set (bench/_dataset.py; see its notes: never build a second copy). Each
variant runs in its own child process, so its peak RSS is its own. All write the same cells, every
request of the data set (archived too) as the admin sees them:

  helpdesk export      excel.write_requests: chunked reads + rustpy-xlsxwriter (what the panel and CLI run)
  openpyxl write-only  the same rows (excel.request_rows) into openpyxl's write-only workbook: the anchor
  xlsxwriter const.    the same rows into xlsxwriter with constant_memory (when installed)

The anchor is measured in the same run, so the ratio holds however busy the machine is.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path

import _dataset

from helpdesk.core import tickets
from helpdesk.core.actors import Actor
from helpdesk.db.database import close_database, init_database

EVERYTHING = tickets.TicketFilter(archived=None)


def _ours(target: Path) -> int:
    from helpdesk.export.excel import write_requests

    seen = [0]
    write_requests(target, Actor.system("cli"), EVERYTHING, "ru", lambda done, total: seen.__setitem__(0, total))
    return seen[0]


def _openpyxl(target: Path) -> int:
    from openpyxl import Workbook

    from helpdesk.export.excel import REQUEST_HEADERS, request_rows

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Заявки")
    sheet.append(list(REQUEST_HEADERS))
    n = 0
    for row in request_rows(Actor.system("cli"), EVERYTHING, "ru"):
        sheet.append(row)
        n += 1
    book.save(target)
    return n


def _xlsxwriter(target: Path) -> int:
    import xlsxwriter

    from helpdesk.export.excel import REQUEST_HEADERS, request_rows

    book = xlsxwriter.Workbook(str(target), {"constant_memory": True, "default_date_format": "dd.mm.yyyy hh:mm"})
    sheet = book.add_worksheet("Заявки")
    sheet.write_row(0, 0, REQUEST_HEADERS)
    n = 0
    for n, row in enumerate(request_rows(Actor.system("cli"), EVERYTHING, "ru"), start=1):
        sheet.write_row(n, 0, row)
    book.close()
    return n


VARIANTS = {"helpdesk export": _ours, "openpyxl write-only": _openpyxl, "xlsxwriter const.": _xlsxwriter}


def _child(name: str, url: str, target: str, out: multiprocessing.Queue) -> None:
    init_database(url, migrate=False)
    started = time.perf_counter()
    rows = VARIANTS[name](Path(target))
    took = time.perf_counter() - started
    close_database()
    out.put((rows, took, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def run(name: str, url: str, folder: Path) -> tuple[int, float, float, int] | None:
    if name == "xlsxwriter const.":
        try:
            import xlsxwriter  # noqa: F401
        except ImportError:
            return None
    target = folder / f"{name.replace(' ', '-')}.xlsx"
    out: multiprocessing.Queue = multiprocessing.Queue()
    child = multiprocessing.get_context("fork").Process(target=_child, args=(name, url, str(target), out))
    child.start()
    rows, took, rss = out.get()
    child.join()
    size = target.stat().st_size
    target.unlink()
    return rows, took, rss, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100k")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-dsn")
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "helpdesk-bench-cache")
    args = parser.parse_args()
    data = _dataset.prepare(args.database, _dataset.parse_size(args.size), args.cache_dir, args.pg_dsn)
    try:
        started = time.perf_counter()
        init_database(data.url)  # the working copy gets the migrations the cache lacks (0018: lead times)
        close_database()
        print(f"{args.database}, {args.size} requests; migrations on the copy took {time.perf_counter() - started:.1f} s")
        results = {}
        with tempfile.TemporaryDirectory() as folder:
            for name in VARIANTS:
                results[name] = run(name, data.url, Path(folder))
        anchor = results["openpyxl write-only"]
        print(f"{'variant':22s}{'rows':>9s}{'seconds':>9s}{'rows/s':>9s}{'peak RSS MB':>13s}{'file MB':>9s}"
              f"{'time vs openpyxl':>18s}")
        for name, result in results.items():
            if result is None:
                print(f"{name:22s}  (not installed)")
                continue
            rows, took, rss, size = result
            print(f"{name:22s}{rows:9d}{took:9.1f}{rows / took:9.0f}{rss:13.0f}{size / 1e6:9.1f}"
                  f"{took / anchor[1]:17.2f}x")
    finally:
        data.cleanup()


if __name__ == "__main__":
    main()
