"""The one process, as an operator runs it: `helpdesk serve` in a subprocess, stopped with SIGTERM.

Runs `python -m helpdesk` by default; CI sets HELPDESK_TEST_COMMAND to the PyInstaller executable so
the same checks prove the built binary.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.botapi import BotApiEmulator
from tests.support.postgres import free_port, get_pg_server

COMMAND = shlex.split(os.environ.get("HELPDESK_TEST_COMMAND", "")) or [sys.executable, "-m", "helpdesk"]
ADMIN_CHAT = 4242
STRANGER = 777000


def _env(emulator: BotApiEmulator | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    if emulator is not None:
        env.update(HELPDESK_BOT_TOKEN=emulator.token, HELPDESK_TELEGRAM_API_URL=emulator.base_url)
    return env


_running: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _kill_leftovers() -> Iterator[None]:
    """A failed test must not leave a server running."""
    yield
    while _running:
        proc = _running.pop()
        if proc.poll() is None:
            _kill_group(proc)


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the server and whatever it started: the one-file executable is a bootloader whose child runs
    the program, and a SIGKILL (unlike SIGTERM) is not passed on, so the child would keep serving."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


class Server:
    def __init__(self, data_dir: Path, port: int, env: dict[str, str]) -> None:
        self.port = port
        self.log = data_dir.parent / f"serve-{time.monotonic_ns()}.log"
        self.proc = subprocess.Popen([*COMMAND, "serve", "--data-dir", str(data_dir), "--port", str(port),
                                      "--host", "127.0.0.1"], stdout=self.log.open("w"), stderr=subprocess.STDOUT,
                                     env=env, cwd=data_dir.parent, start_new_session=True)
        _running.append(self.proc)
        self.url = f"http://127.0.0.1:{port}"

    def output(self) -> str:
        return self.log.read_text()

    def wait_healthy(self, timeout: float = 30, bot: str | None = None) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"serve exited early:\n{self.output()}"
            try:
                health = httpx.get(f"{self.url}/healthz", timeout=2).json()
                if health["status"] == "ok" and (bot is None or health["bot"]["state"] == bot):
                    return health
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"not healthy in {timeout}s:\n{self.output()}")

    def terminate(self) -> tuple[int, float]:
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=15)
        return code, time.monotonic() - started


def _login(url: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=url, follow_redirects=False)
    page = client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"username": "admin", "password": password, "_csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/password", response.text
    return client


def test_serve_login_sigterm_and_no_lost_notification(tmp_path: Path, emulator: BotApiEmulator) -> None:
    data = tmp_path / "data"
    made = subprocess.run([*COMMAND, "user", "add", "Boss", "--role", "admin", "--telegram-id", str(ADMIN_CHAT),
                           "--data-dir", str(data)], capture_output=True, text=True, env=_env(), timeout=60)
    assert made.returncode == 0, made.stderr
    port = free_port()
    first = Server(data, port, _env(emulator))
    first.wait_healthy(bot="running")
    output = first.output()
    password = re.search(r"log in as 'admin' with password (\S+)", output).group(1)
    assert f"http://localhost:{port}/" not in output and f"http://127.0.0.1:{port}/" in output

    client = _login(first.url, password)
    assert client.get("/").headers["location"] == "/password", "the first login must change the password"
    assert "Смена пароля" in client.get("/password").text
    assert emulator.commands.get("en"), "setMyCommands ran for English"

    # A stranger asks for access: the admins' notice goes into the outbox; stop at once.
    emulator.user_sends(STRANGER, "/start", first_name="Stranger")
    emulator.wait_for_message(STRANGER, contains="Запрос на доступ отправлен")
    code, took = first.terminate()
    assert code == 0, first.output()
    assert took < 10, f"shutdown took {took:.1f}s"
    assert "stopped cleanly" in first.output()

    # After a restart the notice reaches the admin exactly once, whether or not it left before.
    second = Server(data, port, _env(emulator))
    second.wait_healthy(bot="running")
    emulator.wait_for_message(ADMIN_CHAT, contains="Stranger", timeout=30)
    time.sleep(1.5)
    assert len([t for t in emulator.texts_for(ADMIN_CHAT) if "Stranger" in t]) == 1
    assert "password" not in second.output().split("Open http")[0].lower(), "the password is printed once only"
    code, took = second.terminate()
    assert code == 0 and took < 10
    log_file = (data / "logs" / "helpdesk.log").read_text()
    assert "stopped cleanly" in log_file
    for text in (log_file, first.output(), second.output()):
        assert emulator.token not in text, "the bot token must never be logged"


def test_bot_off_without_token(tmp_path: Path) -> None:
    server = Server(tmp_path / "data", free_port(), _env())
    health = server.wait_healthy()
    assert health["bot"]["state"] == "off" and health["database"]["engine"] == "sqlite"
    assert health["version"], "a check from this machine sees the version"
    relayed = httpx.get(f"{server.url}/healthz", headers={"X-Forwarded-For": "203.0.113.9"}).json()
    assert "version" not in relayed, "a request relayed by a proxy is not local"
    if os.name == "posix":  # the data is private to the service user
        data = tmp_path / "data"
        for path in (data, data / "uploads", data / "backups", data / "logs"):
            assert path.stat().st_mode & 0o777 == 0o700, path
        for path in (data / "helpdesk.db", data / "helpdesk.db-wal", data / "queue.db", data / "logs/helpdesk.log"):
            assert path.stat().st_mode & 0o777 == 0o600, path
    assert "HELPDESK_BOT_TOKEN" in server.output()
    code, _ = server.terminate()
    assert code == 0


def _fails_in_one_line(args: list[str], env: dict[str, str] | None = None) -> str:
    result = subprocess.run([*COMMAND, *args], capture_output=True, text=True, env=env or _env(), timeout=60)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("helpdesk: "), result.stderr
    return lines[0]


def test_port_taken(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        line = _fails_in_one_line(["serve", "--data-dir", str(tmp_path), "--port", str(port), "--host", "127.0.0.1"])
    assert f"127.0.0.1:{port}" in line


def test_bad_database_url(tmp_path: Path) -> None:
    env = _env() | {"HELPDESK_DATABASE_URL": "mysql://nope"}
    assert "scheme" in _fails_in_one_line(["serve", "--data-dir", str(tmp_path), "--port", str(free_port())], env)
    env = _env() | {"HELPDESK_DATABASE_URL": "postgresql://nobody:secret@127.0.0.1:1/none"}
    line = _fails_in_one_line(["serve", "--data-dir", str(tmp_path), "--port", str(free_port())], env)
    assert "cannot open the database" in line and "secret" not in line


def test_unusable_data_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    line = _fails_in_one_line(["serve", "--data-dir", str(blocker / "data"), "--port", str(free_port())])
    assert "data dir" in line


WRITERS = 16


def _prepare_org(url: str) -> str:
    """The test personas in a migrated database; returns bob's API token (branch B1, served by sam)."""
    from helpdesk.core import people
    from helpdesk.core.actors import Actor
    from helpdesk.db.database import close_database, init_database
    from tests.conftest import make_org

    init_database(url)
    try:
        org = make_org()
        return people.issue_token(Actor.system("cli"), org.bob, "writers").secret
    finally:
        close_database()


