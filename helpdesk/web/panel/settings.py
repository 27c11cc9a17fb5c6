"""Settings (admins): organisation, the Telegram bot, SLA, the business calendar and the archive policy.

Saving a bot token takes effect at once: the poller restarts in the background with the new token.
The token is write-only here: the page says whether one is set, never what it is.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpdesk.config import PANEL_SETTINGS
from helpdesk.core import archive_policy, email_settings, org_settings
from helpdesk.core.actors import require_admin
from helpdesk.core.errors import N_, DomainError, ValidationError
from helpdesk.core.fields import parse_int
from helpdesk.i18n import LANGUAGES, get_language, gettext
from helpdesk.notify.email import send_test
from helpdesk.web.panel.forms import recall, refuse, web_actor
from helpdesk.web.panel.session import Form
from helpdesk.web.services import TokenCheck, reload_settings, services_of

WEEKDAYS = range(1, 8)
# config.SOURCES as the settings page names them
SOURCE_LABELS = {"panel": N_("saved here"), "flag": N_("a command-line flag"), "environment": N_("the environment"),
                 "file": N_("the data folder's settings file"), ".env": N_("the .env file"), "default": N_("the default")}


def _context(request: Request, **extra: Any) -> dict[str, Any]:
    services = services_of(request)
    settings = services.settings
    calendar = org_settings.calendar_row()
    context: dict[str, Any] = {
        "general": org_settings.general(),
        "languages": LANGUAGES,
        "timezones": org_settings.timezones(),
        "bot": services.bot_state(),
        # Where each value the panel can also save comes from: panel, flag, environment, .env, default.
        "sources": {name: settings.source(name) for name in PANEL_SETTINGS}, "source_labels": SOURCE_LABELS,
        "server_lang": (services.base_settings or settings).lang,
        "token_source": "" if not settings.bot_token else settings.source("bot_token"),
        "bot_id": settings.bot_token.split(":")[0] if settings.bot_token else "",
        "sla": org_settings.sla_rows(),
        "calendar": calendar,
        "work_days": {parse_int(d) for d in calendar.work_days.split(",")},
        "weekdays": WEEKDAYS,
        "holidays": org_settings.holidays(), "this_year": dt.date.today().year,
        "archive_policy": archive_policy.current(),
        "settings": settings,
        "smtp_saved": email_settings.saved_plain(), "smtp_password_saved": email_settings.has_saved_password(),
        "smtp_securities": email_settings.SECURITIES,
        "errors": {}, "values": {}, "notice": request.query_params.get("saved"),
    }
    context.update(extra)
    return context


def _page(request: Request, status_code: int = 200, **extra: Any) -> Template:
    return Template("settings.html", context=_context(request, **extra), status_code=status_code)


def _save(request: Request, data: Form, section: str, save: Callable[[], object]) -> Template | Redirect:
    """Run a domain save; its error goes back next to the field, success back to the section."""
    try:
        save()
    except DomainError as exc:
        return refuse(request, exc, dict(data), to=f"/settings#{section}")
    return Redirect(f"/settings?saved={section}#{section}", status_code=303)


class SettingsPage(Controller):
    path = "/settings"

    @get("/", sync_to_thread=True)
    def show(self, request: Request) -> Template:
        if back := recall(request):
            return _page(request, back.status, errors=back.errors, values=back.values)
        return _page(request)

    @post("/general")
    async def save_general(self, request: Request, data: Form) -> Template | Redirect:
        """Async: a new default language must reach the running app (see web.services.reload_settings)."""
        actor = web_actor(request)
        try:
            await asyncio.to_thread(org_settings.save_general, actor, str(data.get("org_name", "")),
                                           str(data.get("language", "")), str(data.get("timezone", "")))
        except DomainError as exc:
            return refuse(request, exc, dict(data), to="/settings#general")
        await reload_settings(request.app)
        return Redirect("/settings?saved=general#general", status_code=303)

    @post("/bot")
    async def bot(self, request: Request, data: Form) -> Template | Redirect:
        """One form, three buttons: save (and restart the poller), check with getMe, forget."""
        actor = web_actor(request)
        action = str(data.get("action", "save"))
        token = str(data.get("bot_token", "")).strip()
        services = services_of(request)
        if action == "check":
            result = await _check_token(request, token or services.settings.bot_token)
            # A failed check keeps what was just typed, to correct it; a saved token is never shown.
            kept = {"bot_token": token} if not result["ok"] else {}
            return await asyncio.to_thread(lambda: _page(request, bot_check=result, values=kept))
        try:
            key = services.settings.secret_key
            await asyncio.to_thread(org_settings.save_bot_token, actor, key,
                                           "" if action == "clear" else token)
        except DomainError as exc:
            return refuse(request, exc, {"bot_token": token}, to="/settings#bot")
        await reload_settings(request.app)
        return Redirect("/settings?saved=bot#bot", status_code=303)

    @post("/email")
    async def email(self, request: Request, data: Form) -> Template | Redirect:
        """Save the SMTP settings (they apply at once), or send a test email with those in effect."""
        actor = web_actor(request)
        services = services_of(request)
        if str(data.get("action", "save")) == "test":
            to = str(data.get("test_to", "")).strip()
            try:
                require_admin(actor)
                to = email_settings.check_address(to, "test_to")
                if not to:
                    raise ValidationError(N_("Enter the address to send the test email to."), field="test_to")
            except DomainError as exc:
                return refuse(request, exc, {"test_to": to}, to="/settings#email")
            result = await asyncio.to_thread(send_test, services.settings.smtp, to, get_language())
            return await asyncio.to_thread(lambda: _page(request, email_check=result, values={"test_to": to}))
        form = email_settings.SmtpForm(
            host=str(data.get("smtp_host", "")), port=str(data.get("smtp_port", "")),
            security=str(data.get("smtp_security", "")), user=str(data.get("smtp_user", "")),
            sender=str(data.get("smtp_from", "")), password=str(data.get("smtp_password", "")),
            forget_password=data.get("forget_password") == "on")
        try:
            await asyncio.to_thread(email_settings.save, actor, services.settings.secret_key, form)
        except DomainError as exc:
            kept = {k: v for k, v in dict(data).items() if k != "smtp_password"}
            return refuse(request, exc, kept, to="/settings#email")
        await reload_settings(request.app)
        return Redirect("/settings?saved=email#email", status_code=303)

    @post("/sla", sync_to_thread=True)
    def save_sla(self, request: Request, data: Form) -> Template | Redirect:
        actor = web_actor(request)
        return _save(request, data, "sla", lambda: org_settings.save_sla(actor, {k: str(v) for k, v in data.items()}))

    @post("/calendar", sync_to_thread=True)
    def save_calendar(self, request: Request, data: Form) -> Template | Redirect:
        actor = web_actor(request)
        days = [str(day) for day in WEEKDAYS if data.get(f"work_day_{day}") == "on"]
        return _save(request, data, "calendar", lambda: org_settings.save_calendar(
            actor, days, str(data.get("day_start", "")), str(data.get("day_end", ""))))

    @post("/archive", sync_to_thread=True)
    def save_archive(self, request: Request, data: Form) -> Template | Redirect:
        actor = web_actor(request)
        return _save(request, data, "archive", lambda: archive_policy.save(actor, {k: str(v) for k, v in data.items()}))

    @post("/holidays", sync_to_thread=True)
    def add_holiday(self, request: Request, data: Form) -> Template | Redirect:
        actor = web_actor(request)
        return _save(request, data, "calendar", lambda: org_settings.add_holiday(
            actor, str(data.get("day", "")), str(data.get("name", "")), data.get("working") == "on"))

    @post("/holidays/import", sync_to_thread=True)
    def import_holidays(self, request: Request, data: Form) -> Template | Redirect:
        actor = web_actor(request)
        year = parse_int(str(data.get("year", ""))) or 0
        return _save(request, data, "calendar", lambda: org_settings.import_public_holidays(
            actor, str(data.get("country", "")), year))

    @post("/holidays/{holiday_id:int}/remove", sync_to_thread=True)
    def remove_holiday(self, request: Request, holiday_id: FromPath[int]) -> Redirect:
        org_settings.remove_holiday(web_actor(request), holiday_id)
        return Redirect("/settings?saved=calendar#calendar", status_code=303)


async def _check_token(request: Request, token: str) -> dict[str, Any]:
    """getMe with the token typed in (or the current one): what an admin needs to know, translated."""
    if not token:
        return {"ok": False, "text": gettext("No token to check: paste one from @BotFather.")}
    try:
        org_settings.check_bot_token_shape(token)
    except ValidationError as exc:
        return {"ok": False, "text": exc.text(get_language())}
    check: TokenCheck = await services_of(request).check_bot_token(token)
    username = check.username
    if not check.reachable:
        return {"ok": False, "text": gettext("Telegram cannot be reached from this server. Check its internet "
                                             "access or proxy.")}
    if username is None:
        return {"ok": False, "text": gettext("Telegram does not accept this token.")}
    return {"ok": True, "text": gettext("The token works: this is @%(username)s.") % {"username": username}}


ROUTES = [SettingsPage]
