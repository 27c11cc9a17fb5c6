"""The issue's walk in a real browser against a real SMTP server: an admin sets SMTP in Settings → Email,
sends a test email, schedules the Monday report and presses "Send now"; the xlsx arrives. On a phone the
menu leads to "My notifications"."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, admin_log_in, serve_demo
from tests.support.smtp import PASSWORD, USER, SmtpServer


@pytest.fixture(scope="module")
def smtp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmtpServer]:
    server = SmtpServer(tmp_path_factory.mktemp("smtp")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("email-walk") / "data"
    # The server verifies the test SMTP server's certificate, as it would a real one's.
    with serve_demo(data_dir, {"SSL_CERT_FILE": str(smtp.cert)}) as (url, log):
        password = re.search(r"with password (\S+)", log.read_text()).group(1)
        yield LiveServer(url, password, data_dir)


def _wait_for(smtp: SmtpServer, count: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while len(smtp.inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(smtp.inbox.messages) >= count, f"{len(smtp.inbox.messages)} of {count} emails arrived"


def test_admin_sets_smtp_tests_it_and_sends_the_monday_report(page: Page, mail_server: LiveServer,
                                                              smtp: SmtpServer) -> None:
    admin_log_in(page, mail_server)
    page.goto(f"{mail_server.url}/settings#email")
    email = page.locator("#email")
    email.locator("input[name=smtp_host]").fill("127.0.0.1")
    email.locator("input[name=smtp_port]").fill(str(smtp.port))
    email.locator("select[name=smtp_security]").select_option("starttls")
    email.locator("input[name=smtp_user]").fill(USER)
    email.locator("input[name=smtp_password]").fill(PASSWORD)
    email.locator("input[name=smtp_from]").fill("helpdesk@example.org")
    email.locator("button[value=save]").click()
    expect(page).to_have_url(re.compile(r"saved=email"))
    assert PASSWORD not in page.content(), "the password is never shown again"

    page.locator("#email input[name=test_to]").fill("admin@example.org")
    page.locator("#email button[value=test]").click()
    expect(page.locator("#email-check")).to_have_class(re.compile(r"\bok\b"))
    _wait_for(smtp, 1)
    assert smtp.inbox.messages[0][1] == ["admin@example.org"]

    page.goto(f"{mail_server.url}/notifications")
    page.click("a[href='/scheduled-reports']")
    page.fill("input[name=name]", "Monday report")
    page.select_option("select[name=report]", "requests")
    page.fill("textarea[name=recipients]", "boss@example.org")
    page.select_option("select[name=frequency]", "weekly")
    page.select_option("select[name=weekday]", "1")
    page.fill("input[name=at_time]", "08:00")
    page.fill("input[name=days]", "7")
    page.click("form[action='/scheduled-reports'] button.primary")
    row = page.locator("#schedules tbody tr", has_text="Monday report")
    expect(row).to_contain_text("7")
    next_run = row.locator("td").nth(5).inner_text()
    row.locator("button", has_text="Отправить сейчас").click()
    expect(page.locator("#sent-notice")).to_contain_text("1")
    assert page.locator("#schedules tbody tr", has_text="Monday report").locator("td").nth(5).inner_text() \
        == next_run, "the scheduled run stays where it was"

    _wait_for(smtp, 2)
    mail_from, rcpt, _ = smtp.inbox.messages[1]
    assert (mail_from, rcpt) == ("helpdesk@example.org", ["boss@example.org"])
    parts = [p for p in smtp.inbox.parsed(1).walk() if p.get_filename()]
    assert len(parts) == 1 and parts[0].get_filename().endswith(".xlsx")
    book = load_workbook(BytesIO(parts[0].get_payload(decode=True)))
    assert "Заявки" in book.sheetnames


def test_my_notifications_is_in_the_phone_menu(browser: Browser, mail_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    page = context.new_page()
    try:
        admin_log_in(page, mail_server)
        page.goto(f"{mail_server.url}/")
        expect(page.locator(".whoami")).to_be_hidden()
        link = page.locator("#nav-my-notifications")
        link.scroll_into_view_if_needed()
        link.click()
        expect(page).to_have_url(re.compile(r"/me/notifications$"))
    finally:
        context.close()
