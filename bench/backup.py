"""`helpdesk backup` and `helpdesk restore` on a large database, next to `sqlite3 .backup` / `.restore`.

    python bench/backup.py [--sizes 1M] [--cache-dir DIR]

Uses the cached data sets of bench/_dataset.py (never built here if they exist; each run works on a
copy in the cache dir and removes it). Each step runs as its own process, timed from outside, with its
peak RSS from wait4(): the anchor is the sqlite3 shell doing the bare online copy (`.backup`) and the
bare copy back (`.restore`) of the same file in the same run; helpdesk adds the integrity check, the
manifest's counts and checksums, compression, and on restore the checks and the safety copy. A second
anchor does the backup's work with the bare tools in a row: `.backup`, `PRAGMA integrity_check`, `gzip -1`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _dataset

from helpdesk.db.database import close_database, init_database

REPO = Path(__file__).resolve().parent.parent


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one command; fails loudly when it fails."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - started
    out, err = proc.stdout.read().decode(), proc.stderr.read().decode()  # type: ignore[union-attr]
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[:4])}… failed ({proc.returncode}): {err or out}")
    return took, usage.ru_maxrss / 1024


def measure(url: str) -> None:
    database = Path(url[len("sqlite:///"):])
    data_dir = database.parent
    init_database(url)  # the cache predates the newest migrations: apply them before timing
    close_database()
    size_gib = database.stat().st_size / 2**30
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env.update({"HELPDESK_DATA_DIR": str(data_dir), "HELPDESK_DATABASE_URL": url})
    helpdesk = [sys.executable, "-m", "helpdesk"]

    anchor_copy = data_dir / "anchor-backup.db"
    anchor_backup = run(["sqlite3", str(database), f".backup '{anchor_copy}'"])
    # The same work with the bare tools one after another: copy, integrity check, compress.
    checked = data_dir / "anchor-checked.db"
    anchor_full = run(["sh", "-c", f"sqlite3 '{database}' \".backup '{checked}'\" && "
                       f"sqlite3 '{checked}' 'PRAGMA integrity_check' && gzip -1 -c '{checked}' > '{checked}.gz'"])
    for leftover in (checked, Path(f"{checked}.gz")):
        leftover.unlink()
    ours_backup = run([*helpdesk, "backup"], env)
    made = max((data_dir / "backups").glob("helpdesk-backup-*.zip"))
    anchor_target = data_dir / "anchor-restored.db"
    anchor_restore = run(["sqlite3", str(anchor_target), f".restore '{anchor_copy}'"])
    ours_restore = run([*helpdesk, "restore", str(made)], env)

    print(f"  database {size_gib:.2f} GiB, backup file {made.stat().st_size / 2**30:.2f} GiB "
          f"({made.stat().st_size / database.stat().st_size:.0%} of the database)")
    print(f"  {'step':10s}{'helpdesk s':>12s}{'sqlite3 s':>11s}{'ratio':>7s}{'helpdesk RSS MiB':>18s}"
          f"{'sqlite3 RSS MiB':>17s}")
    for step, ours, anchor in (("backup", ours_backup, anchor_backup), ("restore", ours_restore, anchor_restore)):
        print(f"  {step:10s}{ours[0]:12.1f}{anchor[0]:11.1f}{ours[0] / anchor[0]:7.1f}{ours[1]:18.0f}{anchor[1]:17.0f}")
    print(f"  bare tools doing the backup's work in a row (.backup, integrity_check, gzip -1): {anchor_full[0]:.1f} s, "
          f"peak RSS {anchor_full[1]:.0f} MiB; helpdesk backup / that = {ours_backup[0] / anchor_full[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1M", help="requests in the database, comma-separated")
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "helpdesk-bench-cache")
    args = parser.parse_args()
    if shutil.which("sqlite3") is None:
        raise SystemExit("the sqlite3 shell is needed for the anchor")
    for size in map(_dataset.parse_size, args.sizes.split(",")):
        print(f"{_dataset.size_label(size)} requests (SQLite)")
        data = _dataset.prepare("sqlite", size, args.cache_dir, None)
        try:
            measure(data.url)
        finally:
            data.cleanup()


if __name__ == "__main__":
    main()
