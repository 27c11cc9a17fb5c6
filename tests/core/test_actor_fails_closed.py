"""An actor without a user is nobody: every check refuses. Only Actor.system() acts as the program."""

from __future__ import annotations

import pytest

from helpdesk.core import audit, lifecycle, people, stock, tickets, user_admin
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.errors import Forbidden
from helpdesk.core.visibility import can_see, get_visible, scope, staff_members, visible_branches
from helpdesk.db.models import Ticket
from tests.conftest import Org


def test_an_actor_without_user_may_do_nothing(org: Org) -> None:
    ticket = tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Broken chair"))
    for nobody in (Actor(None), Actor(None, "cli"), Actor(None, "system")):
        assert nobody.role == "nobody" and not nobody.is_admin and not nobody.is_staff
        assert scope(Ticket.select(), nobody).count() == 0
        assert not can_see(nobody, ticket)
        assert lifecycle.allowed_actions(nobody, ticket) == []
        assert visible_branches(nobody) == [] and staff_members(nobody) == []
        with pytest.raises(Forbidden):
            require_admin(nobody)
        with pytest.raises(Forbidden):
            get_visible(nobody, ticket.number)
        with pytest.raises(Forbidden):
            lifecycle.transition(nobody, ticket, "accept")
        with pytest.raises(Forbidden):
            tickets.create(nobody, tickets.TicketDraft("repair", description="Broken chair", branch_id=org.b1.id))
        with pytest.raises(Forbidden):
            people.create_user(nobody, "Mallory", "admin")
        with pytest.raises(Forbidden):
            user_admin.users(nobody)
        with pytest.raises(Forbidden):
            stock.levels(nobody)
        with pytest.raises(Forbidden):
            audit.search(nobody)
    assert Ticket.get_by_id(ticket.id).status == "new"


def test_the_system_is_explicit(org: Org) -> None:
    system = Actor.system("cli")
    assert system.role == "system" and system.is_admin and system.channel == "cli"
    require_admin(system)
    assert people.create_user(system, "Made by the CLI", "admin").role == "admin"
    with pytest.raises(ValueError):
        Actor.system("web")  # a web request is never the program itself
