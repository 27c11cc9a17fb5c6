"""Telegram's limits: callback data within 64 bytes, messages within 4096 characters."""

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
