"""Public numbers YYYY-NNNNNN: sequential per year and unique under concurrent creation."""

from __future__ import annotations

import threading

from helpdesk.core import tickets
from helpdesk.core.numbering import next_number
from helpdesk.db.database import db, write_transaction
from helpdesk.db.models import Ticket
from tests.conftest import Org


def test_numbers_are_sequential_per_year(org: Org) -> None:
    with write_transaction():
        assert next_number(2031) == "2031-000001"
        assert next_number(2031) == "2031-000002"
        assert next_number(2032) == "2032-000001"


def test_concurrent_creation_gives_unique_numbers(org: Org) -> None:
    threads_count, per_thread = 8, 10
    errors: list[BaseException] = []
    numbers: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(threads_count)

    def worker(persona: str) -> None:
        try:
            start.wait()
            for _ in range(per_thread):
                t = tickets.create(org.actor(persona), tickets.TicketDraft("it_help", description="Mail is down"))
                with lock:
                    numbers.append(t.number)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=worker, args=(["bob", "bea", "carl", "dan"][i % 4],))
               for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[:3]
    assert len(numbers) == threads_count * per_thread
    assert len(set(numbers)) == len(numbers)
    stored = sorted(int(t.number.split("-")[1]) for t in Ticket.select(Ticket.number))
    assert stored == list(range(1, len(numbers) + 1)), "no gaps and no duplicates"
