"""What admins set in the panel: organisation name, default language, time zone, bot token, SLA, calendar.

Values live in the `setting` table (key -> JSON) and in the SLA/calendar tables; readers go through
the short cache, writers invalidate it and leave an audit event (never with a secret in it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from helpdesk import sealing
from helpdesk.core import audit, fields, sla
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.cache import cached, invalidate
from helpdesk.core.errors import N_, ValidationError
from helpdesk.core.fields import parse_int
from helpdesk.db.database import write_transaction
from helpdesk.db.models import BusinessCalendar, Holiday, Setting, SlaPolicy, TicketType, utcnow
from helpdesk.i18n import LANGUAGES

BOT_TOKEN_KEY = "bot_token_sealed"
# What @BotFather issues: the bot's numeric id, a colon, 35 characters (we allow some slack).
BOT_TOKEN_RE = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,64}$")
MAX_SLA_MINUTES = 365 * 24 * 60
HHMM_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class General:
    org_name: str
    language: str  # "" = the server's HELPDESK_LANG
    timezone: str


def stored_value(key: str) -> object:
    """A value saved in the `setting` table (None when nothing is saved under `key`)."""
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row is not None else None


def store_value(key: str, value: object) -> None:
    """Save `value` under `key` (inside the caller's transaction, if any)."""
    updated = Setting.update(value=value, updated_at=utcnow()).where(Setting.key == key).execute()
    if not updated:
        Setting.create(key=key, value=value)


def calendar_row() -> BusinessCalendar:
    """The business calendar's one row (made with the defaults if it is missing)."""
    row = BusinessCalendar.select().order_by(BusinessCalendar.id).first()
    return row if row is not None else BusinessCalendar.create()


def general() -> General:
    def load() -> General:
        row = BusinessCalendar.select().order_by(BusinessCalendar.id).first()
        return General(org_name=str(stored_value("org_name") or ""), language=str(stored_value("language") or ""),
                       timezone=row.timezone if row is not None else "Europe/Moscow")
    return cached("general", load)


def timezones() -> list[str]:
    """Area/City zones for the picker (no legacy aliases like "W-SU")."""
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))


def save_general(actor: Actor, org_name: str, language: str, timezone: str) -> General:
    require_admin(actor)
    org_name = fields.clean_text(org_name).strip()
    if len(org_name) > 200:
        raise ValidationError(N_("Too long (%(max)s characters at most)."), field="org_name", max=200)
    if language not in ("", *LANGUAGES):
        raise ValidationError(N_("Choose a language from the list."), field="language")
    timezone = (timezone or "").strip()
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(N_("Unknown time zone: choose one from the list, e.g. Europe/Moscow."),
                              field="timezone") from None
    before = general()
    with write_transaction():
        store_value("org_name", org_name)
        store_value("language", language)
        BusinessCalendar.update(timezone=timezone).where(BusinessCalendar.id == calendar_row().id).execute()
        after = {"org_name": org_name, "language": language, "timezone": timezone}
        old, new = audit.diff(before.__dict__, after)
        if new:
            audit.record(actor, "settings_save", entity="settings", entity_id="general", before=old, after=new)
    invalidate()
    return general()


# --- the bot token ----------------------------------------------------------------------------------


def stored_bot_token(secret_key: bytes) -> str | None:
    """The token saved in the panel; None when none is saved (or it cannot be unsealed here)."""
    sealed = stored_value(BOT_TOKEN_KEY)
    return sealing.unseal(secret_key, str(sealed)) if sealed else None


def has_stored_bot_token() -> bool:
    return bool(stored_value(BOT_TOKEN_KEY))


def check_bot_token_shape(token: str) -> str:
    """The token stripped, or ValidationError when it cannot be a bot token (before asking Telegram)."""
    token = (token or "").strip()
    if token and not BOT_TOKEN_RE.match(token):
        raise ValidationError(N_("This does not look like a bot token: @BotFather gives one like "
                                 "123456789:AAF…, digits, a colon and 35 characters."), field="bot_token")
    return token


