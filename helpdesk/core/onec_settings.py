"""The 1C connection as admins save it in the panel, over the HELPDESK_ONEC_* defaults.

The one precedence rule (config.with_saved) holds here too: a value saved in the panel wins, an empty
one leaves the environment's (or the default) in effect. The password is sealed like the bot token and
is write-only: the page says whether one is saved, never what it is.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from helpdesk import sealing
from helpdesk.config import OneCSettings
from helpdesk.core import audit, fields
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.errors import N_, ValidationError
from helpdesk.core.org_settings import store_value, stored_value
from helpdesk.db.database import write_transaction
from helpdesk.integrations.onec import PRESETS, Connection
from helpdesk.logs import protect

KEY = "onec"
PASSWORD_KEY = "onec_password_sealed"
TEXT_FIELDS = ("url", "user", "register", "item_dimension", "warehouse_dimension", "resource", "warehouses_catalog")
NAME_FIELDS = TEXT_FIELDS[2:]
MAX_SYNC_MINUTES = 24 * 60


@dataclass(frozen=True)
class Effective:
    """What is in effect, and where each value came from ("panel" or "environment/default")."""

    settings: OneCSettings
    sources: dict[str, str]
    password_saved: bool

    @property
    def configured(self) -> bool:
        return bool(self.settings.url)


def saved() -> dict[str, object]:
    value = stored_value(KEY)
    return dict(value) if isinstance(value, dict) else {}


def effective(base: OneCSettings, secret_key: bytes) -> Effective:
    chosen = {name: value for name, value in saved().items()
              if name in (*TEXT_FIELDS, "sync_minutes") and value not in ("", None)}
    sealed = stored_value(PASSWORD_KEY)
    password = sealing.unseal(secret_key, str(sealed)) if sealed else None
    if password:
        chosen["password"] = password
        protect(password)  # known only now: the log's redaction learns it
    sources = {name: "panel" if name in chosen else "environment" for name in (*TEXT_FIELDS, "sync_minutes")}
    return Effective(replace(base, **chosen), sources, bool(sealed))


def connection(base: OneCSettings, secret_key: bytes) -> Connection:
    """The connector's view of the settings in effect."""
    return connection_of(effective(base, secret_key).settings)


def connection_of(s: OneCSettings) -> Connection:
    return Connection(s.url, s.user, s.password, s.register, s.item_dimension, s.warehouse_dimension, s.resource,
                      warehouses_catalog=s.warehouses_catalog, timeout=float(s.timeout))


def _url(value: str) -> str:
    value = fields.clean_text(value).strip().rstrip("/")
    if value and not (value.startswith(("http://", "https://")) and "/odata/standard.odata" in value):
        raise ValidationError(N_("Enter the OData address, like http://server/base/odata/standard.odata."),
                              field="url")
    return value


def save(actor: Actor, secret_key: bytes, values: dict[str, str], password: str = "",
         forget_password: bool = False) -> None:
    """Save what the form sent; an empty field means "use HELPDESK_ONEC_* (or the default)".

    A `preset` ("ut11", "unf") fills the register names the common configurations use.
    """
    require_admin(actor)
    preset = PRESETS.get(values.get("preset", ""), {})
    new: dict[str, object] = {"url": _url(values.get("url", ""))}
    new["user"] = fields.text(values.get("user", ""), "user", 100)
    for name in NAME_FIELDS:
        new[name] = preset.get(name) or fields.text(values.get(name, ""), name, 100)
    minutes = (values.get("sync_minutes") or "").strip()
    if minutes:
        number = fields.parse_int(minutes)
        if number is None or not 0 <= number <= MAX_SYNC_MINUTES:
            raise ValidationError(N_("Enter whole minutes from 0 (by hand only) to %(max)s."), field="sync_minutes",
                                  max=MAX_SYNC_MINUTES)
        new["sync_minutes"] = number
    before = saved()
    with write_transaction():
        store_value(KEY, new)
        if password:
            store_value(PASSWORD_KEY, sealing.seal(secret_key, password))
        elif forget_password:
            store_value(PASSWORD_KEY, None)
        old, changed = audit.diff({k: before.get(k) for k in new}, new)
        if password or forget_password:
            changed["password"] = "set" if password else "cleared"  # never the password itself
        if changed:
            audit.record(actor, "onec_settings_save", entity="settings", entity_id="onec", before=old, after=changed)


def as_form(effective_settings: Effective) -> dict[str, str]:
    """The form's values: what the panel saved (empty where the environment's value applies)."""
    values = saved()
    return {name: str(values.get(name) or "") for name in (*TEXT_FIELDS, "sync_minutes")}


def in_effect(effective_settings: Effective) -> dict[str, str]:
    return {k: str(v) for k, v in asdict(effective_settings.settings).items() if k != "password"}
