"""Which backup files stay: the newest N, the first of each of the last M months, the first of every year.

Files are told apart by the time in their name alone, so the rule gives the same answer for the local
folder and the mirror, and after any restart. Months and years are the organisation's local ones.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

PREFIX = "helpdesk-backup-"
SUFFIX = ".zip"
NAME_RE = re.compile(r"^helpdesk-backup-(\d{8}-\d{6})(?:-(\d+))?\.zip$")
STAMP_FORMAT = "%Y%m%d-%H%M%S"
KINDS = ("daily", "monthly", "yearly")


@dataclass(frozen=True)
class Retention:
    daily: int = 30  # the newest N backups
    monthly: int = 12  # the first backup of each of the last M months
    # and the first backup of every year, kept for good


def file_name(when: dt.datetime, taken: Iterable[str] = ()) -> str:
    """The name for a backup made at `when` (UTC, naive); a second one in the same second gets -2, -3…"""
    base = f"{PREFIX}{when.strftime(STAMP_FORMAT)}"
    taken = set(taken)
    name, n = f"{base}{SUFFIX}", 1
    while name in taken:
        n += 1
        name = f"{base}-{n}{SUFFIX}"
    return name


def stamp_of(name: str) -> dt.datetime | None:
    """The UTC time in a backup file's name, or None when the name is not one of ours."""
    match = NAME_RE.match(name)
    if match is None:
        return None
    return dt.datetime.strptime(match.group(1), STAMP_FORMAT)


def is_backup_name(name: str) -> bool:
    return stamp_of(name) is not None


def backup_names(folder: Path) -> list[str]:
    """Our backup files in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    return sorted((p.name for p in folder.iterdir() if p.is_file() and is_backup_name(p.name)), key=_order)


def _order(name: str) -> tuple[dt.datetime, str]:
    match = NAME_RE.match(name)
    assert match is not None
    return stamp_of(name) or dt.datetime.min, (match.group(2) or "1").rjust(6, "0")


def _local(name: str, zone: ZoneInfo) -> dt.datetime:
    stamp = stamp_of(name)
    assert stamp is not None
    return stamp.replace(tzinfo=dt.UTC).astimezone(zone)


def kinds(names: Iterable[str], timezone: str = "UTC") -> dict[str, str]:
    """Each name's kind: "yearly" for the first of its year, "monthly" for the first of its month, else daily."""
    zone = ZoneInfo(timezone)
    result: dict[str, str] = {}
    years: set[int] = set()
    months: set[tuple[int, int]] = set()
    for name in sorted(names, key=_order):
        local = _local(name, zone)
        if local.year not in years:
            result[name] = "yearly"
        elif (local.year, local.month) not in months:
            result[name] = "monthly"
        else:
            result[name] = "daily"
        years.add(local.year)
        months.add((local.year, local.month))
    return result


def to_remove(names: Iterable[str], rule: Retention, timezone: str = "UTC") -> list[str]:
    """The names the rule lets go, oldest first; yearly ones never."""
    ordered = sorted(names, key=_order)
    kind = kinds(ordered, timezone)
    zone = ZoneInfo(timezone)
    keep = set(ordered[-rule.daily:]) if rule.daily > 0 else set()
    keep |= {name for name in ordered if kind[name] == "yearly"}
    firsts = [name for name in ordered if kind[name] in ("monthly", "yearly")]
    recent_months = sorted({(_local(n, zone).year, _local(n, zone).month) for n in firsts})[-rule.monthly:] \
        if rule.monthly > 0 else []
    keep |= {name for name in firsts if (_local(name, zone).year, _local(name, zone).month) in recent_months}
    return [name for name in ordered if name not in keep]
