"""Branch staff and storekeepers through the real aiogram poller and the Bot API emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from helpdesk.db.models import Attachment, AuditEvent, OrderLine, Ticket, User
from tests.bot.harness import BotHarness
from tests.conftest import Org
from tests.support.botapi import BotApiEmulator

BOB, SAM, CARL = 1004, 1002, 1006  # Telegram ids of the personas (tests/conftest.py)


@pytest.fixture
def bot(sqlite_org: Org, emulator: BotApiEmulator, tmp_path: Path) -> Iterator[BotHarness]:
    with BotHarness(emulator, tmp_path / "data") as harness:
        yield harness


def last_message(emu: BotApiEmulator, chat: int, contains: str, timeout: float = 10) -> dict:
    return emu.wait_for_message(chat, contains=contains, timeout=timeout)[-1]["result"]


def wait_edit(emu: BotApiEmulator, chat: int, contains: str, timeout: float = 10) -> dict:
    calls = emu.wait_for(lambda c: c["method"] == "editMessageText" and c["ok"]
                         and str(c["params"].get("chat_id")) == str(chat) and contains in c["params"]["text"], timeout)
    return calls[-1]["result"]


def button(message: dict, starts: str) -> str:
    for row in message["reply_markup"]["inline_keyboard"]:
        for b in row:
            if b["text"].startswith(starts):
                return b["callback_data"]
    raise AssertionError(f"no button {starts!r} in {message['reply_markup']}")


def order_two_toners(emu: BotApiEmulator) -> str:
    emu.user_sends(BOB, "🖨 Заказать картриджи")
    menu = last_message(emu, BOB, "Выберите картридж")
    assert "★ HP 85A" in menu["reply_markup"]["inline_keyboard"][0][0]["text"], "compatible first, marked"
    assert "в наличии: 10" in menu["reply_markup"]["inline_keyboard"][0][0]["text"]
    emu.user_presses(BOB, menu["message_id"], button(menu, "★ HP 85A"))
    wait_edit(emu, BOB, "Сколько «HP 85A»")
    emu.user_sends(BOB, "500")
    emu.wait_for_message(BOB, contains="целое число от 1 до 100")
    emu.user_sends(BOB, "2")
    summary = last_message(emu, BOB, "HP 85A × 2")
    emu.user_presses(BOB, summary["message_id"], button(summary, "➡"))
    ask = wait_edit(emu, BOB, "комментарий для склада")
    emu.user_sends(BOB, "Срочно, принтер стоит")
    confirm = last_message(emu, BOB, "Срочно, принтер стоит")
    emu.user_presses(BOB, confirm["message_id"], button(confirm, "✅"))
    done = wait_edit(emu, BOB, "отправлена на склад")
    assert ask["message_id"] != confirm["message_id"]
    return done["text"].split()[1]


def test_full_cartridge_order_then_staff_ship_and_author_confirms(bot: BotHarness, emulator: BotApiEmulator) -> None:
    number = order_two_toners(emulator)
    ticket = Ticket.get(Ticket.number == number)
    assert (ticket.status, ticket.channel, ticket.description) == ("new", "bot", "Срочно, принтер стоит")
    assert [(line.cartridge.name, line.quantity) for line in OrderLine.select()] == [("HP 85A", 2)]

    assert bot.deliver().sent == 1  # the storekeeper's notice, with buttons
    notice = last_message(emulator, SAM, f"Новая заявка {number}")
    emulator.user_presses(SAM, notice["message_id"], button(notice, "Принять"))
    accepted = wait_edit(emulator, SAM, "Sam: Принять")
    assert "Статус: 📥 Принята" in accepted["text"]
    emulator.user_presses(SAM, accepted["message_id"], button(accepted, "Отгрузить"))
    wait_edit(emulator, SAM, "Sam: Выполнить")
    assert Ticket.get(Ticket.number == number).status == "resolved"

    bot.deliver()  # the author hears of each change
    emulator.wait_for_message(BOB, contains=f"Заявка {number}: Принята")
    shipped = last_message(emulator, BOB, f"Заявка {number}: Выполнена")
    emulator.user_presses(BOB, shipped["message_id"], button(shipped, "Подтвердить получение"))
    wait_edit(emulator, BOB, "Закрыта")
    actions = [e.action for e in AuditEvent.select().where(AuditEvent.ticket == ticket).order_by(AuditEvent.id)]
    assert actions == ["create", "accept", "resolve", "confirm"]
    assert {e.channel for e in AuditEvent.select().where(AuditEvent.ticket == ticket)} == {"bot"}


def test_stale_button_answers_clearly(bot: BotHarness, emulator: BotApiEmulator) -> None:
    number = order_two_toners(emulator)
    bot.deliver()
    notice = last_message(emulator, SAM, f"Новая заявка {number}")
    accept = button(notice, "Принять")
    emulator.user_presses(SAM, notice["message_id"], accept)
    wait_edit(emulator, SAM, "Sam: Принять")
    emulator.user_presses(SAM, notice["message_id"], accept)  # the old button again
    answers = emulator.wait_for(lambda c: c["method"] == "answerCallbackQuery" and "невозможно"
                                in (c["params"].get("text") or ""))
    assert answers[-1]["params"].get("show_alert") in (True, "true", "True")


def test_staff_reject_asks_the_reason(bot: BotHarness, emulator: BotApiEmulator) -> None:
    number = order_two_toners(emulator)
    bot.deliver()
    notice = last_message(emulator, SAM, f"Новая заявка {number}")
    emulator.user_presses(SAM, notice["message_id"], button(notice, "Отклонить"))
    emulator.wait_for_message(SAM, contains=f"Почему заявка {number} отклонена")
    emulator.user_sends(SAM, "Нет на складе до понедельника")
    emulator.wait_for_message(SAM, contains="автор получит уведомление")
    assert Ticket.get(Ticket.number == number).reject_reason == "Нет на складе до понедельника"
    bot.deliver()
    emulator.wait_for_message(BOB, contains="Причина: Нет на складе до понедельника")


def test_repair_with_a_photo(bot: BotHarness, emulator: BotApiEmulator, sqlite_org: Org) -> None:
    emulator.user_sends(BOB, "🔧 Ремонт")
    pick = last_message(emulator, BOB, "О каком принтере речь")
    emulator.user_presses(BOB, pick["message_id"], button(pick, "HP P1102"))
    emulator.wait_for_message(BOB, contains="Опишите проблему")
    emulator.user_sends_photo(BOB, caption="Полосы на печати")
    emulator.wait_for_message(BOB, contains="Приложите фото")
    emulator.user_sends_photo(BOB)
    more = last_message(emulator, BOB, "Приложено: 2")
    emulator.user_presses(BOB, more["message_id"], button(more, "➡"))
    confirm = wait_edit(emulator, BOB, "Полосы на печати")
    emulator.user_presses(BOB, confirm["message_id"], button(confirm, "✅"))
    done = wait_edit(emulator, BOB, "зарегистрирована")
    ticket = Ticket.get(Ticket.number == done["text"].split()[1])
    assert (ticket.type.code, ticket.printer_id, ticket.description) == ("repair", sqlite_org.printer.id,
                                                                         "Полосы на печати")
    files = list(Attachment.select().where(Attachment.ticket == ticket))
    assert len(files) == 2
    stored = bot.settings.uploads_dir / files[0].storage_path
    assert stored.read_bytes().startswith(b"\xff\xd8")


def test_my_requests_and_cancel(bot: BotHarness, emulator: BotApiEmulator) -> None:
    number = order_two_toners(emulator)
    emulator.user_sends(BOB, "/my")
    listing = last_message(emulator, BOB, "Ваши заявки: 1")
    emulator.user_presses(BOB, listing["message_id"], button(listing, "🆕 " + number))
    card = last_message(emulator, BOB, f"Заявка {number}")
    assert "HP 85A × 2" in card["text"] and "Статус: 🆕 Новая" in card["text"]
    emulator.user_presses(BOB, card["message_id"], button(card, "Отменить"))
    wait_edit(emulator, BOB, "Отменена")
    assert Ticket.get(Ticket.number == number).status == "cancelled"


def test_restart_mid_form_resumes(sqlite_org: Org, emulator: BotApiEmulator, tmp_path: Path) -> None:
    with BotHarness(emulator, tmp_path / "data"):
        emulator.user_sends(BOB, "🔧 Ремонт")
        pick = last_message(emulator, BOB, "О каком принтере речь")
        emulator.user_presses(BOB, pick["message_id"], button(pick, "Не про принтер"))
        emulator.wait_for_message(BOB, contains="Опишите проблему")
    with BotHarness(emulator, tmp_path / "data"):  # a new process would see the same database
        emulator.user_sends(BOB, "Не печатает после перезапуска")
        more = last_message(emulator, BOB, "Приложите фото")
        emulator.user_presses(BOB, more["message_id"], button(more, "➡"))
        confirm = wait_edit(emulator, BOB, "Не печатает после перезапуска")
        emulator.user_presses(BOB, confirm["message_id"], button(confirm, "✅"))
        wait_edit(emulator, BOB, "зарегистрирована")
    assert Ticket.select().where(Ticket.description == "Не печатает после перезапуска").count() == 1


def test_redelivered_update_creates_nothing_twice(bot: BotHarness, emulator: BotApiEmulator) -> None:
    order_two_toners(emulator)
    press = [c for c in emulator.calls if c["method"] == "editMessageText" and "отправлена на склад"
             in c["params"]["text"]]
    assert len(press) == 1
    confirm_update = max(emulator._confirmed)  # the last update the poller confirmed: the ✅ press
    emulator.redeliver(confirm_update)
    emulator.user_sends(BOB, "/help")  # something after it, to know the redelivery was consumed
    emulator.wait_for_message(BOB, contains="/cancel")
    assert Ticket.select().count() == 1


def test_429_is_waited_out(bot: BotHarness, emulator: BotApiEmulator) -> None:
    emulator.fail_next("sendMessage", 429, retry_after=1)
    emulator.user_sends(BOB, "/help")
    emulator.wait_for_message(BOB, contains="/cancel", timeout=15)
    failed = [c for c in emulator.calls if c["method"] == "sendMessage" and not c["ok"]]
    assert failed and failed[0]["error"]["parameters"]["retry_after"] == 1


def test_blocked_user_does_not_stop_the_poller(bot: BotHarness, emulator: BotApiEmulator) -> None:
    emulator.block_user(CARL)
    emulator.user_sends(CARL, "/my")
    emulator.wait_for(lambda c: c["method"] == "sendMessage" and not c["ok"] and c["error"]["error_code"] == 403)
    emulator.user_sends(BOB, "/help")
    emulator.wait_for_message(BOB, contains="/cancel")


def test_non_member_can_do_nothing(bot: BotHarness, emulator: BotApiEmulator) -> None:
    emulator.user_sends(9999, "/my", language_code="en")
    emulator.wait_for_message(9999, contains="You have no access yet")
    emulator.user_sends(9999, "🖨 Заказать картриджи")
    emulator.wait_for_message(9999, contains="У вас пока нет доступа")
    assert Ticket.select().count() == 0


def test_english_user(bot: BotHarness, emulator: BotApiEmulator) -> None:
    User.update(language="en").where(User.telegram_id == BOB).execute()
    emulator.user_sends(BOB, "🖨 Order cartridges")
    menu = last_message(emulator, BOB, "Choose a cartridge")
    assert "in stock: 10" in menu["reply_markup"]["inline_keyboard"][0][0]["text"]
    emulator.user_sends(BOB, "/cancel")
    emulator.wait_for_message(BOB, contains="Cancelled. Nothing was sent.")


def test_admin_approves_an_access_request_from_the_buttons(bot: BotHarness, emulator: BotApiEmulator,
                                                           sqlite_org: Org) -> None:
    emulator.user_sends(5555, "/start", first_name="Новенький")
    emulator.wait_for_message(5555, contains="Запрос на доступ отправлен")
    bot.deliver()
    notice = last_message(emulator, 1001, "Новенький просит доступ")  # alice, the admin
    emulator.user_presses(1001, notice["message_id"], button(notice, "✅"))
    picker = emulator.wait_for(lambda c: c["method"] == "editMessageReplyMarkup" and c["ok"])[-1]["result"]
    emulator.user_presses(1001, picker["message_id"], button(picker, "B2 · Branch two"))
    wait_edit(emulator, 1001, "Alice одобрил(а): Branch two")
    user = User.get(User.telegram_id == 5555)
    assert (user.role, user.branch_id) == ("branch", sqlite_org.b2.id)
    bot.deliver()
    emulator.wait_for_message(5555, contains="Доступ к хелпдеску одобрен")


def test_a_branch_user_cannot_decide_access(bot: BotHarness, emulator: BotApiEmulator) -> None:
    from helpdesk.bot.callbacks import AccessDecision
    from helpdesk.core import people

    request = people.request_access(5556, "Someone")
    emulator.user_sends(BOB, "/help")
    help_message = last_message(emulator, BOB, "/cancel")
    emulator.messages[(BOB, help_message["message_id"])]["reply_markup"] = {"inline_keyboard": [[{
        "text": "x", "callback_data": AccessDecision(request_id=request.id, action="reject").pack()}]]}
    emulator.user_presses(BOB, help_message["message_id"], AccessDecision(request_id=request.id,
                                                                          action="reject").pack())
    emulator.wait_for(lambda c: c["method"] == "answerCallbackQuery" and "только администратор"
                      in (c["params"].get("text") or ""))
    assert request.__class__.get_by_id(request.id).status == "pending"


def test_edited_message_gets_a_clear_answer(bot: BotHarness, emulator: BotApiEmulator) -> None:
    sent = emulator.user_sends(BOB, "/help")
    emulator.wait_for_message(BOB, contains="/cancel")
    emulator.user_edits(BOB, sent["message"]["message_id"], "/help please")
    emulator.wait_for_message(BOB, contains="Правки отправленных сообщений не учитываются")


def test_the_order_comment_has_the_domains_limit(bot: BotHarness, emulator: BotApiEmulator) -> None:
    """The bot's forms read the domain's limit: what the panel and API take, the bot takes too."""
    from helpdesk.core.tickets import MAX_TEXT

    emulator.user_sends(BOB, "🖨 Заказать картриджи")
    menu = last_message(emulator, BOB, "Выберите картридж")
    emulator.user_presses(BOB, menu["message_id"], button(menu, "★ HP 85A"))
    wait_edit(emulator, BOB, "Сколько «HP 85A»")
    emulator.user_sends(BOB, "1")
    summary = last_message(emulator, BOB, "HP 85A × 1")
    emulator.user_presses(BOB, summary["message_id"], button(summary, "➡"))
    wait_edit(emulator, BOB, "комментарий для склада")
    emulator.user_sends(BOB, "x" * (MAX_TEXT + 1))
    emulator.wait_for_message(BOB, contains=f"не более {MAX_TEXT} символов")
    emulator.user_sends(BOB, "y" * 1500)  # over the bot's old private limit of 1,000
    confirm = last_message(emulator, BOB, "y" * 100)
    emulator.user_presses(BOB, confirm["message_id"], button(confirm, "✅"))
    wait_edit(emulator, BOB, "отправлена на склад")
    assert Ticket.get().description == "y" * 1500
