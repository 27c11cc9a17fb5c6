"""The web panel's HTML pages (server-rendered, session login, CSRF-protected forms).

Pages are grouped by who may open them; each group has one guard (see guards.py). Pages open to
every logged-in person (requests, dashboard) leave the decision to the domain, which scopes the data.
"""

from litestar import Router

from helpdesk.web.panel import (
    api_tokens,
    audit_log,
    backups,
    catalog,
    dashboard,
    database_move,
    imports,
    my_notifications,
    notifications,
    onec,
    org,
    reports,
    requests,
    scheduled_reports,
    session,
    settings,
    telegram_login,
)
from helpdesk.web.panel.guards import admin_only, staff_only

ADMIN_PAGES = [*org.ROUTES, *catalog.ADMIN_ROUTES, *imports.ROUTES, *audit_log.ROUTES, *settings.ROUTES,
               *onec.ROUTES, *database_move.ROUTES, *api_tokens.ROUTES, *backups.ROUTES, *notifications.ROUTES,
               *scheduled_reports.ROUTES]
STAFF_PAGES = [*catalog.STAFF_ROUTES, *reports.ROUTES]  # reports: the product gives them to staff


def pages() -> list:
    """A fresh set of routers per app: Litestar binds a router to the app it is registered on."""
    return [*session.ROUTES, *telegram_login.ROUTES, *dashboard.ROUTES, *requests.ROUTES, *my_notifications.ROUTES,
            Router(path="/", route_handlers=ADMIN_PAGES, guards=[admin_only]),
            Router(path="/", route_handlers=STAFF_PAGES, guards=[staff_only])]
