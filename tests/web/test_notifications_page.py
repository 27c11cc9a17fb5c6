"""The notification log: every message with its state and why it failed; failed ones can be sent again."""

from __future__ import annotations

import datetime as dt

from litestar.testing import TestClient

from helpdesk.core import notify_prefs, outbox, sla, tickets
from helpdesk.core.outbox import DeliveryError
from helpdesk.db.models import AuditEvent, OutboxMessage, User
from helpdesk.notify.email import PROBLEMS
from tests.conftest import Org
from tests.core.test_outbox import Recorder
from tests.web.conftest import csrf_token, login


def _failed_one(org: Org) -> tuple[OutboxMessage, str]:
    ticket = tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Broken"))
    words = PROBLEMS["auth"][0]
    outbox.deliver_due({"telegram": Recorder([DeliveryError(f"{words} (535 bad)", permanent=True)])})
    return OutboxMessage.get(OutboxMessage.ticket == ticket), ticket.number


def test_admin_sees_why_a_message_failed_and_sends_it_again(client: TestClient, sqlite_org: Org) -> None:
    message, number = _failed_one(sqlite_org)
    assert message.status == "failed"
    assert client.get("/healthz").json()["notifications"] == {"failed_last_day": 1}
    login(client, sqlite_org.alice)
    page = client.get("/notifications", params={"status": "failed", "q": number}).text
    assert "Сервер не принял логин или пароль. (535 bad)" in page and "Sam" in page
    assert 'data-status="failed"' in page
    assert 'data-status="failed"' not in client.get("/notifications", params={"q": "nobody-here"}).text
    token = csrf_token(client, "/notifications")
    sent = client.post(f"/notifications/{message.id}/retry", data={"_csrf_token": token}, follow_redirects=False)
    assert sent.status_code == 303
    again = OutboxMessage.get_by_id(message.id)
    assert (again.status, again.attempts) == ("pending", 0)
    assert AuditEvent.get(AuditEvent.action == "outbox_retry").entity_id == str(message.id)
    assert client.get("/healthz").json()["notifications"] == {"failed_last_day": 0}
    refused = client.post(f"/notifications/{message.id}/retry", data={"_csrf_token": token})
    assert "Повторно отправить можно только" in refused.text, "a queued one is not sent twice"


def test_the_log_is_for_admins(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.sam)
    assert client.get("/notifications").status_code == 403


def test_everyone_steers_their_own_notifications(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.sam)
    page = client.get("/me/notifications").text
    assert "Новые заявки для моего склада" in page and "Telegram: подключён." in page
    token = csrf_token(client, "/me/notifications")
    saved = client.post("/me/notifications", data={"new_request": "email", "comment": "off", "quiet_hours": "on",
                                                   "_csrf_token": token}, follow_redirects=False)
    assert saved.status_code == 303
    prefs = notify_prefs.of(User.get_by_id(sqlite_org.sam.id))
    assert prefs.channel("new_request") == "email" and prefs.channel("comment") == "off" and prefs.quiet_hours
    refused = client.post("/me/notifications", data={"new_request": "pigeon", "_csrf_token": token})
    assert refused.status_code == 422 and "Выберите канал из списка." in refused.text


def test_request_page_shows_the_reminders_sent_to_staff(client: TestClient, sqlite_org: Org) -> None:
    ticket = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Broken"))
    sla.sweep(now=ticket.accept_due_at + dt.timedelta(minutes=1))
    login(client, sqlite_org.sam)
    page = client.get(f"/requests/{ticket.number}").text
    assert 'id="sla-reminders"' in page and "Срок принятия прошёл: кладовщикам напомнено" in page
    login(client, sqlite_org.bob)
    assert 'id="sla-reminders"' not in client.get(f"/requests/{ticket.number}").text, "staff business"
