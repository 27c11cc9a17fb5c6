"""Users, passwords, invites, access requests and API tokens."""

from __future__ import annotations

import datetime as dt

import pytest

from helpdesk.core import people
from helpdesk.core.actors import Actor
from helpdesk.core.errors import Conflict, Forbidden, NotFound, ValidationError
from helpdesk.db.models import AccessRequest, OutboxMessage, User, utcnow
from tests.conftest import Org


def test_passwords_are_hashed_and_checked(org: Org) -> None:
    user = people.create_user(org.actor("alice"), "Web User", "admin", username="Web", password="correct horse 1")
    assert user.password_hash.startswith("$argon2")
    assert "correct horse" not in user.password_hash
    assert people.authenticate("web", "correct horse 1").id == user.id
    with pytest.raises(Forbidden):
        people.authenticate("web", "wrong password")
    with pytest.raises(Forbidden):
        people.authenticate("nobody", "whatever")


def test_only_admins_create_users_and_placement_is_checked(org: Org) -> None:
    with pytest.raises(Forbidden):
        people.create_user(org.actor("sam"), "X", "branch", branch=org.b1)
    with pytest.raises(ValidationError):
        people.create_user(org.actor("alice"), "X", "branch")
    with pytest.raises(ValidationError):
        people.create_user(org.actor("alice"), "X", "storekeeper")
    with pytest.raises(Conflict):
        people.create_user(org.actor("alice"), "X", "admin", username="alice")


def test_single_use_invite(org: Org) -> None:
    invite = people.create_invite(org.actor("alice"), "branch", branch=org.b2)
    user = people.redeem_invite(invite.code, 5555, "New Person", "newbie", "en")
    assert (user.role, user.branch_id, user.language) == ("branch", org.b2.id, "en")
    with pytest.raises(Conflict):
        people.redeem_invite(invite.code, 5556, "Second Person")
    assert people.invite_link(invite, "hd_bot") == f"https://t.me/hd_bot?start={invite.code}"


def test_expired_and_revoked_invites(org: Org) -> None:
    invite = people.create_invite(org.actor("alice"), "branch", branch=org.b2, max_uses=None)
    people.revoke_invite(org.actor("alice"), invite)
    with pytest.raises(NotFound):
        people.redeem_invite(invite.code, 7777, "Late")
    old = people.create_invite(org.actor("alice"), "branch", branch=org.b2)
    old.expires_at = utcnow() - dt.timedelta(seconds=1)
    old.save()
    with pytest.raises(NotFound):
        people.redeem_invite(old.code, 7777, "Late")


def test_access_request_approval(org: Org) -> None:
    request = people.request_access(8888, "Stranger", "stranger", "ru")
    assert people.request_access(8888, "Stranger").id == request.id, "one pending request per person"
    notices = OutboxMessage.select().where(OutboxMessage.kind == "access_requested")
    assert [n.address for n in notices] == ["1001"]
    user = people.decide_access(org.actor("alice"), request, True, branch=org.b3)
    assert user.telegram_id == 8888 and user.branch_id == org.b3.id
    with pytest.raises(Conflict):
        people.decide_access(org.actor("alice"), AccessRequest.get_by_id(request.id), False)


def test_api_tokens_are_stored_hashed(org: Org) -> None:
    issued = people.issue_token(org.actor("alice"), org.sam, "inventory script")
    assert issued.secret not in issued.token.token_hash
    assert people.user_for_token(issued.secret).id == org.sam.id
    assert people.user_for_token(issued.secret + "x") is None
    people.revoke_token(org.actor("alice"), issued.token)
    assert people.user_for_token(issued.secret) is None


def test_first_admin_created_once(sqlite_db: str) -> None:
    password = people.ensure_first_admin()
    assert password and len(password) >= 12
    admin = User.get(User.username == "admin")
    assert admin.must_change_password and people.authenticate("admin", password).id == admin.id
    assert admin.display_name == "Администратор", "a name in the interface's language, not a program word"
    assert people.ensure_first_admin() is None


def test_deactivated_users_cannot_log_in(org: Org) -> None:
    user = people.create_user(org.actor("alice"), "Gone", "admin", username="gone", password="a good password")
    people.set_active(org.actor("alice"), user, False)
    with pytest.raises(Forbidden):
        people.authenticate("gone", "a good password")
    with pytest.raises(Conflict):
        people.set_active(Actor(User.get_by_id(org.alice.id)), User.get_by_id(org.alice.id), False)


@pytest.mark.parametrize("password", ["qwerty123456", "1234567890", "Password123", "йцукенгшщз", "ПарольПароль",
                                      "gfhjkmgfhjkm", "1q2w3e4r5t"])
def test_common_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError, match="too common"):
        people.validate_password(password)


def test_a_password_is_not_the_login_or_the_name(org: Org) -> None:
    with pytest.raises(ValidationError, match="login or name"):
        people.create_user(org.actor("alice"), "Maria Ivanova", "admin", username="m.ivanova.it",
                           password="M.Ivanova.IT ")
    user = people.create_user(org.actor("alice"), "Maria Ivanova", "admin", username="m.ivanova.it")
    with pytest.raises(ValidationError, match="login or name"):
        people.change_password(org.actor("alice"), user, "maria ivanova")
    people.validate_password("a good long secret", "m.ivanova.it", "Maria Ivanova")
