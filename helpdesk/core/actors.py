"""Who is acting, through which channel: every domain call takes an Actor."""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk.core.errors import N_, Forbidden
from helpdesk.db.models import User

ROLES = ("admin", "storekeeper", "branch")
ROLE_LABELS = {"admin": N_("Administrator"), "storekeeper": N_("Storekeeper"), "branch": N_("Branch staff")}
CHANNELS = ("web", "api", "bot", "miniapp", "cli", "system")


@dataclass(frozen=True)
class Actor:
    user: User | None
    channel: str = "web"

    @classmethod
    def system(cls) -> Actor:
        return cls(None, "system")

    @property
    def role(self) -> str:
        return self.user.role if self.user else "system"

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None

    @property
    def is_admin(self) -> bool:
        return self.role in ("admin", "system")

    @property
    def is_staff(self) -> bool:
        return self.role in ("admin", "storekeeper", "system")


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden(N_("Only an administrator may do this."))
