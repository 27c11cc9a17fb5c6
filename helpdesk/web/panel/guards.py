"""Who may reach a group of panel pages: one Litestar guard per group, checked before any handler runs.

The domain checks again on every call (a guard keeps people out of pages; the domain keeps the rule).
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.errors import N_, Forbidden


def _person(connection: ASGIConnection) -> Actor:
    user = connection.scope.get("user")
    if user is None:  # fail closed: an Actor without a user would be the system
        raise Forbidden(N_("Only an administrator may do this."))
    return Actor(user, "web")


def admin_only(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    require_admin(_person(connection))


def staff_only(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if not _person(connection).is_staff:
        raise Forbidden(N_("Only staff may open this page."))
