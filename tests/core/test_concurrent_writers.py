"""32 writers at once: every request is created exactly once, numbers are unique and gapless, and
nobody is told "database is locked" (SQLite's writers queue for the lock; PostgreSQL's for the row)."""

from __future__ import annotations

import threading

from helpdesk.core import tickets
from helpdesk.db.database import db
from helpdesk.db.models import OutboxMessage, Ticket
from tests.conftest import Org

WRITERS = 32
PER_WRITER = 4
PERSONAS = ("bob", "bea", "carl", "dan")


def test_32_writers_create_each_request_once_with_gapless_numbers(org: Org) -> None:
    # Writers come in pairs that send the same idempotency keys at the same moment, as a client
    # retrying over a second connection does: each key must give one request, the same to both.
    errors: list[BaseException] = []
    answers: dict[tuple[int, str], list[str]] = {}
    lock = threading.Lock()
    start = threading.Barrier(WRITERS, timeout=60)
    actors = {name: org.actor(name, "api") for name in PERSONAS}
    db.close()  # PostgreSQL: 32 writers use the whole pool, this thread's connection too

    def writer(index: int) -> None:
        pair = index // 2
        actor = actors[PERSONAS[pair % len(PERSONAS)]]
        try:
            start.wait()
            for n in range(PER_WRITER):
                key = f"pair{pair}-{n}"
                draft = tickets.TicketDraft("it_help", description=f"Mail is down {key}", client_key=key)
                number = tickets.create(actor, draft).number
                with lock:
                    answers.setdefault((pair, key), []).append(number)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[:3]
    expected = WRITERS // 2 * PER_WRITER
    assert len(answers) == expected
    assert all(len(got) == 2 and got[0] == got[1] for got in answers.values()), "one request per key, both told"
    stored = sorted(int(number.split("-")[1]) for (number,) in Ticket.select(Ticket.number).tuples())
    assert stored == list(range(1, expected + 1)), "no gaps and no duplicates"
    assert sorted(got[0] for got in answers.values()) == sorted(t.number for t in Ticket.select(Ticket.number))
    # Each request notified its storekeeper once: a retried create wrote no second notice.
    assert OutboxMessage.select().count() == expected
