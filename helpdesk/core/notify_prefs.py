"""Who gets which notice on which channel: each person's choices, and the quiet hours.

Events a person can steer, and for each a channel: Telegram, email, both or off. "auto" (the default)
is today's rule: Telegram when the person has it, else email. Quiet hours hold non-urgent notices that
fall outside the business calendar until the next working morning; SLA notices, urgent requests and
login codes are never held.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from helpdesk.core import audit
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, Forbidden, ValidationError
from helpdesk.db.database import write_transaction
from helpdesk.db.models import NotificationPreference, Ticket, User, utcnow

EVENTS = ("new_request", "status", "comment", "sla", "digest")
EVENT_LABELS = {"new_request": N_("New requests for my warehouse"), "status": N_("Status changes of my requests"),
                "comment": N_("Comments"), "sla": N_("SLA reminders"), "digest": N_("Daily digest")}
CHANNELS = ("auto", "telegram", "email", "both", "off")
CHANNEL_LABELS = {"auto": N_("Telegram, else email"), "telegram": N_("Telegram"), "email": N_("Email"),
                  "both": N_("Telegram and email"), "off": N_("Off")}
# outbox kinds -> the event a person steers (kinds not here follow the default rule and are never held)
EVENT_OF_KIND = {"ticket_created": "new_request", "status_changed": "status", "assigned": "status",
                 "comment_added": "comment", "sla_reminder": "sla", "sla_escalation": "sla",
                 "resolve_reminder": "sla", "resolve_escalation": "sla", "digest": "digest"}
NEVER_HELD = {"sla"}


@dataclass(frozen=True)
class Preferences:
    channels: dict[str, str]
    quiet_hours: bool = False

    def channel(self, event: str) -> str:
        return self.channels.get(event, "auto")


def of(user: User) -> Preferences:
    row = NotificationPreference.get_or_none(NotificationPreference.user == user.id)
    if row is None:
        return Preferences({})
    return Preferences({k: v for k, v in (row.channels or {}).items() if k in EVENTS and v in CHANNELS},
                       row.quiet_hours)


def addresses(user: User, kind: str, prefs: Preferences | None = None) -> list[tuple[str, str]]:
    """(channel, address) pairs this person gets a notice of this kind on; empty: none."""
    telegram = ("telegram", str(user.telegram_id)) if user.telegram_id else None
    email = ("email", user.email) if user.email else None
    event = EVENT_OF_KIND.get(kind)
    choice = (prefs or of(user)).channel(event) if event else "auto"
    if choice == "off":
        return []
    if choice == "telegram":
        return [telegram] if telegram else []
    if choice == "email":
        return [email] if email else []
    if choice == "both":
        return [pair for pair in (telegram, email) if pair]
    return [telegram or email] if (telegram or email) else []


def held_until(user: User, kind: str, ticket: Ticket | None, now: dt.datetime,
               prefs: Preferences | None = None) -> dt.datetime | None:
    """When a notice falling in this person's quiet hours goes out (None: now)."""
    event = EVENT_OF_KIND.get(kind)
    if event is None or event in NEVER_HELD or (ticket is not None and ticket.priority == "urgent"):
        return None
    if not (prefs or of(user)).quiet_hours:
        return None
    from helpdesk.core.sla import load_calendar, next_working_moment  # sla writes to the outbox: import late

    moment = next_working_moment(now, load_calendar())
    return moment if moment > now else None


def save(actor: Actor, user_id: int, channels: dict[str, str], quiet_hours: bool) -> Preferences:
    """A person saves their own choices (an admin may save anyone's)."""
    if actor.user is None or (actor.user.id != user_id and not actor.is_admin):
        raise Forbidden(N_("You may change only your own notifications."))
    for event, channel in channels.items():
        if event not in EVENTS:
            raise ValidationError(N_("Unknown notification event."), field=event)
        if channel not in CHANNELS:
            raise ValidationError(N_("Choose a channel from the list."), field=event)
    before = of(User.get_by_id(user_id))
    after = {**before.channels, **channels}
    with write_transaction():
        updated = (NotificationPreference.update(channels=after, quiet_hours=quiet_hours, updated_at=utcnow())
                   .where(NotificationPreference.user == user_id).execute())
        if not updated:
            NotificationPreference.create(user=user_id, channels=after, quiet_hours=quiet_hours)
        old, new = audit.diff({**before.channels, "quiet_hours": before.quiet_hours},
                              {**after, "quiet_hours": quiet_hours})
        if new:
            audit.record(actor, "notify_prefs_save", entity="user", entity_id=str(user_id), before=old, after=new)
    return Preferences(after, quiet_hours)
