"""Organisation settings in the domain: admins only, validated, audited, secrets sealed."""

from __future__ import annotations

import os

import pytest

from helpdesk.core import org_settings
from helpdesk.core.errors import Forbidden, ValidationError
from helpdesk.db.models import AuditEvent, Setting
from tests.conftest import Org

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"


def test_only_admins_change_settings(org: Org) -> None:
    key = os.urandom(32)
    for persona in ("sam", "bob"):
        with pytest.raises(Forbidden):
            org_settings.save_general(org.actor(persona), "X", "", "UTC")
        with pytest.raises(Forbidden):
            org_settings.save_bot_token(org.actor(persona), key, TOKEN)
        with pytest.raises(Forbidden):
            org_settings.save_calendar(org.actor(persona), ["1"], "09:00", "18:00")
    assert not AuditEvent.select().exists()


def test_the_bot_token_is_sealed_with_the_instance_key(org: Org) -> None:
    key = os.urandom(32)
    org_settings.save_bot_token(org.actor("alice"), key, TOKEN)
    stored = str(Setting.get_by_id(org_settings.BOT_TOKEN_KEY).value)
    assert TOKEN.split(":")[1] not in stored
    assert org_settings.stored_bot_token(key) == TOKEN
    assert org_settings.stored_bot_token(os.urandom(32)) is None, "a database moved without its key"
    org_settings.save_bot_token(org.actor("alice"), key, "")
    assert org_settings.stored_bot_token(key) is None
    assert [e.action for e in AuditEvent.select().order_by(AuditEvent.id)] == ["bot_token_set", "bot_token_clear"]


def test_values_are_checked_before_anything_is_written(org: Org) -> None:
    alice = org.actor("alice")
    with pytest.raises(ValidationError) as bad_zone:
        org_settings.save_general(alice, "Org", "ru", "Europe/Atlantis")
    assert bad_zone.value.field == "timezone"
    with pytest.raises(ValidationError):
        org_settings.save_general(alice, "Org", "de", "UTC")
    rows = org_settings.sla_rows()
    form = {f"{kind}_{r.ticket_type.id}": "60" for r in rows for kind in ("accept", "resolve", "escalate")}
    with pytest.raises(ValidationError):
        org_settings.save_sla(alice, {**form, f"resolve_{rows[0].ticket_type.id}": "30"})
    with pytest.raises(ValidationError):
        org_settings.save_sla(alice, {**form, f"accept_{rows[0].ticket_type.id}": "999999999"})
    with pytest.raises(ValidationError):
        org_settings.save_calendar(alice, ["1"], "9:00", "18:00")
    assert not AuditEvent.select().exists()
    assert org_settings.general().org_name == ""
    org_settings.save_sla(alice, form)
    assert {(r.accept_minutes, r.resolve_minutes, r.escalate_minutes) for r in org_settings.sla_rows()} == {(60, 60, 60)}
