"""Assembles the Litestar app: pages, API, Mini App shell, sessions, CSRF, templates, errors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.middleware.session.client_side import ClientSideSessionBackend, CookieBackendConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins import PluginProtocol
from litestar.plugins.core import MsgspecDIPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from helpdesk import __version__
from helpdesk.db.scope import use_scoped_threads
from helpdesk.i18n import get_language, jinja_install
from helpdesk.web import errors, filters, security
from helpdesk.web.allow import allow_middleware
from helpdesk.web.api import CONTROLLERS as API_CONTROLLERS
from helpdesk.web.api.docs import ApiDocsPlugin
from helpdesk.web.api.fields import TypeCodeSchema
from helpdesk.web.auth import SESSION_MAX_AGE, auth_middleware
from helpdesk.web.health import healthz
from helpdesk.web.maintenance import maintenance_middleware
from helpdesk.web.miniapp import ROUTER as MINIAPP
from helpdesk.web.panel import pages
from helpdesk.web.services import PanelServices

WEB_DIR = Path(__file__).parent


def _configure_templates(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    jinja_install(env)
    env.globals["current_language"] = get_language
    env.globals["version"] = __version__
    filters.install(env)


class HelpdeskApp(Litestar):
    """Litestar without the plugins it adds for pydantic and attrs models whenever those are installed.

    No handler takes or returns such a model (msgspec structs and dataclasses only), yet loading the
    pydantic plugins imports pydantic itself on every start: ~0.2 s before the first page, which the
    panel with the bot off never needs (the bot's aiogram imports pydantic on its own, later).
    """

    @staticmethod
    def _get_default_plugins(plugins: list[PluginProtocol]) -> list[PluginProtocol]:
        plugins.append(MsgspecDIPlugin())
        return plugins


def create_app(services: PanelServices, lifespan: Sequence[Callable[..., Any]] = (), debug: bool = False) -> Litestar:
    """The assembly (helpdesk.runtime) hands in `services`: settings, bot and queue state, settings reload."""
    secret = services.settings.secret_key
    session_config = CookieBackendConfig(secret=secret[:32], max_age=SESSION_MAX_AGE, httponly=True,
                                         # Secure is added per request on HTTPS (web.security), not here.
                                         samesite="lax", secure=False,
                                         exclude=["/api/", "/static/"])  # /healthz: details for an admin
    csrf_config = CSRFConfig(secret=secret.hex(), cookie_name="helpdesk_csrf", cookie_samesite="lax",
                             cookie_httponly=False, exclude=["/api/", "/miniapp"])  # no cookie for the Mini App
    template_config = TemplateConfig(directory=WEB_DIR / "templates", engine=JinjaTemplateEngine,
                                     engine_callback=_configure_templates)
    openapi_config = OpenAPIConfig(
        title="helpdesk API", version=__version__, path="/schema",
        render_plugins=[ApiDocsPlugin()],  # our own page: the default UIs load JS from a CDN
        components=Components(security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")}),
        security=[{"bearer": []}],
    )
    return HelpdeskApp(
        route_handlers=[
            healthz,
            # HTML pages are for browsers with a session: the OpenAPI schema documents the JSON API only.
            Router(path="/", route_handlers=pages(), include_in_schema=False),
            *API_CONTROLLERS,
            MINIAPP,
            create_static_files_router(path="/static", directories=[WEB_DIR / "static"], name="static",
                                       include_in_schema=False),
        ],
        middleware=[session_config.middleware, auth_middleware, allow_middleware, maintenance_middleware],
        csrf_config=csrf_config,
        template_config=template_config,
        openapi_config=openapi_config,
        plugins=[TypeCodeSchema()],
        exception_handlers=errors.HANDLERS,
        # Sync handlers run in the loop's executor: each one gives its database connection back.
        on_startup=[use_scoped_threads],
        before_send=[security.add_security_headers],
        lifespan=list(lifespan),
        state=State({"services": services, "settings": services.settings,
                     # the router's own 404 reads the session itself (web.auth.identify_unrouted)
                     "session_backend": ClientSideSessionBackend(session_config)}),
        logging_config=None,  # helpdesk.logs configures logging once, with secrets masked
        debug=debug,
    )
