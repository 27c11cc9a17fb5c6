"""As a new admin and a storekeeper would use the panel, in headless Chromium."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.conftest import ADMIN_PASSWORD, LiveServer, admin_log_in, log_in, shot


def test_first_login_changes_the_password(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login?next=/")
    shot(page, "login")
    log_in(page, live_server, "admin", "wrong password")
    expect(page.locator(".alert.error")).to_contain_text("Неверный логин или пароль")
    log_in(page, live_server, "admin", live_server.admin_password)
    expect(page).to_have_url(f"{live_server.url}/password")
    expect(page.locator("h1")).to_have_text("Смена пароля")
    page.fill("input[name=new_password]", ADMIN_PASSWORD)
    page.fill("input[name=repeat_password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text("Главная")
    shot(page, "dashboard-admin")


def test_storekeeper_works_a_request_through_its_lifecycle(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server, "anna", "demo-password")  # a branch user creates a request
    page.goto(f"{live_server.url}/requests/new")
    page.select_option("select[name=type]", "repair")
    page.fill("textarea[name=description]", "Принтер в приёмной печатает полосами")
    shot(page, "new-request")
    page.click("button.primary")
    expect(page.locator("h1")).to_contain_text("Заявка")
    number = page.locator("h1").inner_text().split()[1]
    page.click("form[action='/logout'] button")

    log_in(page, live_server, "store", "demo-password")
    page.goto(f"{live_server.url}/requests")
    page.fill("input[name=q]", "полосами")
    page.click(".filter-buttons button")
    expect(page.locator("#requests tbody tr")).to_have_count(1)
    shot(page, "requests-list")
    page.click(f"text={number}")
    page.click("button[data-action=accept]")
    expect(page.locator("h1 .badge")).to_have_text("Принята")
    page.click("button[data-action=start]")
    page.fill("textarea[name=body]", "Заменили фотобарабан")
    page.click("text=Добавить комментарий")
    expect(page.locator(".comment")).to_contain_text("Заменили фотобарабан")
    page.click("button[data-action=resolve]")
    expect(page.locator("h1 .badge")).to_have_text("Выполнена")
    shot(page, "request-page")


def test_export_opens_in_excel_format(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    log_in(page, live_server, "store", "demo-password")
    page.goto(f"{live_server.url}/requests")
    with page.expect_download() as info:
        page.click("text=Выгрузить в Excel")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    sheet = load_workbook(BytesIO(path.read_bytes()))["Заявки"]  # after the cover sheet
    assert sheet["A1"].value == "Номер" and sheet.max_row > 1
    shown = page.locator("#requests tbody tr").count()
    assert sheet.max_row - 1 >= shown


def test_english_and_a_phone_screen(browser, live_server: LiveServer) -> None:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    log_in(page, live_server, "store", "demo-password")
    page.click("button[value=en]")
    expect(page.locator("h1")).to_have_text("Dashboard")
    shot(page, "dashboard-phone-en")
    page.goto(f"{live_server.url}/requests")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, "no sideways scrolling of the whole page on a phone"
    context.close()


def test_admin_approves_an_access_request(page: Page, live_server: LiveServer) -> None:
    import subprocess
    import sys

    # Someone wrote to the bot without an invite (the domain call the bot makes).
    code = ("from helpdesk.db.database import init_database; from helpdesk.core import people; "
            f"init_database('sqlite:///{live_server.data_dir}/helpdesk.db', migrate=False); "
            "people.request_access(31337, 'Павел Новиков', 'pavel')")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}/org/access")
    row = page.locator(".access-row", has_text="Павел Новиков")
    expect(row).to_be_visible()
    shot(page, "access-requests")
    row.locator("select[name=branch]").select_option(label="MSK-02 · Москва, Арбат")
    row.locator("button[value=approve]").click()
    expect(page.locator(".access-row")).to_have_count(0)
    page.goto(f"{live_server.url}/org/users")
    expect(page.locator("#users")).to_contain_text("Павел Новиков")
    shot(page, "users")


def test_admin_settings_and_a_tablet_dashboard(browser, page: Page, live_server: LiveServer) -> None:  # noqa: ANN001
    admin_log_in(page, live_server)
    page.click("nav.mainnav >> text=Настройки")
    expect(page.locator("h1")).to_have_text("Настройки")
    expect(page.locator("#bot-state")).to_contain_text("выключен")
    page.fill("input[name=org_name]", "ООО «Северный ветер»")
    page.fill("input[name=timezone]", "Asia/Yekaterinburg")
    page.click("#general button.primary")
    expect(page.locator(".alert.ok")).to_have_text("Сохранено.")
    expect(page.locator("input[name=timezone]")).to_have_value("Asia/Yekaterinburg")
    page.fill("input[name=bot_token]", "not a token")
    page.click("#bot button[value=save]")
    expect(page.locator("#bot .field-error")).to_contain_text("не похоже на токен")
    shot(page, "settings")

    tablet = browser.new_context(viewport={"width": 820, "height": 1180}, is_mobile=True)
    tab = tablet.new_page()
    log_in(tab, live_server, "store", "demo-password")
    expect(tab.locator("svg.chart").first).to_be_visible()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 830
    shot(tab, "dashboard-tablet")
    tablet.close()


def test_admin_imports_branches_from_a_csv(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    csv_file = tmp_path / "филиалы.csv"
    rows = ["Код;Название;Адрес;Код склада"] + [f"NSK-{n:02d};Новосибирск, офис {n};ул. Ленина, {n};WH-MSK"
                                               for n in range(1, 31)]
    rows.append("BAD-01;;;NOWHERE")
    csv_file.write_bytes("\n".join(rows).encode("cp1251"))  # as Russian Excel saves it
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}/org/branches")
    page.click("nav.tabs >> text=Импорт")
    page.select_option("select[name=kind]", "branches")
    page.set_input_files("input[name=file]", str(csv_file))
    page.click("button.primary")
    expect(page.locator("#import-rows")).to_contain_text("Неизвестный склад NOWHERE")  # errors are shown first
    expect(page.locator("#import-counts")).to_contain_text("30")
    expect(page.locator("#import-confirm")).to_have_count(0)  # an error row blocks the import
    shot(page, "import-preview")
    rows.pop()
    csv_file.write_bytes("\n".join(rows).encode("cp1251"))
    page.goto(f"{live_server.url}/import")
    page.select_option("select[name=kind]", "branches")
    page.set_input_files("input[name=file]", str(csv_file))
    page.click("button.primary")
    page.click("#import-confirm")
    expect(page.locator("#import-done")).to_contain_text("30")
    page.goto(f"{live_server.url}/org/branches")
    expect(page.locator("body")).to_contain_text("Новосибирск, офис 30")


def test_new_request_shows_quantities_only_for_cartridges_and_cancel_asks(page: Page,
                                                                           live_server: LiveServer) -> None:
    log_in(page, live_server, "anna", "demo-password")
    page.goto(f"{live_server.url}/requests/new")
    lines = page.locator("fieldset[data-for-kind=cartridges]")
    page.select_option("select[name=type]", "repair")
    expect(lines).to_be_hidden()
    page.select_option("select[name=type]", "cartridges")
    expect(lines).to_be_visible()
    page.select_option("select[name=type]", "repair")
    page.fill("textarea[name=description]", "Не включается")
    page.click("button.primary")
    expect(page.locator("h1 .badge")).to_have_text("Новая")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("button[data-action=cancel]")
    expect(page.locator("h1 .badge")).to_have_text("Новая")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[data-action=cancel]")
    expect(page.locator("h1 .badge")).to_have_text("Отменена")


def test_back_up_now_from_the_panel(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    admin_log_in(page, live_server)
    page.goto(f"{live_server.url}/backups")
    before = page.locator("tr[data-backup]").count()
    page.click("#back-up-now")
    # The page follows the run (it reloads itself while one is in progress) until the file is listed.
    expect(page.locator("tr[data-backup]")).to_have_count(before + 1, timeout=30_000)
    expect(page.locator("#back-up-now")).to_be_visible()
    shot(page, "backups")
    with page.expect_download() as download:
        page.locator("tr[data-backup] a").first.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("helpdesk-backup-") and saved.stat().st_size > 1000
    assert (live_server.data_dir / "backups" / saved.name).read_bytes() == saved.read_bytes()
