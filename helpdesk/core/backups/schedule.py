"""What admins set for backups in the panel: the daily time, how many to keep, a mirror folder.

Kept in the `setting` table like the other panel settings; the defaults apply until an admin saves.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from helpdesk.core import audit, fields
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.backups.retention import Retention
from helpdesk.core.cache import cached, invalidate
from helpdesk.core.errors import N_, ValidationError
from helpdesk.core.fields import parse_int
from helpdesk.core.org_settings import store_value, stored_value
from helpdesk.db.database import write_transaction

KEY = "backup_schedule"
HHMM_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
CATCH_UP = dt.timedelta(hours=6)  # after a night the server was off, the morning's start still backs up


@dataclass(frozen=True)
class Schedule:
    time: str = "02:00"  # local time of the organisation's time zone
    keep_daily: int = 30
    keep_monthly: int = 12
    mirror: str = ""  # a folder (e.g. a mounted network share) that gets a copy of every file

    @property
    def retention(self) -> Retention:
        return Retention(daily=self.keep_daily, monthly=self.keep_monthly)


def current() -> Schedule:
    def load() -> Schedule:
        saved = stored_value(KEY)
        value = saved if isinstance(saved, dict) else {}
        known = {k: value[k] for k in Schedule.__dataclass_fields__ if k in value}
        return Schedule(**known)
    return cached(KEY, load)


def save(actor: Actor, time: str, keep_daily: str, keep_monthly: str, mirror: str) -> Schedule:
    """Check and save the backup settings; each change is audited."""
    require_admin(actor)
    time = (time or "").strip()
    if not HHMM_RE.match(time):
        raise ValidationError(N_("Enter a time as HH:MM, e.g. 09:00."), field="time")
    daily = parse_int(keep_daily)
    if daily is None or not 1 <= daily <= 3650:
        raise ValidationError(N_("Enter a whole number from %(low)s to %(high)s."), field="keep_daily", low=1,
                              high=3650)
    monthly = parse_int(keep_monthly)
    if monthly is None or not 0 <= monthly <= 1200:
        raise ValidationError(N_("Enter a whole number from %(low)s to %(high)s."), field="keep_monthly", low=0,
                              high=1200)
    mirror = fields.clean_text(mirror or "").strip()
    if mirror and not Path(mirror).is_absolute():
        raise ValidationError(N_("Enter the mirror folder as a full path, e.g. /mnt/share/helpdesk, or leave "
                                 "it empty."), field="mirror")
    wanted = Schedule(time=time, keep_daily=daily, keep_monthly=monthly, mirror=mirror)
    before = current()
    old, new = audit.diff(before.__dict__, wanted.__dict__)
    if new:
        with write_transaction():
            store_value(KEY, wanted.__dict__)
            audit.record(actor, "backup_settings_save", entity="settings", entity_id="backups", before=old,
                         after=new)
        invalidate()
    return wanted


def slot_due(now: dt.datetime, schedule: Schedule, timezone: str) -> str | None:
    """The scheduled slot ("scheduled:YYYY-MM-DD", the local day) to run at `now` (UTC), or None.

    Due from the set time until CATCH_UP later; whether that day's slot was already taken is the
    caller's compare-and-set (a unique row), so a restart or a second worker cannot run it twice.
    """
    local = now.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(timezone))
    hour, minute = map(int, schedule.time.split(":"))
    at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if at <= local < at + CATCH_UP:
        return f"scheduled:{at.date().isoformat()}"
    return None
