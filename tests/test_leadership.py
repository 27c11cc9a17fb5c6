"""The advisory-lock leadership on the real PostgreSQL: one leader among instances, a standby takes over when
the leader stops, and a leader whose lock connection is cut steps down (it can no longer know it leads)."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator

import psycopg
import pytest

from helpdesk.leadership import LOCK_ID, Leadership
from tests.support.postgres import get_pg_server


@pytest.fixture
def url() -> Iterator[str]:
    server = get_pg_server()
    if server is None:
        pytest.skip("no PostgreSQL server available")
    name = f"hd_lead_{os.getpid()}"
    server.drop_database(name)
    yield server.create_database(name)
    server.drop_database(name)


class Instance:
    def __init__(self, url: str | None) -> None:
        self.events: list[str] = []
        self.leadership = Leadership(url, self.gain, self.lose, interval=0.1)

    async def gain(self) -> None:
        self.events.append("gain")

    async def lose(self) -> None:
        self.events.append("lose")


async def _until(condition: object, timeout: float = 5.0) -> float:
    started = time.monotonic()
    while not condition():  # type: ignore[operator]
        assert time.monotonic() - started < timeout, "timed out"
        await asyncio.sleep(0.02)
    return time.monotonic() - started


def test_sqlite_leads_at_once() -> None:
    async def run() -> None:
        one = Instance(None)
        await one.leadership.start()
        assert one.leadership.is_leader and one.events == ["gain"]
        assert one.leadership.health()["shared"] is False
        await one.leadership.stop()
        assert one.events == ["gain", "lose"]

    asyncio.run(run())


def test_one_leads_the_other_takes_over(url: str) -> None:
    async def run() -> None:
        a, b = Instance(url), Instance(url)
        await a.leadership.start()
        await _until(lambda: a.leadership.is_leader)
        await b.leadership.start()
        await asyncio.sleep(0.5)
        assert not b.leadership.is_leader and b.events == []
        await a.leadership.stop()
        assert a.events == ["gain", "lose"]
        took = await _until(lambda: b.leadership.is_leader)
        assert took < 1.0
        await b.leadership.stop()

    asyncio.run(run())


def test_a_cut_lock_connection_means_stepping_down(url: str) -> None:
    async def run() -> None:
        a = Instance(url)
        await a.leadership.start()
        await _until(lambda: a.leadership.is_leader)
        with psycopg.connect(url, autocommit=True) as admin:
            held = admin.execute("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = %s",
                                 (LOCK_ID,)).fetchall()
            assert len(held) == 1
            admin.execute("SELECT pg_terminate_backend(%s)", held[0])
        await _until(lambda: "lose" in a.events)
        # It asks again on a new connection, and leads again: nobody else wanted the lock.
        await _until(lambda: a.events == ["gain", "lose", "gain"])
        await a.leadership.stop()

    asyncio.run(run())


def test_a_failed_start_gives_the_lock_back_and_tries_again(url: str) -> None:
    class FailsOnce(Instance):
        async def gain(self) -> None:
            self.events.append("gain")
            if self.events.count("gain") == 1:
                raise RuntimeError("the database went away while starting")

    async def run() -> None:
        a = FailsOnce(url)
        await a.leadership.start()
        await _until(lambda: a.events == ["gain", "lose", "gain"] and a.leadership.is_leader)
        await a.leadership.stop()

    asyncio.run(run())
