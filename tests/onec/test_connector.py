"""The OData client against the fake 1C: URLs, paging, batches, error kinds, `helpdesk check`, 1C:UNF."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpdesk.checks import check_onec
from helpdesk.config import load_settings
from helpdesk.core import onec_mapping, onec_settings, onec_sync
from helpdesk.db.models import Stock
from helpdesk.integrations.onec import Connection, OneCClient, basic_header
from helpdesk.integrations.onec_errors import OneCError, from_response
from tests.conftest import Org
from tests.onec.conftest import SECRET, base_settings
from tests.support.fake_onec import FakeOneC, generated


def test_urls_are_percent_encoded_utf8_and_the_header_too(fake: FakeOneC) -> None:
    client = OneCClient(Connection(fake.url, fake.user, fake.password))
    url = client.url(client.balance_path(), {"$filter": "Склад_Key eq guid'x'", "$format": "json"})
    assert url.isascii() and "%D0%A2%D0%BE%D0%B2%D0%B0%D1%80%D1%8B" in url  # Товары
    assert "Balance(Dimensions='" in url and "%20eq%20" in url and "+" not in url
    assert basic_header("Администратор", "Ключ-42!") == "Basic 0JDQtNC80LjQvdC40YHRgtGA0LDRgtC+0YA60JrQu9GO0Yct"\
                                                        "NDIh"
    client.close()


def test_paging_and_the_count_as_a_string() -> None:
    with FakeOneC(generated(7, 2)) as fake, OneCClient(Connection(fake.url, fake.user, fake.password,
                                                                 page_size=3)) as client:
        items = client.items()
        assert len(items) == 7 and len({i.key for i in items}) == 7
        assert client.count("Catalog_Номенклатура") == 7
        pages = [r for r in fake.requests if r.startswith("/trade/odata/standard.odata/Catalog_Номенклатура?")
                 and "$skip" in r]
        assert len(pages) == 3  # 3 + 3 + 1
        assert len(client.items_by_key([i.key for i in items])) == 7


@pytest.mark.parametrize(("status", "body", "kind", "transient"), [
    (401, None, "auth", False),
    (404, None, "url", False),
    (404, {"odata.error": {"code": "9", "message": {"lang": "ru", "value": "Не найден"}}}, "odata", False),
    (400, {"odata.error": {"code": "14", "message": {"lang": "ru", "value": "Ошибка разбора"}}}, "filter", False),
    (403, {"odata.error": {"code": "20", "message": {"lang": "ru", "value": "Нет прав"}}}, "rights", False),
    (500, {"odata.error": {"code": "-1", "message": {"lang": "ru", "value": "Сбой"}}}, "internal", True),
    (502, None, "http", True),
])
def test_error_kinds(status: int, body: object, kind: str, transient: bool) -> None:
    error = from_response(status, body)
    assert (error.kind, error.transient) == (kind, transient)


def test_a_bad_filter_is_1cs_error_14(fake: FakeOneC) -> None:
    with OneCClient(Connection(fake.url, fake.user, fake.password)) as client, pytest.raises(OneCError) as caught:
        client.get_json("Catalog_Номенклатура", {"$filter": "substringof('HP', Description)"})
    assert caught.value.kind == "filter" and "Ошибка разбора" in caught.value.params["detail"]


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_helpdesk_check_reports_the_register(org: Org, database: str, fake: FakeOneC, tmp_path: Path) -> None:
    env = {"HELPDESK_ONEC_URL": fake.url, "HELPDESK_ONEC_USER": fake.user, "HELPDESK_ONEC_PASSWORD": fake.password}
    settings = load_settings({"data_dir": str(tmp_path), "database_url": database}, environ=env)
    name, ok, detail = check_onec(settings)
    assert (name, ok) == ("1c", True) and "ТоварыНаСкладах" in detail and "3 items" in detail
    settings = load_settings({"data_dir": str(tmp_path), "database_url": database},
                             environ={**env, "HELPDESK_ONEC_PASSWORD": "wrong"})
    name, ok, detail = check_onec(settings)
    assert ok is False and "HTTP 401" in detail


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_unf_preset(org: Org) -> None:
    data = generated(3, 1)
    with FakeOneC(data, flavour="unf") as fake:
        admin = org.actor("alice")
        onec_settings.save(admin, SECRET, {"preset": "unf"})
        onec_mapping.map_warehouse(admin, org.w1.id, data.warehouses[0]["Ref_Key"])
        onec_mapping.map_cartridge(admin, org.toner.id, data.items[1]["Ref_Key"])
        outcome = onec_sync.sync(admin, base_settings(fake), SECRET)
        assert outcome.state == "ok", outcome.error
        assert Stock.get(warehouse=org.w1, cartridge=org.toner).quantity == 7  # (1 * 7 + 0) % 50
        assert any("AccumulationRegister_ЗапасыНаСкладах/Balance(Dimensions='Номенклатура,СтруктурнаяЕдиница')"
                   in r for r in fake.requests)
