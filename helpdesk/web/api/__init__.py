"""The JSON API under /api/v1: one controller per area, bearer tokens only (see helpdesk.web.auth)."""

from __future__ import annotations

from helpdesk.web.api.catalog import CatalogController
from helpdesk.web.api.org import OrgController
from helpdesk.web.api.reports import ReportsController
from helpdesk.web.api.requests import RequestsController
from helpdesk.web.api.stock import StockController
from helpdesk.web.api.users import UsersController

CONTROLLERS = [RequestsController, CatalogController, OrgController, StockController, UsersController,
               ReportsController]
