"""SMTP settings an admin saves in the panel (Settings → Email); they win over HELPDESK_SMTP_*.

Each value is one `setting` row (`smtp_host`, …); the password is sealed with the instance's key like
the bot token and never shown again. An empty field means "nothing saved": the environment applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from helpdesk import sealing
from helpdesk.core import audit, fields
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.cache import invalidate
from helpdesk.core.errors import N_, ValidationError
from helpdesk.core.fields import parse_int
from helpdesk.core.org_settings import store_value, stored_value
from helpdesk.db.database import write_transaction

SECURITIES = ("starttls", "ssl", "none")
PASSWORD_KEY = "smtp_password_sealed"
PLAIN_KEYS = ("smtp_host", "smtp_port", "smtp_security", "smtp_user", "smtp_from")
HOST_RE = re.compile(r"^[A-Za-z0-9.-]{1,253}$|^\[[0-9A-Fa-f:.]+\]$")
ADDRESS_RE = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


@dataclass(frozen=True)
class SmtpForm:
    host: str = ""
    port: str = ""
    security: str = ""
    user: str = ""
    sender: str = ""
    password: str = ""  # empty: keep the saved one
    forget_password: bool = False


def _value(key: str) -> str:
    value = stored_value(key)
    return str(value) if value is not None else ""


def saved(secret_key: bytes) -> dict[str, str | None]:
    """What the panel saved, as `config.with_saved` takes it (empty: nothing saved for that one)."""
    values: dict[str, str | None] = {key: _value(key) for key in PLAIN_KEYS}
    sealed = _value(PASSWORD_KEY)
    values["smtp_password"] = sealing.unseal(secret_key, sealed) if sealed else None
    return values


def saved_plain() -> dict[str, str]:
    """The saved values without the password, for the form."""
    return {key: _value(key) for key in PLAIN_KEYS}


def has_saved_password() -> bool:
    return bool(_value(PASSWORD_KEY))


def check_address(value: str, field: str) -> str:
    value = fields.clean_text(value or "").strip()
    if value and (len(value) > 254 or not ADDRESS_RE.match(value)):
        raise ValidationError(N_("Enter an email address like helpdesk@example.org."), field=field)
    return value


def save(actor: Actor, secret_key: bytes, form: SmtpForm) -> None:
    """Save the SMTP form; every field is checked before anything is written."""
    require_admin(actor)
    host = (form.host or "").strip()
    if host and not HOST_RE.match(host):
        raise ValidationError(N_("Enter a server name like smtp.example.org or an IP address."), field="smtp_host")
    port = (form.port or "").strip()
    if port:
        number = parse_int(port)
        if number is None or not 1 <= number <= 65535:
            raise ValidationError(N_("Enter a port from 1 to 65535 (usually 587, 465 or 25)."), field="smtp_port")
        port = str(number)
    security = (form.security or "").strip().lower()
    if security not in ("", *SECURITIES):
        raise ValidationError(N_("Choose the connection security from the list."), field="smtp_security")
    user = fields.clean_text(form.user or "").strip()
    if len(user) > 254:
        raise ValidationError(N_("Too long (%(max)s characters at most)."), field="smtp_user", max=254)
    sender = check_address(form.sender, "smtp_from")
    if len(form.password or "") > 500:
        raise ValidationError(N_("Too long (%(max)s characters at most)."), field="smtp_password", max=500)
    after = {"smtp_host": host, "smtp_port": port, "smtp_security": security, "smtp_user": user,
             "smtp_from": sender}
    before = {key: _value(key) for key in PLAIN_KEYS}
    with write_transaction():
        for key, value in after.items():
            store_value(key, value)
        password_change = ""
        if form.forget_password:
            store_value(PASSWORD_KEY, None)
            password_change = "forgotten"
        elif form.password:
            store_value(PASSWORD_KEY, sealing.seal(secret_key, form.password))
            password_change = "set"
        old, new = audit.diff(before, after)
        if password_change:  # that it changed, never the password
            new["smtp_password"] = password_change
        if new:
            audit.record(actor, "smtp_save", entity="settings", entity_id="smtp", before=old, after=new)
    invalidate()
