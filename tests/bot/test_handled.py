"""Which updates were handled (bot/handled.py): the database is asked only about an update that may have
been, and the records of updates that finish together go in one write."""

from __future__ import annotations

import asyncio

import pytest

from helpdesk.bot import handled
from helpdesk.db.models import ProcessedUpdate


def test_updates_above_the_newest_record_are_new_the_rest_are_looked_up(database: str) -> None:
    ProcessedUpdate.insert_many([{"update_id": 500}, {"update_id": 498}]).execute()  # an earlier poller's

    async def main() -> list[bool]:
        updates = handled.HandledUpdates()
        return [await updates.maybe_handled(update_id) for update_id in (499, 500, 501, 503, 502, 503)]

    # 499 and 500 may have been (500 was); 501 and 503 are new; 502 and 503 come after 503 was taken.
    assert asyncio.run(main()) == [True, True, False, False, True, True]
    assert not handled.was_handled(499) and handled.was_handled(500)


def test_records_that_come_together_share_one_write_and_each_waits_for_its_commit(
        database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[list[int]] = []
    remember = handled.remember

    def counted(update_ids: list[int]) -> None:
        writes.append(list(update_ids))
        remember(update_ids)

    monkeypatch.setattr(handled, "remember", counted)

    async def main() -> None:
        updates = handled.HandledUpdates()
        await asyncio.gather(*(updates.record(update_id) for update_id in (7, 8, 9)))
        assert sorted(row.update_id for row in ProcessedUpdate.select()) == [7, 8, 9]  # committed on return
        await updates.record(8)  # again (a redelivery handled twice would be): no error, no second row
        await updates.record(10)

    asyncio.run(main())
    assert writes == [[7, 8, 9], [8], [10]]
    assert ProcessedUpdate.select().count() == 4


def test_a_failed_write_reaches_every_update_in_it(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(update_ids: list[int]) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(handled, "remember", broken)

    async def main() -> list[object]:
        updates = handled.HandledUpdates()
        return await asyncio.gather(*(updates.record(n) for n in (1, 2)), return_exceptions=True)

    assert [type(result) for result in asyncio.run(main())] == [RuntimeError, RuntimeError]
