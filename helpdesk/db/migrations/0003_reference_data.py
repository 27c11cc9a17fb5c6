"""Request types, their SLA policies and the default business calendar."""

import peewee as pw

TYPES = [
    # code, Russian name, English name, kind, sort, accept minutes, resolve minutes
    ("cartridges", "Картриджи", "Cartridges", "cartridges", 10, 60, 16 * 60),
    ("repair", "Ремонт", "Repair", "repair", 20, 60, 24 * 60),
    ("maintenance", "Обслуживание", "Maintenance", "repair", 30, 120, 40 * 60),
    ("it_help", "IT-помощь", "IT help", "generic", 40, 60, 8 * 60),
    ("other", "Другое", "Other", "generic", 90, 120, 24 * 60),
]


def up(migrator, db):
    ticket_type = pw.Table("ticket_type", ("id", "code", "name_ru", "name_en", "kind", "active", "sort")).bind(db)
    sla = pw.Table("sla_policy", ("id", "ticket_type_id", "accept_minutes", "resolve_minutes",
                                  "escalate_minutes")).bind(db)
    calendar = pw.Table("business_calendar", ("id", "timezone", "work_days", "day_start", "day_end")).bind(db)
    for code, name_ru, name_en, kind, sort, accept, resolve in TYPES:
        type_id = ticket_type.insert(code=code, name_ru=name_ru, name_en=name_en, kind=kind, active=True,
                                     sort=sort).execute()
        if not isinstance(type_id, int):  # PostgreSQL returns the id differently across drivers
            type_id = ticket_type.select(ticket_type.id).where(ticket_type.code == code).scalar()
        sla.insert(ticket_type_id=type_id, accept_minutes=accept, resolve_minutes=resolve,
                   escalate_minutes=60).execute()
    calendar.insert(timezone="Europe/Moscow", work_days="1,2,3,4,5", day_start="09:00", day_end="18:00").execute()
