"""Every way a user comes to be writes the same audit action; a password set by another must be changed."""

from __future__ import annotations

import pytest

from helpdesk.core import people, user_admin
from helpdesk.core.actors import Actor
from helpdesk.core.errors import Conflict
from helpdesk.db.models import AuditEvent, User
from tests.conftest import Org


def _creations(user: User) -> list[str]:
    return [e.after["via"] for e in AuditEvent.select().where(
        (AuditEvent.entity == "user") & (AuditEvent.entity_id == str(user.id)) & (AuditEvent.action == "user_create"))]


def test_every_way_in_is_one_audited_creation(org: Org) -> None:
    alice = org.actor("alice")
    by_admin = people.create_user(alice, "Made", "branch", branch=org.b1)
    by_cli = people.create_user(Actor.system("cli"), "Scripted", "admin", username="ops", password="long enough pw")
    invite = people.create_invite(alice, "branch", branch=org.b2)
    by_invite = people.redeem_invite(invite.code, 555001, "Invited")
    asked = people.request_access(555002, "Asker")
    by_access = people.decide_access(alice, asked, True, role="branch", branch=org.b3)
    User.update(password_hash=None).where(User.role == "admin").execute()  # no web admin left: first run again
    people.ensure_first_admin()
    first = User.get(User.username == "admin")
    assert [_creations(u) for u in (by_admin, by_cli, by_invite, by_access, first)] == [
        ["admin"], ["admin"], [f"invite {invite.id}"], [f"access request {asked.id}"], ["first run"]]


def test_a_password_set_by_someone_else_must_be_changed(org: Org) -> None:
    cli = people.create_user(Actor.system("cli"), "Scripted", "admin", username="ops", password="long enough pw")
    panel = people.create_user(org.actor("alice"), "Clerk", "branch", branch=org.b1, username="clerk",
                               password="long enough pw")
    telegram_only = people.create_user(org.actor("alice"), "Tg", "branch", branch=org.b1, telegram_id=555003)
    assert cli.must_change_password and panel.must_change_password
    assert not telegram_only.must_change_password  # nothing to change: no password


def test_uniqueness_and_self_deactivation_refused_the_same_way_everywhere(org: Org) -> None:
    alice = org.actor("alice")
    with pytest.raises(Conflict, match="already linked"):
        people.create_user(alice, "Twin", "branch", branch=org.b1, telegram_id=org.bob.telegram_id)
    with pytest.raises(Conflict, match="already linked"):
        user_admin.update_contacts(alice, User.get_by_id(org.carl.id), telegram_id=org.bob.telegram_id,
                                   username="carl", email=None, language="ru")
    invite = people.create_invite(alice, "branch", branch=org.b2)
    with pytest.raises(Conflict, match="already linked"):
        people.redeem_invite(invite.code, org.bob.telegram_id, "Bob again")
    me = User.get_by_id(org.alice.id)
    for deactivate in (lambda: people.set_active(alice, me, False),
                       lambda: user_admin.update_user(alice, me, display_name="Alice A.", active=False)):
        with pytest.raises(Conflict, match="deactivate yourself"):
            deactivate()
    assert User.get_by_id(org.alice.id).active and User.get_by_id(org.alice.id).display_name == "Alice"
