"""After how many days a finished request is archived, per final status: set by admins in Settings.

The setting is the one source. An `archive_policy.json` left in the data dir by older versions is
imported once (then renamed, so nobody edits a file that no longer counts).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from helpdesk.core import audit
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.cache import cached, invalidate
from helpdesk.core.errors import N_, ValidationError
from helpdesk.core.fields import parse_int
from helpdesk.core.lifecycle import TERMINAL_STATUSES
from helpdesk.core.org_settings import store_value, stored_value
from helpdesk.core.tickets import DEFAULT_ARCHIVE_POLICY
from helpdesk.db.database import write_transaction
from helpdesk.db.models import Setting

log = logging.getLogger(__name__)
KEY = "archive_policy"
LEGACY_FILE = "archive_policy.json"
MAX_DAYS = 3650


def current() -> dict[str, int]:
    """Days per final status (closed, rejected, cancelled)."""
    def load() -> dict[str, int]:
        stored = stored_value(KEY)
        saved = stored if isinstance(stored, dict) else {}
        return {status: int(saved.get(status, days)) for status, days in DEFAULT_ARCHIVE_POLICY.items()}
    return cached(KEY, load)


def _store(actor: Actor, policy: dict[str, int]) -> None:
    before = current()
    old, new = audit.diff(before, policy)
    with write_transaction():
        store_value(KEY, policy)
        if new:
            audit.record(actor, "archive_policy_save", entity="settings", entity_id="archive", before=old, after=new)
    invalidate()


def save(actor: Actor, values: dict[str, str]) -> dict[str, int]:
    """`values` as the form sends them: `days_<status>` for each final status."""
    require_admin(actor)
    policy = {}
    for status in DEFAULT_ARCHIVE_POLICY:
        days = parse_int(values.get(f"days_{status}", ""))
        if days is None or not 1 <= days <= MAX_DAYS:
            raise ValidationError(N_("Enter a whole number from %(low)s to %(high)s."), field=f"days_{status}",
                                  low=1, high=MAX_DAYS)
        policy[status] = days
    _store(actor, policy)
    return current()


def import_legacy_file(data_dir: Path) -> bool:
    """Take over an old `archive_policy.json` once; True when one was imported."""
    path = data_dir / LEGACY_FILE
    if not path.is_file():
        return False
    if Setting.get_or_none(Setting.key == KEY) is None:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            policy = {**current(), **{str(k): int(v) for k, v in raw.items() if str(k) in TERMINAL_STATUSES}}
        except (ValueError, AttributeError, TypeError):
            log.error("%s is not valid JSON of status: days; it was not imported", path)
            return False
        _store(Actor.system(), {k: max(1, min(MAX_DAYS, v)) for k, v in policy.items()})
    path.rename(path.with_name(LEGACY_FILE + ".imported"))
    log.info("archive policy imported from %s into the settings (the file is renamed .imported)", path)
    return True
