"""The real app over a real database with a bot token set, driven through Litestar's test client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from helpdesk import runtime
from helpdesk.config import load_settings
from tests.conftest import Org
from tests.miniapp.signing import TOKEN


@pytest.fixture
def client(sqlite_org: Org, sqlite_db: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings({"data_dir": str(tmp_path / "data"), "database_url": sqlite_db, "bot_token": TOKEN,
                              # the poller fails at once and stays off: these tests are about the web edge
                              "telegram_api_url": "http://127.0.0.1:9"},
                             environ={})
    services = runtime.build_services(settings, with_queue=False)
    with TestClient(app=runtime.build_app(services)) as test_client:
        yield test_client