def _writers(url: str, secret: str, stop: threading.Event, acked: dict[str, str]) -> list[threading.Thread]:
    def write(index: int) -> None:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {secret}"}, timeout=20) as client:
            for step in itertools.count():
                if stop.is_set():
                    return
                description = f"writer {index} step {step}"
                try:
                    response = client.post("/api/v1/requests", json={"type": "it_help", "description": description})
                except httpx.HTTPError:
                    return  # the server is gone
                assert response.status_code == 201, response.text
                acked[response.json()["number"]] = description

    return [threading.Thread(target=write, args=(i,), daemon=True) for i in range(WRITERS)]


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_kill_9_under_writers_loses_nothing_acknowledged(engine: str, tmp_path: Path, emulator: BotApiEmulator) -> None:
    data = tmp_path / "data"
    env = _env(emulator)
    server_pg = get_pg_server() if engine == "postgres" else None
    if engine == "postgres":
        if server_pg is None:
            pytest.skip("no PostgreSQL server available")
        name = f"hd_kill_{os.getpid()}"
        server_pg.drop_database(name)
        url = server_pg.create_database(name)
        env["HELPDESK_DATABASE_URL"] = url
    else:
        url = f"sqlite:///{data / 'helpdesk.db'}"
        data.mkdir()
    try:
        secret = _prepare_org(url)
        port = free_port()
        first = Server(data, port, env)
        first.wait_healthy()
        stop, acked = threading.Event(), {}
        writers = _writers(first.url, secret, stop, acked)
        for thread in writers:
            thread.start()
        deadline = time.monotonic() + 15
        while len(acked) < 60 and time.monotonic() < deadline:
            time.sleep(0.05)
        _kill_group(first.proc)  # mid-load: requests are in flight
        for thread in writers:
            thread.join(20)
        assert len(acked) >= 10, first.output()

        second = Server(data, port, env)
        second.wait_healthy()
        stop.clear()
        after: dict[str, str] = {}
        for thread in _writers(second.url, secret, stop, after)[:4]:
            thread.start()
        deadline = time.monotonic() + 30
        while len(after) < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(after) >= 8, second.output()
        stop.set()
        time.sleep(0.5)  # let the last writes answer
        _check_after_kill(url, acked, after, emulator)
    finally:
        if server_pg is not None:
            from helpdesk.db.database import close_database

            close_database()
            server_pg.drop_database(name)


