"""The daily digest: each storekeeper's open requests and SLA breaches, once a day at the working day's start.

Which day was sent is one `setting` row moved on by compare-and-set, so two sweeps never both send.
"""

from __future__ import annotations

import datetime as dt

import peewee as pw

from helpdesk.core import outbox, sla
from helpdesk.db.database import write_transaction
from helpdesk.db.models import Setting, Ticket, User, utcnow

KEY = "digest_last_day"
OPEN = ("new", "accepted", "in_progress")
MAX_LISTED = 20


def _claim_day(day: dt.date) -> bool:
    previous = Setting.get_or_none(Setting.key == KEY)
    if previous is not None and previous.value == day.isoformat():
        return False
    try:
        with write_transaction():
            if previous is None:
                Setting.create(key=KEY, value=day.isoformat())
                return True
            return (Setting.update(value=day.isoformat(), updated_at=utcnow())
                    .where((Setting.key == KEY) & (Setting.value == previous.value)).execute()) == 1
    except pw.IntegrityError:  # another sweep made the row first
        return False


def send_due(now: dt.datetime | None = None) -> int:
    """On a working day, from its opening time: queue each storekeeper's digest (once per day)."""
    now = now or utcnow()
    calendar = sla.load_calendar()
    local = now.replace(tzinfo=dt.UTC).astimezone(calendar.timezone)
    if not calendar.is_work_day(local.date()) or local.time() < calendar.day_start:
        return 0
    if not _claim_day(local.date()):
        return 0
    count = 0
    keepers = User.select().where(User.active & (User.role == "storekeeper") & User.warehouse.is_null(False))
    overdue = sla.sla_condition("overdue", now)
    for keeper in keepers:
        mine = Ticket.select().where(Ticket.status.in_(OPEN) & ~Ticket.archived
                                     & (Ticket.warehouse == keeper.warehouse_id))
        total = mine.count()
        if not total:
            continue
        late = [t.number for t in mine.where(overdue).order_by(Ticket.id).limit(MAX_LISTED)]
        late_count = mine.where(overdue).count()
        with outbox.changes():
            count += outbox.notify([keeper], "digest", {"open": total, "overdue": late_count, "late": late})
    return count
