"""Property-based fuzzing of every API operation in /schema/openapi.json: no input may cause a 5xx.

Schemathesis generates valid and invalid requests from the schema and sends them to the real app (a
fresh SQLite database with the personas for each operation) with an administrator's bearer token, so
every operation is reachable. Responses must also match what the schema documents. Deterministic:
fixed seed, bounded examples, no deadline (the machine is shared).

The schema also lists the panel's HTML pages. A bearer token does not open them (they answer with a
redirect to /login before any handler runs), so fuzzing them here would test nothing; they take a
session and a CSRF token, and fuzzing them that way takes minutes, too long for every run.

For a deeper search now and then: FUZZ_EXAMPLES=300 (per operation) and FUZZ_AS=sam or bob (another
persona's token; the default is alice, the admin).
"""

from __future__ import annotations

import copy
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from litestar import Litestar
from litestar.testing import TestClient
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import response_schema_conformance

from helpdesk import runtime
from helpdesk.config import load_settings
from helpdesk.db.database import close_database, init_database
from tests.conftest import Org
from tests.web.conftest import api_token

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))  # per operation: about 30 s for the whole API on two cores


def _build_app(data_dir: Path, database_url: str) -> Litestar:
    app_settings = load_settings({"data_dir": str(data_dir), "database_url": database_url}, environ={})
    return runtime.build_app(runtime.build_services(app_settings, with_queue=False))


def _schema_of_the_app() -> dict[str, Any]:
    """The app's OpenAPI document, made at collection time (it depends on the routes, not on data).

    Schemathesis needs it while collecting to make one test per operation; its lazy loader, which
    would fetch it from a fixture, does not run on this pytest.
    """
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/schema.db"
        init_database(url)
        try:
            return _build_app(Path(tmp) / "data", url).openapi_schema.to_schema()
        finally:
            close_database()


SCHEMA = _schema_of_the_app()
# from_dict changes the dict it loads
schema = schemathesis.openapi.from_dict(copy.deepcopy(SCHEMA)).include(path_regex=r"^/(api/|healthz$)")


@pytest.fixture
def admin_headers(sqlite_org: Org) -> dict[str, str]:
    return api_token(sqlite_org, os.environ.get("FUZZ_AS", "alice"))


@pytest.fixture
def fuzz_app(sqlite_org: Org, sqlite_db: str, tmp_path: Path) -> Litestar:
    return _build_app(tmp_path / "data", sqlite_db)


@pytest.fixture
def fuzz_client(fuzz_app: Litestar) -> Iterator[asgi.ASGIClient]:
    with asgi.get_client(fuzz_app) as client:
        yield client
    asgi.shutdown_lifespans()  # schemathesis keeps an app's lifespan running until told


def test_the_fuzzed_schema_is_the_served_one(fuzz_app: Litestar, admin_headers: dict[str, str]) -> None:
    with TestClient(app=fuzz_app) as client:
        served = client.get("/schema/openapi.json", headers=admin_headers)
    assert served.status_code == 200 and served.json() == SCHEMA


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case, fuzz_client: asgi.ASGIClient,
                          admin_headers: dict[str, str]) -> None:
    case.call_and_validate(session=fuzz_client, base_url=fuzz_client.base_url, headers=admin_headers,
                           checks=[not_a_server_error, response_schema_conformance])
