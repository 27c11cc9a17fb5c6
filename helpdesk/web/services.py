"""What the web app needs from the running process, handed in by the assembly (helpdesk.runtime).

The web imports core and its own parts only: the bot, the queue and the settings reload stay behind
this protocol, so loading the web app loads neither aiogram nor huey, and tests may pass a stand-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from litestar import Litestar, Request

from helpdesk.config import Settings
from helpdesk.core.actors import Actor


@dataclass(frozen=True)
class TokenCheck:
    """getMe's answer for a token: reachable or not, and the bot's username when Telegram accepts it."""

    reachable: bool
    username: str | None = None


class PanelServices(Protocol):
    @property
    def settings(self) -> Settings:
        """The settings in effect: flags and environment, overridden by what admins saved in the panel."""
        ...

    @property
    def base_settings(self) -> Settings | None:
        """Flags, environment and `.env` only, before the panel's values (None: same as `settings`)."""
        ...

    async def reload_settings(self) -> None:
        """Apply what admins just saved (a new bot token restarts the poller in the background)."""
        ...

    async def check_bot_token(self, token: str) -> TokenCheck:
        """Ask Telegram who this token belongs to (getMe); never raises for network trouble."""
        ...

    def bot_state(self) -> dict[str, Any]:
        """The poller's state ("off", "starting", "running", "error"), its username and error text."""
        ...

    def queue_health(self) -> dict[str, Any]:
        """The task queue's state ("running", "off", "standby" on an instance that does not lead, ...)."""
        ...

    def leader_state(self) -> dict[str, Any]:
        """{"leader": whether this instance runs the poller and the queue, "shared": several may run}."""
        ...

    def start_backup(self, run_id: int) -> None:
        """Make the backup of this run row (made by backups.runs.request_backup) in the background."""
        ...

    async def move_database(self, actor: Actor, url: str, overwrite: bool) -> None:
        """Start moving the data to PostgreSQL in the background (core.db_move.status() tells how it goes);
        on success the process switches to it. Raises a DomainError when it cannot start."""
        ...


def services_of(request: Request) -> PanelServices:
    return request.app.state.services


async def reload_settings(app: Litestar) -> None:
    """After a save in the panel: the process reloads, and the app's view of the settings follows."""
    services: PanelServices = app.state.services
    await services.reload_settings()
    app.state.settings = services.settings
