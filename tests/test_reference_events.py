"""Instances sharing PostgreSQL: a reference change on one empties the others' caches when it commits."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest

from helpdesk.core import cache
from helpdesk.db.database import db
from helpdesk.db.models import User
from helpdesk.db.reference_events import CHANNEL, ReferenceListener


@pytest.fixture
def listener(pg_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[ReferenceListener]:
    monkeypatch.setattr(cache, "SETTLE_SECONDS", 0.0)  # the listener's start empties the cache itself
    events = ReferenceListener(pg_db)
    events.start()
    assert events.listening.wait(10), "not listening"
    yield events
    events.stop()


def _forgotten(key: str, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cache.peek(key) is cache.MISSING:
            return True
        time.sleep(0.02)
    return False


def test_another_instances_change_is_heard_when_it_commits(pg_db: str, listener: ReferenceListener) -> None:
    cache.cached("probe", lambda: "old")
    with psycopg.connect(pg_db) as other:  # another instance, in a transaction
        other.execute('UPDATE "user" SET display_name = display_name')
        other.execute(f"NOTIFY {CHANNEL}")
        assert not _forgotten("probe", 0.5), "not before the commit"
        other.commit()
        assert _forgotten("probe"), "the cache still holds what the other instance changed"


def test_a_reference_write_announces_itself_once_committed(pg_db: str, listener: ReferenceListener) -> None:
    with psycopg.connect(pg_db, autocommit=True) as other:
        other.execute(f"LISTEN {CHANNEL}")
        user = User.create(display_name="Zoe", role="admin")  # outside a transaction: at once (save and insert)
        assert list(other.notifies(timeout=1)), "a new user was not announced"
        with db.atomic():
            User.update(active=False).where(User.id == user.id).execute()
            assert list(other.notifies(timeout=0.5)) == [], "announced before the commit"
        assert len(list(other.notifies(timeout=1))) == 1, "once at the commit (PostgreSQL folds equal notices)"
