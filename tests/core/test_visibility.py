"""Row-level permissions: a branch sees its own requests, a storekeeper its warehouse's, an admin all."""

from __future__ import annotations

import pytest

from helpdesk.core import history, tickets
from helpdesk.core.errors import Forbidden, NotFound
from helpdesk.core.visibility import get_visible
from tests.conftest import Org


def _make(org: Org) -> dict[str, str]:
    made = {}
    for persona in ("bob", "carl", "dan"):
        t = tickets.create(org.actor(persona), tickets.TicketDraft("it_help", description=f"{persona} needs help"))
        made[persona] = t.number
    return made


def _visible(org: Org, persona: str) -> set[str]:
    page = tickets.search(org.actor(persona), tickets.TicketFilter(per_page=100))
    return {t.number for t in page.items}


def test_each_role_sees_its_rows(org: Org) -> None:
    made = _make(org)
    assert _visible(org, "alice") == set(made.values())
    assert _visible(org, "sam") == {made["bob"], made["carl"]}  # W1 serves B1 and B2
    assert _visible(org, "sue") == {made["dan"]}
    assert _visible(org, "bob") == {made["bob"]}
    assert _visible(org, "bea") == {made["bob"]}  # same branch as bob
    assert _visible(org, "carl") == {made["carl"]}


def test_other_branch_request_is_forbidden_and_a_missing_one_not_found(org: Org) -> None:
    made = _make(org)
    with pytest.raises(Forbidden):
        get_visible(org.actor("bob"), made["carl"])
    with pytest.raises(Forbidden):
        get_visible(org.actor("sue"), made["bob"])
    with pytest.raises(NotFound):
        get_visible(org.actor("alice"), "2001-000001")
    assert get_visible(org.actor("sam"), made["carl"]).number == made["carl"]


def test_branch_user_cannot_create_for_another_branch(org: Org) -> None:
    with pytest.raises(Forbidden):
        tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="x" * 10, branch_id=org.b2.id))


def test_internal_notes_hidden_from_branch(org: Org) -> None:
    made = _make(org)
    ticket = get_visible(org.actor("sam"), made["bob"])
    tickets.add_comment(org.actor("sam"), ticket, "Customer is difficult", internal=True)
    tickets.add_comment(org.actor("sam"), ticket, "We are on it")
    assert [c.body for c in history.comments(org.actor("bob"), ticket)] == ["We are on it"]
    assert len(history.comments(org.actor("alice"), ticket)) == 2
    with pytest.raises(Forbidden):
        tickets.add_comment(org.actor("bob"), ticket, "sneaky", internal=True)


def test_filters(org: Org) -> None:
    _make(org)
    tickets.create(org.actor("bob"), tickets.TicketDraft("cartridges", lines=[(org.toner.id, 3)]))
    admin = org.actor("alice")
    assert tickets.search(admin, tickets.TicketFilter(type_code="cartridges")).total == 1
    assert tickets.search(admin, tickets.TicketFilter(branch_id=org.b1.id)).total == 2
    assert tickets.search(admin, tickets.TicketFilter(text="dan needs")).total == 1
    assert tickets.search(admin, tickets.TicketFilter(statuses=("accepted",))).total == 0
    page = tickets.search(admin, tickets.TicketFilter(per_page=2, page=2))
    assert (page.total, len(page.items), page.pages) == (4, 2, 2)
