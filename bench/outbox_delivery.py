"""Outbox delivery: notices per second to the Bot API emulator and to a real SMTP server (aiosmtpd).

    python bench/outbox_delivery.py [--messages 500] [--chats 50] [--emails 200]
    python bench/outbox_delivery.py --busy-chat [--keeper 200 --others 50]

`--busy-chat`: one storekeeper with `--keeper` request notices due at once (a bulk import, an SLA sweep)
and one notice for each of `--others` other chats, through the Telegram transport under Telegram's limits
to the emulator: seconds until the last of the other chats has its notice and until all are delivered,
messages sent, CPU seconds of the process. Run it on main and on a branch to compare (it measures
whatever `deliver_due` the imported helpdesk has).

`loop thread` is the transport helpdesk uses (one event loop and one kept-alive session in a thread of
its own, fed by the synchronous queue worker); `asyncio.run per notice` is the alternative it was chosen
over (a fresh session per notice). Both without rate limits, to show the client's own cost; then the
transport under Telegram's limits (30 a second overall), one notice per chat. Figures include the
outbox's database work (claim and finish per notice, SQLite). The anchor is the bare tool in the same
run: sendMessage posted with one kept-alive httpx client.

Email: the outbox's EmailTransport (HTML + text body with the request's card, one SMTP session per
notice) to aiosmtpd on loopback, plain and with STARTTLS + AUTH; the anchor is smtplib sending the same
number of small prebuilt messages, one session each, with the same security.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import smtplib
import ssl
import tempfile
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import httpx
from _common import fresh_database

from helpdesk.bot import client, notices
from helpdesk.bot.limits import TelegramLimits
from helpdesk.bot.transport import TelegramTransport
from helpdesk.config import SmtpSettings
from helpdesk.core import outbox, tickets
from helpdesk.core.actors import Actor
from helpdesk.core.outbox import Transport
from helpdesk.db.models import OutboxMessage, User
from helpdesk.notify.email import EmailTransport
from tests.support.botapi import BotApiEmulator
from tests.support.smtp import PASSWORD, USER, SmtpServer

UNLIMITED = TelegramLimits(per_second=10**6, per_chat=0)


class PerNoticeTransport:
    """The road not taken: asyncio.run and a new session for every notice."""

    def __init__(self, token: str, api_url: str) -> None:
        self.token, self.api_url = token, api_url

    def send(self, message: OutboxMessage) -> str | None:
        parts, buttons = notices.compose(message)

        async def once() -> str | None:
            bot = client.build_bot(self.token, self.api_url, limits=UNLIMITED)
            try:
                return await notices.send(bot, message.address, parts, buttons)
            finally:
                await bot.session.close()

        return asyncio.run(once())

    def close(self) -> None:
        pass


def run(messages: int, chats: int, make: Callable[[BotApiEmulator], Transport]) -> float:
    _, cleanup = fresh_database("sqlite")
    users = [User.create(display_name=f"U{c}", role="admin", telegram_id=800_000 + c) for c in range(chats)]
    for i in range(messages):
        user = users[i % chats]
        OutboxMessage.create(channel="telegram", kind="access_approved", user=user, address=str(user.telegram_id),
                             payload={})
    with BotApiEmulator() as emulator:
        transport = make(emulator)
        transport.send(OutboxMessage.get())  # warm-up (aiogram's first request), not counted
        OutboxMessage.update(status="sent").where(OutboxMessage.id == OutboxMessage.get().id).execute()
        started = time.perf_counter()
        sent = 1
        while sent < messages:
            sent += outbox.deliver_due({"telegram": transport}).sent
        elapsed = time.perf_counter() - started
        transport.close()  # type: ignore[attr-defined]
    cleanup()
    return (messages - 1) / elapsed


def bare_http(messages: int, chats: int) -> float:
    """The anchor: sendMessage posted straight to the emulator, one kept-alive client."""
    with BotApiEmulator() as emulator, httpx.Client(base_url=f"{emulator.base_url}/bot{emulator.token}") as http:
        http.post("/sendMessage", json={"chat_id": 800_000, "text": "warm-up"})
        started = time.perf_counter()
        for i in range(messages - 1):
            http.post("/sendMessage", json={"chat_id": 800_000 + i % chats, "text": "Your access is approved"})
        return (messages - 1) / (time.perf_counter() - started)


def run_email(count: int, secure: bool, settings: Callable[[SmtpServer], SmtpSettings]) -> float:
    """Request notices by email through the outbox (one request, `count` staff with email only)."""
    _, cleanup = fresh_database("sqlite")
    author = User.get(User.role == "branch")
    keepers = [User.create(display_name=f"Keeper {i}", role="admin", email=f"k{i}@example.org")
               for i in range(count + 1)]
    ticket = tickets.create(Actor(author, "web"), tickets.TicketDraft("repair", description="Принтер <HP> не печатает"))
    OutboxMessage.delete().execute()
    for user in keepers:
        OutboxMessage.create(channel="email", kind="ticket_created", user=user, ticket=ticket, address=user.email,
                             payload={"number": ticket.number})
    with tempfile.TemporaryDirectory() as folder:
        server = SmtpServer(Path(folder), secure).start()
        os.environ["SSL_CERT_FILE"] = str(server.cert)
        transport = EmailTransport(settings(server), panel_url="http://helpdesk.lan:8080")
        try:
            outbox.deliver_due({"email": transport}, limit=1)  # warm-up (templates, TLS context), not counted
            started = time.perf_counter()
            sent = 0
            while sent < count:
                sent += outbox.deliver_due({"email": transport}).sent
            rate = count / (time.perf_counter() - started)
            assert len(server.inbox.messages) == count + 1
        finally:
            server.stop()
    cleanup()
    return rate


def bare_smtp(count: int, secure: bool) -> float:
    """The anchor: smtplib alone, one session per message (as the transport), same security."""
    with tempfile.TemporaryDirectory() as folder:
        server = SmtpServer(Path(folder), secure).start()
        os.environ["SSL_CERT_FILE"] = str(server.cert)
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = "hd@example.org", "k@example.org", "New request"
        mail.set_content("New request 2026-000001")
        try:
            started = time.perf_counter()
            for _ in range(count):
                with smtplib.SMTP("127.0.0.1", server.port, timeout=15) as client:
                    if secure:
                        client.starttls(context=ssl.create_default_context())
                        client.login(USER, PASSWORD)
                    client.send_message(mail)
            return count / (time.perf_counter() - started)
        finally:
            server.stop()


def busy_chat(keeper: int, others: int) -> None:
    """One storekeeper's `keeper` notices first in the outbox, then one for each of `others` chats."""
    _, cleanup = fresh_database("sqlite")
    sam = User.get(User.username == "sam")
    author = User.get(User.username == "bob")
    made = [tickets.create(Actor(author, "web"), tickets.TicketDraft("repair", description=f"Принтер {i} не печатает"))
            for i in range(keeper)]
    OutboxMessage.delete().execute()
    for ticket in made:
        OutboxMessage.create(channel="telegram", kind="ticket_created", user=sam, ticket=ticket,
                             address=str(sam.telegram_id), payload={"number": ticket.number})
    chats = [User.create(display_name=f"K{c}", role="admin", telegram_id=900_000 + c) for c in range(others)]
    for user, ticket in zip(chats, made, strict=False):
        OutboxMessage.create(channel="telegram", kind="status_changed", user=user, ticket=ticket,
                             address=str(user.telegram_id), payload={"number": ticket.number, "status": "in_work"})
    with BotApiEmulator() as emulator:
        transport = TelegramTransport(emulator.token, emulator.base_url, limits=TelegramLimits())
        transport.send(OutboxMessage.get(OutboxMessage.user == chats[0].id))  # warm-up, not counted
        emulator.calls.clear()
        cpu, started = time.process_time(), time.monotonic()  # the emulator notes calls by this clock
        while OutboxMessage.select().where(OutboxMessage.status != "sent").exists():
            outbox.deliver_due({"telegram": transport})
        elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
        sent = [call for call in emulator.sent(method="sendMessage") if call["ok"]]
        last_other = max(call["at"] for call in sent if int(call["chat_id"]) != sam.telegram_id) - started
        to_keeper = sum(int(call["chat_id"]) == sam.telegram_id for call in sent)
        transport.close()
    cleanup()
    print(f"busy chat: {keeper} notices for one storekeeper + 1 for each of {others} other chats, Telegram's limits")
    print(f"  last of the other chats {last_other:6.1f} s   all delivered {elapsed:6.1f} s   "
          f"messages {len(sent)} ({to_keeper} to the storekeeper)   CPU {cpu:.2f} s   load {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--emails", type=int, default=200)
    parser.add_argument("--busy-chat", action="store_true", help="only the one-busy-storekeeper scenario")
    parser.add_argument("--keeper", type=int, default=200)
    parser.add_argument("--others", type=int, default=50)
    args = parser.parse_args()
    if args.busy_chat:
        busy_chat(args.keeper, args.others)
        return
    print(f"outbox delivery to the Bot API emulator ({args.messages} notices to {args.chats} chats)")
    anchor = bare_http(args.messages, args.chats)
    print(f"  anchor: bare httpx sendMessage     {anchor:7.1f} messages/s")
    rate = run(args.messages, args.chats, lambda e: TelegramTransport(e.token, e.base_url, limits=UNLIMITED))
    print(f"  loop thread, no limits            {rate:7.1f} notices/s  (ratio to anchor {anchor / rate:4.1f})")
    rate = run(args.messages, args.chats, lambda e: PerNoticeTransport(e.token, e.base_url))
    print(f"  asyncio.run per notice, no limits {rate:7.1f} notices/s")
    count = 150
    rate = run(count, count, lambda e: TelegramTransport(e.token, e.base_url, limits=TelegramLimits()))
    print(f"  loop thread, Telegram's limits    {rate:7.1f} notices/s ({count} chats, one notice each)")
    print(f"outbox delivery by email to aiosmtpd on loopback ({args.emails} notices, one SMTP session each)")
    for label, secure in (("no TLS, no login", False), ("STARTTLS + AUTH", True)):
        anchor = bare_smtp(args.emails, secure)
        rate = run_email(args.emails, secure, lambda server, secure=secure: SmtpSettings(
            host="127.0.0.1", port=server.port, user=USER if secure else "", password=PASSWORD if secure else "",
            security="starttls" if secure else "none", sender="hd@example.org"))
        print(f"  {label:17} bare smtplib {anchor:6.1f}/s   outbox {rate:6.1f} notices/s  "
              f"(ratio {anchor / rate:4.1f})")


if __name__ == "__main__":
    main()
