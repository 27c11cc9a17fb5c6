"""Idempotency keys: per author, per channel, the same answer on replay, a refusal for another body."""

from __future__ import annotations

import pytest

from helpdesk.core import tickets
from helpdesk.core.errors import ValidationError
from helpdesk.db.models import Comment, Ticket
from tests.conftest import Org


def _draft(key: str, description: str = "Printer jams") -> tickets.TicketDraft:
    return tickets.TicketDraft("repair", description=description, client_key=key)


def test_a_replay_returns_the_first_request(org: Org) -> None:
    first = tickets.create(org.actor("bob", "api"), _draft("k-1"))
    again = tickets.create(org.actor("bob", "api"), _draft("k-1"))
    assert again.id == first.id and Ticket.select().count() == 1
    assert first.client_key == "api:k-1"


def test_another_users_equal_key_makes_its_own_request(org: Org) -> None:
    mine = tickets.create(org.actor("bob", "api"), _draft("same"))
    theirs = tickets.create(org.actor("bea", "api"), _draft("same"))
    assert mine.id != theirs.id and theirs.author_id == org.bea.id


def test_a_bot_update_key_cannot_be_claimed_from_another_channel(org: Org) -> None:
    # Someone who guesses the next update id sends it as a form key, from their own or any account:
    claimed = tickets.create(org.actor("bea", "web"), _draft("tg:1001"))
    also = tickets.create(org.actor("bob", "web"), _draft("tg:1001"))
    # ... and the real bot submissions still go through, each their own request.
    from_bot = tickets.create(org.actor("bob", "bot"), _draft("tg:1001", "Paper stuck in tray 2"))
    assert len({claimed.id, also.id, from_bot.id}) == 3
    assert from_bot.description == "Paper stuck in tray 2" and from_bot.client_key == "bot:tg:1001"


def test_the_same_key_with_another_body_is_refused(org: Org) -> None:
    tickets.create(org.actor("bob", "api"), _draft("k-2"))
    with pytest.raises(ValidationError, match="idempotency key") as refused:
        tickets.create(org.actor("bob", "api"), _draft("k-2", "Another problem"))
    assert refused.value.field == "client_key"
    with pytest.raises(ValidationError, match="too long"):
        tickets.create(org.actor("bob", "api"), _draft("k" * 65))


def test_a_comment_replay_returns_the_first_comment(org: Org) -> None:
    ticket = tickets.create(org.actor("bob"), _draft(""))
    first = tickets.add_comment(org.actor("bob", "api"), ticket, "Any news?", client_key="c-1")
    again = tickets.add_comment(org.actor("bob", "api"), ticket, "Any news?", client_key="c-1")
    assert again.id == first.id and Comment.select().count() == 1
    with pytest.raises(ValidationError, match="idempotency key"):
        tickets.add_comment(org.actor("bob", "api"), ticket, "Something else", client_key="c-1")
    other = tickets.add_comment(org.actor("alice", "api"), ticket, "Any news?", client_key="c-1")
    assert other.id != first.id