def save_bot_token(actor: Actor, secret_key: bytes, token: str) -> None:
    """Save a new token ("" forgets the saved one, so HELPDESK_BOT_TOKEN applies again)."""
    require_admin(actor)
    token = check_bot_token_shape(token)
    with write_transaction():
        store_value(BOT_TOKEN_KEY, sealing.seal(secret_key, token) if token else None)
        # Which bot (its numeric id) changed, never the token itself.
        audit.record(actor, "bot_token_set" if token else "bot_token_clear", entity="settings",
                     entity_id="bot_token", after={"bot_id": token.split(":")[0]} if token else None)


# --- SLA and the business calendar ----------------------------------------------------------------


@dataclass(frozen=True)
class SlaRow:
    ticket_type: TicketType
    accept_minutes: int
    resolve_minutes: int
    escalate_minutes: int


def sla_rows() -> list[SlaRow]:
    policies = {p.ticket_type_id: p for p in SlaPolicy.select()}
    rows = []
    for ticket_type in TicketType.select().order_by(TicketType.sort):
        policy = policies.get(ticket_type.id) or SlaPolicy(accept_minutes=60, resolve_minutes=480,
                                                           escalate_minutes=60)
        rows.append(SlaRow(ticket_type, policy.accept_minutes, policy.resolve_minutes, policy.escalate_minutes))
    return rows


def _minutes(value: str, field: str) -> int:
    minutes = parse_int(value)
    if minutes is None or not 1 <= minutes <= MAX_SLA_MINUTES:
        raise ValidationError(N_("Enter whole minutes from 1 to %(max)s."), field=field, max=MAX_SLA_MINUTES)
    return minutes


def save_sla(actor: Actor, values: dict[str, str]) -> None:
    """`values` as the form sends them: `accept_<type id>`, `resolve_<type id>`, `escalate_<type id>`."""
    require_admin(actor)
    wanted = {}
    for row in sla_rows():
        type_id = row.ticket_type.id
        minutes = {kind: _minutes(values.get(f"{kind}_{type_id}", ""), f"{kind}_{type_id}")
                   for kind in ("accept", "resolve", "escalate")}
        if minutes["resolve"] < minutes["accept"]:
            raise ValidationError(N_("Resolving cannot take less time than accepting."), field=f"resolve_{type_id}")
        wanted[row] = minutes
    changed: list[int] = []
    with write_transaction():
        for row, minutes in wanted.items():
            before = {"accept": row.accept_minutes, "resolve": row.resolve_minutes, "escalate": row.escalate_minutes}
            old, new = audit.diff(before, minutes)
            if not new:
                continue
            changed.append(row.ticket_type.id)
            fields = {"accept_minutes": minutes["accept"], "resolve_minutes": minutes["resolve"],
                      "escalate_minutes": minutes["escalate"]}
            if not SlaPolicy.update(**fields).where(SlaPolicy.ticket_type == row.ticket_type.id).execute():
                SlaPolicy.create(ticket_type=row.ticket_type.id, **fields)
            audit.record(actor, "sla_save", entity="ticket_type", entity_id=row.ticket_type.code, before=old,
                         after=new)
        if changed:
            invalidate()  # the new policies, for the open requests' deadlines below
            sla.recompute_open(changed)
    invalidate()


def holidays() -> list[Holiday]:
    return list(Holiday.select().order_by(Holiday.day.desc()))


