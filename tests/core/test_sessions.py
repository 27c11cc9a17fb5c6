"""Ending a user's sessions: one counter on the user, bumped in the same transaction as its audit event."""

from __future__ import annotations

from helpdesk.core import people, sessions, telegram_login
from helpdesk.db.models import AuditEvent, LoginCode, User
from tests.conftest import Org


def test_ending_sessions_changes_the_fingerprint_and_is_audited(org: Org) -> None:
    bob = User.get_by_id(org.bob.id)
    before = sessions.fingerprint(bob)
    sessions.end_sessions(org.actor("bob"), bob, "logout")
    bob = User.get_by_id(bob.id)
    assert bob.session_version == 1 and sessions.fingerprint(bob) != before
    event = AuditEvent.get(AuditEvent.action == "sessions_end")
    assert event.actor_id == bob.id and event.after == {"reason": "logout"}


def test_a_reactivated_user_does_not_get_old_sessions_back(org: Org) -> None:
    before = sessions.fingerprint(User.get_by_id(org.carl.id))
    people.set_active(org.actor("alice"), User.get_by_id(org.carl.id), False)
    people.set_active(org.actor("alice"), User.get_by_id(org.carl.id), True)
    assert sessions.fingerprint(User.get_by_id(org.carl.id)) != before


def test_the_login_code_keeps_only_the_hash_of_the_browser_key(org: Org) -> None:
    challenge = telegram_login.send_code(str(org.bob.telegram_id), "http://panel:8080", "the browser key")
    row = LoginCode.get_by_id(challenge)
    assert row.browser_hash and "the browser key" not in row.browser_hash
