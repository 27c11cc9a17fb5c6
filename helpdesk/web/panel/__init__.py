"""The web panel's HTML pages (server-rendered, session login, CSRF-protected forms)."""

from helpdesk.web.panel import (
    api_tokens,
    audit_log,
    catalog,
    dashboard,
    imports,
    org,
    requests,
    session,
    settings,
    telegram_login,
)

PAGES = [*session.ROUTES, *telegram_login.ROUTES, *dashboard.ROUTES, *requests.ROUTES, *org.ROUTES, *catalog.ROUTES,
         *imports.ROUTES, *audit_log.ROUTES, *settings.ROUTES,
         *api_tokens.ROUTES]