def save_calendar(actor: Actor, work_days: list[str], day_start: str, day_end: str) -> None:
    require_admin(actor)
    days = sorted({d for d in map(parse_int, work_days) if d is not None and 1 <= d <= 7})
    if not days:
        raise ValidationError(N_("Tick at least one working day."), field="work_days")
    for field, value in (("day_start", day_start), ("day_end", day_end)):
        if not HHMM_RE.match(value or ""):
            raise ValidationError(N_("Enter a time as HH:MM, e.g. 09:00."), field=field)
    if day_end <= day_start:
        raise ValidationError(N_("The working day must end after it starts."), field="day_end")
    row = calendar_row()
    before = {"work_days": row.work_days, "day_start": row.day_start, "day_end": row.day_end}
    after = {"work_days": ",".join(map(str, days)), "day_start": day_start, "day_end": day_end}
    old, new = audit.diff(before, after)
    if not new:
        return
    with write_transaction():
        BusinessCalendar.update(**after).where(BusinessCalendar.id == row.id).execute()
        audit.record(actor, "calendar_save", entity="settings", entity_id="calendar", before=old, after=new)
        _calendar_changed()
    invalidate()


def add_holiday(actor: Actor, day: str, name: str, working: bool = False) -> Holiday:
    """A day off (or, `working`, a weekend day that is a working day) in the business calendar."""
    require_admin(actor)
    try:
        parsed = dt.date.fromisoformat((day or "").strip())
    except ValueError:
        raise ValidationError(N_("Enter a date."), field="day") from None
    name = fields.clean_text(name).strip()[:100]
    with write_transaction():
        holiday = Holiday.get_or_none(Holiday.day == parsed)
        if holiday is None:
            holiday = Holiday.create(day=parsed, name=name, working=working)
        else:
            Holiday.update(name=name, working=working).where(Holiday.id == holiday.id).execute()
        audit.record(actor, "holiday_add", entity="holiday", entity_id=parsed.isoformat(),
                     after={"name": name, "working": working})
        _calendar_changed()
    invalidate()
    return holiday


def remove_holiday(actor: Actor, holiday_id: int) -> None:
    require_admin(actor)
    with write_transaction():
        holiday = Holiday.get_or_none(Holiday.id == holiday_id)
        if holiday is None:
            return
        Holiday.delete().where(Holiday.id == holiday.id).execute()
        audit.record(actor, "holiday_remove", entity="holiday", entity_id=holiday.day.isoformat(),
                     before={"name": holiday.name})
        _calendar_changed()
    invalidate()


def _calendar_changed() -> None:
    """Inside the change's transaction: open requests' deadlines follow the new calendar."""
    invalidate()
    sla.recompute_open()


def public_holidays(country: str, year: int) -> list[tuple[dt.date, str, bool]]:
    """(day, name, working) from the `holidays` package: days off and weekend days made working days."""
    import holidays as holiday_data  # its data loads on first use: only when an admin asks

    try:
        found = holiday_data.country_holidays(country, years=year, language="ru")
    except (NotImplementedError, KeyError):
        raise ValidationError(N_("No public holidays are known for this country."), field="country") from None
    days = [(day, str(name)[:100], False) for day, name in sorted(found.items())]
    days += [(day, "", True) for day in sorted(getattr(found, "weekend_workdays", set()))]
    return days


def import_public_holidays(actor: Actor, country: str, year: int) -> int:
    """Fill the calendar with a country's public holidays and transferred working days for a year.

    Days already in the calendar keep what an admin set; returns how many days were added."""
    require_admin(actor)
    country = (country or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise ValidationError(N_("Enter a two-letter country code, e.g. RU."), field="country")
    if not 2000 <= year <= 2100:
        raise ValidationError(N_("Enter a year from 2000 to 2100."), field="year")
    days = public_holidays(country, year)
    with write_transaction():
        known = {h.day for h in Holiday.select(Holiday.day).where(Holiday.day.in_([d for d, _, _ in days]))}
        added = [(day, name, working) for day, name, working in days if day not in known]
        for day, name, working in added:
            Holiday.create(day=day, name=name, working=working)
        if added:
            audit.record(actor, "holidays_import", entity="settings", entity_id="calendar",
                         after={"country": country, "year": year, "days": len(added)})
            _calendar_changed()
    invalidate()
    return len(added)
