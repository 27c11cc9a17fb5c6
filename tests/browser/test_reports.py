"""A manager's way through the reports in a real browser: pick a period, see charts, follow a bar, download."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, admin_log_in


def test_pick_a_period_follow_a_bar_and_download(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}/")
    page.click("nav.mainnav a[href='/reports']")
    page.select_option("#report-preset", "year")
    page.click("#report-filters button.primary")
    expect(page).to_have_url(re.compile(r"/reports\?period=year&"))  # the filters are in the URL
    bars = page.locator("#cartridges-by-branch svg a")
    assert bars.count() > 0, "the demo's orders show as bars"
    ordered = int(page.locator("#cartridges-by-branch tfoot th").nth(1).inner_text())
    assert ordered > 0
    assert page.locator("#heat-map svg rect").count() == 7 * 24
    with page.expect_download() as info:
        page.click("#report-xlsx")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    book = load_workbook(BytesIO(path.read_bytes()))
    sheet = book["Картриджи по филиалам"]
    assert sheet.cell(row=sheet.max_row, column=3).value == ordered, "the file's total is the page's"
    bars.first.click()
    expect(page).to_have_url(re.compile(r"/requests\?.*type=cartridges"))
    assert page.locator("#requests tbody tr").count() > 0
