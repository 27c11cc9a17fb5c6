"""packaging/several-instances: two real instances on one PostgreSQL database behind Debian's haproxy or nginx.

Runs `python -m helpdesk` by default, or HELPDESK_TEST_COMMAND (the one-file executable in CI).
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.postgres import free_port, get_pg_server
from tests.test_process import COMMAND, _env

SCRIPT = Path(__file__).resolve().parent.parent / "packaging" / "several-instances"


@pytest.fixture
def database_url() -> Iterator[str]:
    server = get_pg_server()
    if server is None:
        pytest.skip("no PostgreSQL server available")
    name = f"hd_proxy_{os.getpid()}"
    server.drop_database(name)
    yield server.create_database(name)
    server.drop_database(name)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _leaders_seen(url: str, tries: int = 6) -> list[bool]:
    return [httpx.get(f"{url}/healthz", timeout=5).json()["instance"]["leader"] for _ in range(tries)]


def _wait(predicate: object, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError, KeyError, ValueError):
            if predicate():  # type: ignore[operator]
                return
        time.sleep(0.2)
    outputs = "\n".join(f"--- {p.name}\n{p.read_text()}" for p in sorted(log.glob("*.log")))
    raise AssertionError(f"{what} not within {timeout}s\n{outputs}")


@pytest.mark.parametrize("proxy", ["haproxy", "nginx"])
def test_two_instances_behind_a_proxy(proxy: str, tmp_path: Path, database_url: str) -> None:
    run, port, ports = tmp_path / "run", free_port(), [free_port(), free_port()]
    env = _env() | {"HELPDESK_DATABASE_URL": database_url, "HELPDESK_DATA_DIR": str(tmp_path / "data"),
                    "PROXY": proxy, "PROXY_PORT": str(port), "INSTANCE_PORTS": " ".join(map(str, ports)),
                    "HELPDESK_COMMAND": shlex.join(COMMAND), "RUN_DIR": str(run)}
    script = subprocess.Popen(["bash", str(SCRIPT)], env=env, cwd=tmp_path, start_new_session=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        # Through the proxy the requests go round: one instance leads, the other stands by.
        _wait(lambda: set(_leaders_seen(url)) == {True, False}, 60, "both instances behind the proxy", run)
        instance_pids = [int((run / f"instance-{n}.pid").read_text()) for n in (1, 2)]

        # Log in through the proxy: the form and the post may reach different instances (one key, one database).
        password = re.search(r"password (\S+) \(you", "".join(p.read_text() for p in run.glob("instance-*.log")))
        assert password, "the first admin's password is printed by the instance that made it"
        with httpx.Client(base_url=url) as client:
            for _ in range(3):
                page = client.get("/login")
                token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
                done = client.post("/login", data={"username": "admin", "password": password.group(1),
                                                   "_csrf_token": token})
                assert done.status_code == 303 and done.headers["location"] == "/password", done.text
                assert client.get("/password").status_code == 200
                client.post("/logout", data={"_csrf_token": token})
                client.cookies.clear()

        if proxy == "haproxy":
            # kill -9 the leader: the proxy sends everyone to the other, which takes over the lead.
            leader = next(pid for pid, p in zip(instance_pids, ports, strict=True)
                          if httpx.get(f"http://127.0.0.1:{p}/healthz", timeout=5).json()["instance"]["leader"])
            _kill_group(leader)
            _wait(lambda: all(_leaders_seen(url, 4)), 30, "the survivor leading and answering for both", run)
            assert all(httpx.get(f"{url}/login", timeout=5).status_code == 200 for _ in range(4))

        script.send_signal(signal.SIGTERM)
        assert script.wait(30) == 0, script.stdout.read() if script.stdout else ""
        for p in ports:
            with pytest.raises(httpx.ConnectError):
                httpx.get(f"http://127.0.0.1:{p}/healthz", timeout=2)
    finally:
        if script.poll() is None:
            _kill_group(script.pid)
            script.wait(10)
        for pid_file in run.glob("instance-*.pid"):
            _kill_group(int(pid_file.read_text()))


def test_refuses_sqlite(tmp_path: Path) -> None:
    done = subprocess.run(["bash", str(SCRIPT)], env=_env() | {"HELPDESK_DATABASE_URL": "sqlite:///x.db"},
                          capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert done.returncode == 1 and "PostgreSQL" in done.stderr
