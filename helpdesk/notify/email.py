"""Email transport for the outbox (SMTP with STARTTLS, SSL or plain), and the panel's test email.

SMTP failures are told in plain words (wrong password, refused, TLS, timeout): the same words go to
the notification log and to the admin who pressed "send a test email".
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from helpdesk.config import SmtpSettings
from helpdesk.core.errors import N_
from helpdesk.core.outbox import DeliveryError
from helpdesk.db.models import OutboxMessage
from helpdesk.i18n import translate
from helpdesk.notify.email_body import build, domain_of

# Failure kinds: (plain words for people, whether retrying can help)
PROBLEMS = {
    "not_configured": (N_("Email is not set up: enter the SMTP server in Settings → Email."), True),
    "auth": (N_("The server did not accept the login or password."), False),
    "auth_unsupported": (N_("The server does not offer a login on this connection: try STARTTLS or SSL."), True),
    "refused": (N_("The server refused the connection: check the server name and port."), False),
    "unknown_host": (N_("The server name is not known: check it for typos."), False),
    "timeout": (N_("The server did not answer in time: check the name, the port and the firewall."), False),
    "tls": (N_("The secure connection failed: check the security setting (STARTTLS on 587, SSL on 465) and "
               "the server's certificate."), False),
    "no_starttls": (N_("The server does not offer STARTTLS on this port: choose SSL or none."), True),
    "recipient": (N_("The server refused the recipient address."), True),
    "sender": (N_("The server refused the sender address: use an address it lets you send from."), True),
    "closed": (N_("The server closed the connection unexpectedly."), False),
    "other": (N_("The server answered with an error."), False),
}


@dataclass(frozen=True)
class Problem:
    kind: str
    detail: str  # the server's own answer, for the log

    @property
    def permanent(self) -> bool:
        return PROBLEMS[self.kind][1]

    def text(self, lang: str) -> str:
        words = translate(PROBLEMS[self.kind][0], lang)
        return f"{words} ({self.detail})" if self.detail else words


def diagnose(exc: BaseException) -> Problem:
    """What went wrong, from smtplib's or the socket's exception."""
    detail = _detail(exc)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return Problem("auth", detail)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return Problem("no_starttls" if "STARTTLS" in str(exc) else "auth_unsupported", detail)
    if isinstance(exc, smtplib.SMTPException) and "AUTH extension not supported" in str(exc):
        return Problem("auth_unsupported", detail)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return Problem("recipient", detail)
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return Problem("sender", detail)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return Problem("closed", detail)
    if isinstance(exc, ssl.SSLError):
        return Problem("tls", detail)
    if isinstance(exc, socket.gaierror):
        return Problem("unknown_host", detail)
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return Problem("timeout", "")
    if isinstance(exc, ConnectionRefusedError):
        return Problem("refused", "")
    return Problem("other", detail)


def _detail(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {message}".strip()[:300]
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{rcpt}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
                         for rcpt, (code, msg) in exc.recipients.items())[:300]
    return str(exc)[:300]


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


def sender_of(settings: SmtpSettings) -> str:
    return settings.sender or settings.user


def send_mail(settings: SmtpSettings, mail: EmailMessage, timeout: float = 15.0) -> None:
    """One email over a fresh connection; raises smtplib/socket errors (see `diagnose`)."""
    with connect(settings, timeout=timeout) as client:
        client.send_message(mail)


class EmailTransport:
    def __init__(self, settings: SmtpSettings, panel_url: str = "") -> None:
        self._settings = settings
        self._panel_url = panel_url

    def send(self, message: OutboxMessage) -> None:  # no id to keep for email
        if not self._settings.host:
            raise DeliveryError(PROBLEMS["not_configured"][0], permanent=True)
        mail = build(message, sender_of(self._settings), self._panel_url)
        try:
            send_mail(self._settings, mail)
        except (smtplib.SMTPException, OSError) as exc:
            problem = diagnose(exc)
            raise DeliveryError(problem.text("en"), permanent=problem.permanent) from None


@dataclass(frozen=True)
class TestResult:
    ok: bool
    text: str


def send_test(settings: SmtpSettings, to: str, lang: str, timeout: float = 15.0) -> TestResult:
    """Send a short test email now and say in plain words what the server answered."""
    if not settings.host:
        return TestResult(False, translate(PROBLEMS["not_configured"][0], lang))
    mail = EmailMessage()
    mail["From"] = sender_of(settings)
    mail["To"] = to
    mail["Subject"] = translate(N_("Helpdesk: test email"), lang)
    mail["Message-ID"] = make_msgid("test", domain_of(sender_of(settings)))
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(translate(N_("If you read this, the helpdesk can send email through %(host)s."), lang,
                               host=settings.host))
    try:
        send_mail(settings, mail, timeout=timeout)
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        return TestResult(False, diagnose(exc).text(lang))
    return TestResult(True, translate(N_("The server accepted the test email for %(to)s."), lang, to=to))
