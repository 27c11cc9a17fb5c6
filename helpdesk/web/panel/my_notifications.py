"""Everyone's own page: which notices come on which channel, and quiet hours."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.response import Redirect, Template

from helpdesk.core import notify_prefs
from helpdesk.core.errors import DomainError
from helpdesk.web.panel.forms import recall, refuse, web_actor
from helpdesk.web.panel.session import Form


@get("/me/notifications", sync_to_thread=True)
def my_notifications(request: Request) -> Template:
    back = recall(request)
    user = request.user
    return Template("my_notifications.html", status_code=back.status if back else 200, context={
        "prefs": notify_prefs.of(user), "events": notify_prefs.EVENTS, "event_labels": notify_prefs.EVENT_LABELS,
        "channels": notify_prefs.CHANNELS, "channel_labels": notify_prefs.CHANNEL_LABELS,
        "has_telegram": bool(user.telegram_id), "email": user.email or "",
        "errors": back.errors if back else {}, "saved": request.query_params.get("saved")})


@post("/me/notifications", sync_to_thread=True)
def save_my_notifications(request: Request, data: Form) -> Redirect:
    channels = {event: str(data.get(event, "auto")) for event in notify_prefs.EVENTS}
    try:
        notify_prefs.save(web_actor(request), request.user.id, channels, data.get("quiet_hours") == "on")
    except DomainError as exc:
        return refuse(request, exc, dict(data))
    return Redirect("/me/notifications?saved=1", status_code=303)


ROUTES = [my_notifications, save_my_notifications]