def _check_after_kill(url: str, acked: dict[str, str], after: dict[str, str], emulator: BotApiEmulator) -> None:
    from helpdesk.db.database import close_database, init_database
    from helpdesk.db.models import OutboxMessage, Ticket

    init_database(url, migrate=False)
    try:
        stored = {t.number: t.description for t in Ticket.select(Ticket.number, Ticket.description)}
        for number, description in {**acked, **after}.items():
            assert stored.get(number) == description, f"acknowledged {number} is missing or changed"
        serials = sorted(int(number.split("-")[1]) for number in stored)
        assert serials == list(range(1, len(serials) + 1)), "numbers have a gap"
        notices = [(m.ticket_id, m.user_id, m.kind) for m in OutboxMessage.select()]
        assert len(notices) == len(set(notices)), "a notice was queued twice"
        assert len(notices) >= len(stored), "every request told its storekeeper"
        # Delivered ones reached Telegram once, the rest wait their turn (Telegram allows a chat one message
        # a second, and the first delivery waits for aiogram's import): none is sent twice.
        texts = emulator.texts_for(1002)
        for number in stored:
            assert sum(number in text for text in texts) <= 1, f"{number} was announced twice"
        sent = OutboxMessage.select(OutboxMessage, Ticket).join(Ticket).where(OutboxMessage.status == "sent")
        for message in sent:
            assert sum(message.ticket.number in text for text in texts) == 1
        assert {m.status for m in OutboxMessage.select()} <= {"pending", "sending", "sent"}
    finally:
        close_database()


def _instance(server: Server) -> dict:
    return httpx.get(f"{server.url}/healthz", timeout=2).json()


