"""The fake 1C on loopback, with two warehouses and the personas' cartridges in it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from helpdesk.config import OneCSettings
from tests.support.fake_onec import FakeData, FakeOneC

SECRET = b"k" * 32


@pytest.fixture
def fake_data() -> FakeData:
    data = FakeData()
    main, north = data.add_warehouse("Основной склад"), data.add_warehouse("Северный склад")
    toner = data.add_item("Картридж HP 85A (CE285A)", article="CE285A")
    drum = data.add_item("Фотобарабан Brother DR-2300", article="DR2300")
    data.add_item("Бумага А4", article="A4-500")
    data.add_item("Картриджи", folder=True)
    data.balances.update({(main, toner): 15.0, (north, toner): 4.0, (main, drum): 2.0})
    return data


@pytest.fixture
def fake(fake_data: FakeData) -> Iterator[FakeOneC]:
    with FakeOneC(fake_data) as server:
        yield server


def base_settings(fake: FakeOneC, **kw: object) -> OneCSettings:
    values: dict[str, object] = {"url": fake.url, "user": fake.user, "password": fake.password, **kw}
    return OneCSettings(**values)  # type: ignore[arg-type]
