"""Which updates were handled: asked of the database only for an update that may have been, recorded in groups.

Telegram numbers updates in increasing order and hands a batch out again only until a later getUpdates
confirms it (polling.py). So an update above every id recorded when polling started, and above every id
this poller took since, cannot have been handled: only the others (redelivered after a crash, a takeover
or a restart) are looked up. The record that an update was handled is written once its handler is done
and before its chat's next update and the batch's confirmation; updates of other chats that finish
meanwhile share that write (one thread hop and one transaction for all of them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from peewee import fn

from helpdesk.db.database import write_transaction
from helpdesk.db.models import ProcessedUpdate


def newest_recorded() -> int:
    return ProcessedUpdate.select(fn.MAX(ProcessedUpdate.update_id)).scalar() or -1


def was_handled(update_id: int) -> bool:
    return ProcessedUpdate.select().where(ProcessedUpdate.update_id == update_id).exists()


def remember(update_ids: Iterable[int]) -> None:
    with write_transaction():  # queued with the process's other SQLite writers, not in the busy handler
        ProcessedUpdate.insert_many([{"update_id": update_id} for update_id in update_ids]
                                    ).on_conflict_ignore().execute()


class HandledUpdates:
    """One per poller: `maybe_handled` before an update, `record` after it (see the module's docstring)."""

    def __init__(self) -> None:
        self._newest: int | None = None  # no update above it was handled; None: to be read
        self._queued: list[int] = []
        self._written: asyncio.Future[None] | None = None  # the write the queued ids will go in
        self._writer: asyncio.Task[None] | None = None

    def forget(self) -> None:
        """Polling starts (again): another poller may have handled updates since."""
        self._newest = None

    async def maybe_handled(self, update_id: int) -> bool:
        """False when the update is surely new; True when the database must be asked (`was_handled`)."""
        if self._newest is None:
            newest = await asyncio.to_thread(newest_recorded)
            if self._newest is None:  # lanes that asked together: the first answer stands
                self._newest = newest
        if update_id > self._newest:
            self._newest = update_id
            return False
        return True

    async def record(self, update_id: int) -> None:
        """Returns once the record is committed."""
        self._queued.append(update_id)
        if self._written is None:
            self._written = asyncio.get_running_loop().create_future()
        written = self._written
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        await asyncio.shield(written)  # a cancelled lane must not cancel the others' write

    async def _write(self) -> None:
        while self._queued:
            update_ids, written = self._queued, self._written
            self._queued, self._written = [], None
            assert written is not None
            try:
                await asyncio.to_thread(remember, update_ids)
            except Exception as exc:  # noqa: BLE001 - every waiting lane gets it (aiogram's error handler logs it)
                written.set_exception(exc)
            else:
                written.set_result(None)
            finally:
                if not written.done():
                    written.cancel()
