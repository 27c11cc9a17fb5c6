"""Property-based testing of every API operation in /schema/openapi.json with all of schemathesis's checks.

`--checks all`, as the CLI names it: no 5xx; statuses, headers, content types and bodies as documented;
schema-valid requests accepted and schema-invalid ones refused (so the schema is as strict as the
domain); 405 with `Allow`; the bearer token enforced. Each case runs against the real app over a fresh
database with the personas, on SQLite and on PostgreSQL, with an administrator's token so every
operation is reachable. Deterministic: fixed seed, bounded examples, no deadline (the machine is shared).

The public GET /healthz is excluded by the schema filter below: it has no bearer token to enforce.
The panel's HTML pages are not in the schema; tests/web/test_panel_form_fuzz.py fuzzes their forms.

For a deeper search now and then: FUZZ_EXAMPLES=300 (per operation) and FUZZ_AS=sam or bob (another
persona's token; the default is alice, the admin).
"""

from __future__ import annotations

import copy
import json
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
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.python import asgi

from helpdesk import runtime
from helpdesk.config import load_settings
from helpdesk.core import throttle
from helpdesk.db.database import close_database, init_database
from tests.conftest import Org
from tests.web.conftest import api_token

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))  # per operation and engine: keeps each engine well under a minute


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


load_all_checks()
POSITIVE_DATA_ACCEPTANCE = CHECKS.get_one("positive_data_acceptance")

# Rules a JSON schema cannot state because they depend on stored data (does branch B9 exist, is there
# stock to take), on another field (a branch user needs a branch; a password must not be the login) or on
# a list too long for an enum (the common passwords): a 422 naming one of these fields
# answers a schema-valid request correctly. A 422 naming any other field means the schema is looser
# than the domain, and fails the run.
DATA_RULES = {
    "GET /api/v1/requests": {"branch"},
    "POST /api/v1/requests": {"branch", "lines", "description", "printer"},
    "POST /api/v1/requests/{number}/transitions": {"reason"},
    "GET /api/v1/printers": {"branch"},
    "GET /api/v1/stock": {"warehouse"},
    "POST /api/v1/stock/adjustments": {"warehouse", "cartridge_id", "delta"},
    "POST /api/v1/users": {"branch", "warehouse", "password"},
    "PATCH /api/v1/users/{user_id}": {"branch", "warehouse"},
}


def positive_data_acceptance(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """Schemathesis's check, except for the domain's data-dependent rules above."""
    if response.status_code == 422:
        field = json.loads(response.content or b"{}").get("field")
        if field in DATA_RULES.get(case.operation.label, ()):
            return None
    return POSITIVE_DATA_ACCEPTANCE(ctx, response, case)


# what `--checks all` runs, with the one check above narrowed
ALL_CHECKS = [positive_data_acceptance if check is POSITIVE_DATA_ACCEPTANCE else check for check in CHECKS.get_all()]
SCHEMA = _schema_of_the_app()
# from_dict changes the dict it loads
schema = schemathesis.openapi.from_dict(copy.deepcopy(SCHEMA)).exclude(path="/healthz")


@pytest.fixture
def admin_headers(org: Org) -> dict[str, str]:
    return api_token(org, os.environ.get("FUZZ_AS", "alice"))


@pytest.fixture
def fuzz_app(org: Org, database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Litestar:
    """The app over `database`: SQLite and PostgreSQL, each a fresh copy with the personas.

    The fuzzer is one client sending thousands of bad tokens on purpose: the address throttle would
    answer 429, rightly, where its checks look for the 401 of each single call.
    """
    monkeypatch.setattr(throttle, "ADDRESS_LIMIT", 1_000_000)
    return _build_app(tmp_path / "data", database)


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
def test_all_checks(case: schemathesis.Case, fuzz_app: Litestar, fuzz_client: asgi.ASGIClient,
                    admin_headers: dict[str, str]) -> None:
    case.operation.schema.app = case.operation.app = fuzz_app  # probes (auth removed, say) go to the app too
    case.call_and_validate(session=fuzz_client, base_url=fuzz_client.base_url, headers=admin_headers,
                           checks=ALL_CHECKS)
