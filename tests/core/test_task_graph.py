"""The move's task graph: a task runs after what it needs, the lowest rank first, and the first failure
stops the rest (db/task_graph.py)."""

from __future__ import annotations

import threading

import pytest

from helpdesk.db.task_graph import Task, TaskGraph


class FakeConnection:
    def __init__(self) -> None:
        self.closed = False

    def cancel(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def _graph(workers: int) -> tuple[TaskGraph, list[FakeConnection]]:
    connections: list[FakeConnection] = []

    def connect() -> FakeConnection:
        connections.append(FakeConnection())
        return connections[-1]

    return TaskGraph(connect, workers), connections  # type: ignore[arg-type]


def test_tasks_wait_for_what_they_need_and_go_by_rank() -> None:
    graph, connections = _graph(workers=1)
    ran: list[str] = []
    lock = threading.Lock()

    def record(key: str):  # noqa: ANN202
        def run(conn: object) -> None:
            with lock:
                ran.append(key)
        return run

    graph.add(Task((1, 0), "index:a", frozenset({"keys:a"}), record("index:a")))
    graph.add(Task((0, 0), "keys:a", frozenset({"copied:a"}), record("keys:a")))
    graph.add(Task((2, 0), "late", frozenset(), record("late")))
    graph.add(Task((0, 1), "early", frozenset(), record("early")))
    graph.start()
    graph.mark("copied:a")
    graph.close()
    graph.wait(lambda: None, 0.05)
    graph.stop()
    assert ran.index("keys:a") < ran.index("index:a")
    assert ran.index("early") < ran.index("late")
    assert graph.finished == graph.total == 4
    assert all(conn.closed for conn in connections)


def test_the_first_failure_stops_the_graph() -> None:
    graph, _ = _graph(workers=2)
    ran: list[str] = []

    def fail(conn: object) -> None:
        raise ValueError("refused")

    graph.add(Task((0, 0), "bad", frozenset(), fail))
    graph.add(Task((1, 0), "after", frozenset({"bad"}), lambda conn: ran.append("after")))
    graph.start()
    graph.close()
    with pytest.raises(ValueError, match="refused"):
        graph.wait(lambda: None, 0.05)
    graph.stop()
    assert ran == []


def test_a_step_never_marked_is_an_error_not_a_hang() -> None:
    graph, _ = _graph(workers=1)
    graph.add(Task((0, 0), "keys:a", frozenset({"copied:a"}), lambda conn: None))
    graph.start()
    graph.close()
    with pytest.raises(RuntimeError, match="keys:a"):
        graph.wait(lambda: None, 0.05)
    graph.stop()
