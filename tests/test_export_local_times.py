"""The export's fast local times equal the exact conversion, around daylight-saving changes too."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from helpdesk.export.excel import LocalTimes, local


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Australia/Lord_Howe", "Europe/Moscow"])
def test_local_times_match_the_exact_conversion(zone: str) -> None:
    tz = ZoneInfo(zone)
    fast = LocalTimes(tz)
    start = dt.datetime(2024, 3, 1)
    # Every 7 minutes for two months across the spring change, as datetimes and as SQLite's text.
    for step in range(0, 60 * 24 * 61, 7):
        value = start + dt.timedelta(minutes=step, seconds=step % 60)
        assert fast(value) == local(value, tz)
        assert fast(value.isoformat(sep=" ")) == local(value, tz)
    assert fast(None) is None
