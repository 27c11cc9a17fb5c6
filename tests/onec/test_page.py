"""Settings → 1C as an admin walks it: connect, test, map, sync; failures in plain words; /healthz state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from helpdesk import runtime
from helpdesk.config import load_settings
from helpdesk.core import onec_settings
from helpdesk.db.models import AuditEvent, CartridgeModel, Setting, Stock, Warehouse
from tests.conftest import Org
from tests.support.fake_onec import FakeOneC
from tests.web.conftest import csrf_token, login


@pytest.fixture
def app_client(sqlite_org: Org, sqlite_db: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings({"data_dir": str(tmp_path / "data"), "database_url": sqlite_db}, environ={})
    with TestClient(app=runtime.build_app(runtime.build_services(settings, with_queue=False))) as client:
        yield client


def test_admin_connects_maps_and_syncs(app_client: TestClient, sqlite_org: Org, fake: FakeOneC) -> None:
    client = app_client
    login(client, sqlite_org.alice)
    assert "Ещё не настроено" in client.get("/settings/onec").text
    assert client.get("/healthz").json()["onec"] == {"state": "off"}
    token = csrf_token(client, "/settings/onec")

    bad = client.post("/settings/onec", data={"url": "ftp://x", "_csrf_token": token})
    assert bad.status_code == 422
    saved = client.post("/settings/onec", data={"url": fake.url, "user": fake.user, "password": fake.password,
                                                "sync_minutes": "30", "_csrf_token": token}, follow_redirects=False)
    assert saved.status_code == 303
    assert fake.password not in str(Setting.get_by_id(onec_settings.PASSWORD_KEY).value)
    page = client.get("/settings/onec")
    assert fake.password not in page.text and "Пароль сохранён" in page.text

    tested = client.post("/settings/onec/test", data={"_csrf_token": token})
    assert "ТоварыНаСкладах" in tested.text and "ВНаличии" in tested.text and "3" in tested.text

    client.post("/settings/onec/refresh", data={"_csrf_token": token})
    page = client.get("/settings/onec")
    assert "Картридж HP 85A (CE285A)" in page.text  # suggested by article
    assert "W1, W2, Brother DR-2300, HP 85A" in page.text  # what is not mapped yet
    found = client.get("/settings/onec", params={"q": "барабан"})
    assert "Фотобарабан Brother DR-2300" in found.text

    client.post("/settings/onec/map-by-article", data={"_csrf_token": token})
    assert CartridgeModel.get_by_id(sqlite_org.toner.id).onec_key == fake.data.items[0]["Ref_Key"]
    wrong = client.post("/settings/onec/map", data={"kind": "warehouse", "id": str(sqlite_org.w1.id),
                                                    "onec_key": "not a key", "_csrf_token": token})
    assert wrong.status_code == 422 and "Ref_Key" in wrong.text
    client.post("/settings/onec/map", data={"kind": "warehouse", "id": str(sqlite_org.w1.id),
                                            "onec_key": fake.data.warehouses[0]["Ref_Key"], "_csrf_token": token})
    assert Warehouse.get_by_id(sqlite_org.w1.id).onec_key == fake.data.warehouses[0]["Ref_Key"]

    synced = client.post("/settings/onec/sync", data={"_csrf_token": token})
    assert synced.status_code == 200 and 'data-state="ok"' in synced.text
    row = Stock.get(warehouse=sqlite_org.w1, cartridge=sqlite_org.toner)
    assert (row.quantity, row.source) == (15, "1c")
    assert client.get("/healthz").json()["onec"]["state"] == "ok"
    assert AuditEvent.select().where(AuditEvent.action == "onec_sync").count() == 1

    fake.password = "сменили"  # 1C's admin changed it
    failed = client.post("/settings/onec/sync", data={"_csrf_token": token})
    assert 'data-state="error"' in failed.text and "HTTP 401" in failed.text
    assert Stock.get(warehouse=sqlite_org.w1, cartridge=sqlite_org.toner).quantity == 15
    assert client.get("/healthz").json()["onec"]["error"] == "auth"  # an admin sees which kind
    client.cookies.clear()
    health = client.get("/healthz", headers={"X-Forwarded-For": "10.0.0.9"}).json()["onec"]
    assert health["state"] == "error" and "error" not in health  # the state, not the text, for anyone


def test_the_page_is_for_admins(app_client: TestClient, sqlite_org: Org) -> None:
    login(app_client, sqlite_org.sam)
    assert app_client.get("/settings/onec").status_code == 403