def _wait_leader(server: Server, timeout: float) -> float:
    """Seconds until this instance leads and its poller runs."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with contextlib.suppress(httpx.HTTPError):
            health = _instance(server)
            if health["instance"]["leader"] and health["bot"]["state"] == "running":
                return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"no takeover in {timeout}s:\n{server.output()}")


def test_two_instances_one_poller_and_a_takeover_after_kill_9(tmp_path: Path, emulator: BotApiEmulator) -> None:
    """Two instances on one PostgreSQL database (and its queue) with one data dir: exactly one polls; kill -9
    it and the other takes over within seconds, every Telegram update answered once; the web works on both."""
    server_pg = get_pg_server()
    if server_pg is None:
        pytest.skip("no PostgreSQL server available")
    name = f"hd_pair_{os.getpid()}"
    server_pg.drop_database(name)
    url = server_pg.create_database(name)
    env = _env(emulator) | {"HELPDESK_DATABASE_URL": url, "HELPDESK_QUEUE_URL": url,
                            "HELPDESK_SECRET_KEY": "ab" * 32}
    data = tmp_path / "data"
    try:
        made = subprocess.run([*COMMAND, "user", "add", "Boss", "--role", "admin", "--telegram-id", str(ADMIN_CHAT),
                               "--data-dir", str(data)], capture_output=True, text=True, env=env, timeout=60)
        assert made.returncode == 0, made.stderr
        first, second = Server(data, free_port(), env), Server(data, free_port(), env)  # started together
        first.wait_healthy()
        second.wait_healthy()
        leader, standby = (first, second) if _instance(first)["instance"]["leader"] else (second, first)
        _wait_leader(leader, 30)
        health = _instance(standby)
        assert health["instance"] == {"leader": False, "shared": True}
        assert health["bot"]["state"] == "standby" and health["queue"]["state"] == "standby"
        password = re.search(r"log in as 'admin' with password (\S+)", first.output() + second.output()).group(1)
        client = _login(standby.url, password)
        other = httpx.Client(base_url=leader.url, cookies=client.cookies)  # one key: the session works on both
        assert other.get("/password").status_code == 200

        strangers = iter(range(STRANGER, STRANGER + 10_000))
        sent: list[int] = []

        def send(count: int, pause: float) -> None:
            for _ in range(count):
                chat = next(strangers)
                emulator.user_sends(chat, "/start", first_name=f"S{chat}")
                sent.append(chat)
                time.sleep(pause)

        send(2, 0.05)
        for chat in sent:
            emulator.wait_for_message(chat, contains="Запрос на доступ отправлен", timeout=15)
        assert not any(poll.get("conflict") for poll in emulator.polls), "two pollers at once"
        polls_before = len(emulator.polls)

        stream = threading.Thread(target=send, args=(10, 0.1))  # updates keep coming through the kill
        stream.start()
        time.sleep(0.5)
        _kill_group(leader.proc)
        took = _wait_leader(standby, 20)
        print(f"takeover after kill -9: {took:.2f}s (leader and poller running)")
        stream.join()
        for chat in sent:
            emulator.wait_for_message(chat, contains="Запрос на доступ отправлен", timeout=20)
        time.sleep(1.0)  # a second answer to anyone would come now
        for chat in sent:
            replies = [t for t in emulator.texts_for(chat) if "Запрос на доступ отправлен" in t]
            assert len(replies) == 1, f"update from {chat} answered {len(replies)} times"
        # At most the dead leader's last long poll was superseded by the new leader's.
        assert sum(bool(poll.get("conflict")) for poll in emulator.polls[polls_before:]) <= 1
        assert took < 10, f"takeover took {took:.1f}s"
        assert client.get("/password").status_code == 200
        # The admins' notices (the outbox) went out from one instance at a time: none twice.
        # Chats are handled side by side (bot/polling.py), so the notices need not come in the updates' order.
        for chat in sent:
            emulator.wait_for_message(ADMIN_CHAT, contains=f"S{chat}", timeout=60)
        admin_texts = emulator.texts_for(ADMIN_CHAT)
        for chat in sent:
            assert sum(f"S{chat}" in text for text in admin_texts) == 1, f"notice about {chat} sent twice or never"
        # How long the stop takes is test_serve_login_sigterm_and_no_lost_notification's business: the one-file
        # executable's bootloader then removes its unpacked files, which takes seconds on a busy disk.
        standby.proc.send_signal(signal.SIGTERM)
        assert standby.proc.wait(60) == 0 and "stopped cleanly" in standby.output(), standby.output()
    finally:
        server_pg.drop_database(name)
