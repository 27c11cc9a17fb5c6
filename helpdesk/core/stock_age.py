"""How stock reads while ordering, in every channel: the count, where it comes from, and how old it is.

A count from 1C says when 1C gave it ("по данным 1С на 10:42"), or how long ago once that is more than
an hour ("3 ч назад"): when 1C cannot be reached the last known figures stay, and their age shows it.
"""

from __future__ import annotations

import datetime as dt

from helpdesk.db.models import utcnow
from helpdesk.formatting import local_time
from helpdesk.i18n import N_, translate

IN_STOCK = N_("in stock: %(n)s")
NO_COUNT = N_("no count")
AS_OF = N_("1C as of %(time)s")
HOURS_AGO = N_("1C, %(hours)s h ago")
DAYS_AGO = N_("1C, %(days)s d ago")


def age_text(updated_at: dt.datetime, lang: str, now: dt.datetime | None = None) -> str:
    """"1C as of 10:42" within the hour, then "1C, 3 h ago", from two days on "1C, 2 d ago"."""
    age = (now or utcnow()) - updated_at
    if age < dt.timedelta(hours=1):
        return translate(AS_OF, lang, time=local_time(updated_at, "%H:%M"))
    if age < dt.timedelta(hours=48):
        return translate(HOURS_AGO, lang, hours=int(age.total_seconds() // 3600))
    return translate(DAYS_AGO, lang, days=age.days)


def stock_note(in_stock: int | None, source: str | None, updated_at: dt.datetime | None, lang: str,
               now: dt.datetime | None = None) -> str:
    """The stock part of an order line: "in stock: 12 · 1C as of 10:42", "in stock: 3", "no count"."""
    if in_stock is None:
        return translate(NO_COUNT, lang)
    text = translate(IN_STOCK, lang, n=in_stock)
    if source == "1c" and updated_at is not None:
        text += " · " + age_text(updated_at, lang, now)
    return text
