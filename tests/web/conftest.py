"""A real app over a real database, driven through Litestar's in-process test client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from helpdesk import runtime
from helpdesk.config import load_settings
from helpdesk.core import people
from helpdesk.core.actors import Actor
from helpdesk.db.models import User
from tests.conftest import Org

PASSWORD = "correct horse battery"


@pytest.fixture
def client(sqlite_org: Org, sqlite_db: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings({"data_dir": str(tmp_path / "data"), "database_url": sqlite_db}, environ={})
    services = runtime.build_services(settings, with_queue=False)
    with TestClient(app=runtime.build_app(services)) as test_client:
        yield test_client


def set_password(user: User, password: str = PASSWORD) -> None:
    User.update(password_hash=people.hash_password(password), username=user.display_name.lower()).where(
        User.id == user.id).execute()


def csrf_token(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    match = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def login(client: TestClient, user: User, password: str = PASSWORD) -> None:
    set_password(user, password)
    token = csrf_token(client)
    response = client.post("/login", data={"username": user.display_name.lower(), "password": password,
                                           "_csrf_token": token}, follow_redirects=False)
    assert response.status_code in (302, 303), response.text


def api_token(org: Org, persona: str) -> dict[str, str]:
    issued = people.issue_token(Actor.system("cli"), getattr(org, persona), f"{persona} test token")
    return {"Authorization": f"Bearer {issued.secret}"}
