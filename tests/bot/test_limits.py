"""Telegram's limits: callback data within 64 bytes, messages within 4096 characters, pacing per chat."""

from __future__ import annotations

from helpdesk.bot.callbacks import (
    AccessDecision,
    MyPage,
    OpenTicket,
    PickCartridge,
    Quantity,
    Step,
    TicketAction,
)
from helpdesk.bot.limits import TelegramLimits
from helpdesk.bot.texts import fit, split_text


def test_callback_data_fits_in_64_bytes_at_its_largest() -> None:
    number = "9999-999999999"
    packed = [
        TicketAction(action="resolve", number=number).pack(), OpenTicket(number=number).pack(),
        PickCartridge(cartridge_id=2**31).pack(), Quantity(value=100).pack(), Step(action="confirm").pack(),
        MyPage(page=99999).pack(), AccessDecision(request_id=2**31, action="branch", branch_id=2**31, page=999).pack(),
    ]
    assert max(len(p.encode()) for p in packed) <= 64, packed


def test_long_texts_are_cut_or_split() -> None:
    text = "\n".join(f"line {i} " + "x" * 90 for i in range(100))
    assert len(fit(text)) <= 4096 and fit(text).endswith("…")
    parts = split_text(text)
    assert all(len(p) <= 4096 for p in parts) and "\n".join(parts) == text
    assert split_text("x" * 5000) == ["x" * 4096, "x" * 904]


def test_a_group_is_paced_at_20_a_minute_a_private_chat_at_one_a_second() -> None:
    limits = TelegramLimits()
    assert limits.chat_slot("1002") == 0 and 0.9 < limits.chat_slot("1002") <= 1.0
    assert limits.chat_slot("-1001234") == 0 and 2.9 < limits.chat_slot("-1001234") <= 3.0
    unpaced = TelegramLimits(per_chat=0)  # tests' and benchmarks' budget: no pacing at all
    assert unpaced.chat_slot("-1001234") == 0 and unpaced.chat_slot("-1001234") == 0
