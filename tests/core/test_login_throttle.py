"""Login throttling: an address that floods waits, an address + login that guesses waits longer and
longer, the account is never locked, and password checks queue for a few slots whoever asks."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from helpdesk.core import people, throttle
from helpdesk.core.errors import Forbidden, RateLimited
from helpdesk.db.models import LoginThrottle, utcnow
from tests.conftest import Org

GOOD = "a good long secret"


@pytest.fixture
def admin(org: Org) -> str:
    people.create_user(org.actor("alice"), "Root", "admin", username="root", password=GOOD)
    return "root"


def test_guessing_from_one_address_waits_but_the_owner_elsewhere_gets_in(admin: str) -> None:
    now = utcnow()
    for _ in range(throttle.ACCOUNT_FREE):
        with pytest.raises(Forbidden):
            people.authenticate(admin, "wrong guess", "10.0.0.66", now=now)
    with pytest.raises(RateLimited) as refused:
        people.authenticate(admin, GOOD, "10.0.0.66", now=now)
    assert refused.value.retry_after == 1 and refused.value.status_code == 429
    assert people.authenticate(admin, GOOD, "10.0.0.7", now=now).username == admin  # never a locked account
    later = now + dt.timedelta(seconds=2)
    assert people.authenticate(admin, GOOD, "10.0.0.66", now=later).username == admin
    # A success forgets the failures of that address + login.
    assert not LoginThrottle.select().where(LoginThrottle.key == throttle.account_key("10.0.0.66", admin)).exists()


def test_the_wait_doubles_up_to_a_cap(org: Org) -> None:
    now = utcnow()
    waits = []
    for _ in range(30):
        throttle.account_failed("10.0.0.66", "admin", now)
        row = LoginThrottle.get(LoginThrottle.key == throttle.account_key("10.0.0.66", "admin"))
        waits.append(round((row.blocked_until - now).total_seconds()) if row.blocked_until else 0)
    assert waits[:8] == [0, 0, 0, 0, 1, 2, 4, 8]
    assert max(waits) == waits[-1] == throttle.ACCOUNT_CAP.total_seconds()
    # Quiet for long enough, the address + login starts from zero again.
    throttle.account_failed("10.0.0.66", "admin", now + throttle.FORGET_AFTER + dt.timedelta(seconds=1))
    assert LoginThrottle.get(LoginThrottle.key == throttle.account_key("10.0.0.66", "admin")).blocked_until is None


def test_a_flooding_address_waits_for_the_window_whatever_the_login(admin: str) -> None:
    now = utcnow()
    for _ in range(throttle.ADDRESS_LIMIT):
        throttle.address_attempt("10.0.0.99", now)
    with pytest.raises(RateLimited) as refused:
        people.authenticate(admin, GOOD, "10.0.0.99", now=now + dt.timedelta(seconds=10))
    assert refused.value.retry_after == 50
    assert people.authenticate(admin, GOOD, "10.0.0.5", now=now).username == admin
    assert people.authenticate(admin, GOOD, "10.0.0.99", now=now + throttle.ADDRESS_WINDOW).username == admin


def test_unknown_logins_cost_a_check_in_the_same_queue(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    people._dummy_hash()  # made once, beforehand
    running, most, checks = 0, 0, []
    lock = threading.Lock()

    class SlowHasher:
        def verify(self, password_hash: str, password: str) -> bool:
            nonlocal running, most
            with lock:
                running += 1
                most = max(most, running)
                checks.append(password_hash)
            time.sleep(0.05)
            with lock:
                running -= 1
            return False

    monkeypatch.setattr(people, "_hasher", SlowHasher())
    with pytest.raises(Forbidden):
        people.authenticate("nobody-here", "whatever", "10.0.0.1")
    assert checks == [people._dummy_hash()]
    threads = [threading.Thread(target=people._password_matches, args=("$argon2id$x", "guess")) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checks) == 9 and most == people.HASH_SLOTS
