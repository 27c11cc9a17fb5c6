"""Email transport for the outbox (SMTP with STARTTLS, SSL or plain)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from helpdesk.config import SmtpSettings
from helpdesk.core.outbox import DeliveryError
from helpdesk.db.models import OutboxMessage
from helpdesk.notify.messages import render


def connect(settings: SmtpSettings, timeout: float = 15.0) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if settings.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        if settings.security == "starttls":
            client.starttls(context=context)
    if settings.user:
        client.login(settings.user, settings.password)
    return client


class EmailTransport:
    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    def send(self, message: OutboxMessage) -> None:  # no id to keep for email
        if not self._settings.host:
            raise DeliveryError("SMTP is not configured", permanent=True)
        subject, body = render(message)
        mail = EmailMessage()
        mail["From"] = self._settings.sender or self._settings.user
        mail["To"] = message.address
        mail["Subject"] = subject
        mail.set_content(body)
        try:
            with connect(self._settings) as client:
                client.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"recipient refused: {exc}", permanent=True) from None
        except smtplib.SMTPAuthenticationError:
            raise DeliveryError("SMTP login failed", permanent=False) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP error: {type(exc).__name__}") from None
