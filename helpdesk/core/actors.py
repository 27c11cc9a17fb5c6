"""Who is acting, through which channel: every domain call takes an Actor.

Permissions fail closed: an Actor without a user is nobody (every check refuses) unless it was made by
`Actor.system()`, the program itself acting from the CLI or a background job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from helpdesk.core.errors import N_, Forbidden

if TYPE_CHECKING:  # the CLI reads ROLES before any database is opened
    from helpdesk.db.models import User

ROLES = ("admin", "storekeeper", "branch")
STAFF_ROLES = frozenset({"admin", "storekeeper"})
ROLE_LABELS = {"admin": N_("Administrator"), "storekeeper": N_("Storekeeper"), "branch": N_("Branch staff")}
CHANNELS = ("web", "api", "bot", "miniapp", "cli", "system")
CHANNEL_LABELS = {"web": N_("panel"), "api": N_("API"), "bot": N_("Telegram bot"), "miniapp": N_("Mini App"),
                  "cli": N_("command line"), "system": N_("system")}
SYSTEM = "system"  # the role of the program itself
NOBODY = "nobody"  # the role of an actor without a user who is not the program: may do nothing


@dataclass(frozen=True)
class Actor:
    user: User | None
    channel: str = "web"
    trusted: bool = False  # set only by Actor.system(): never granted by leaving the user out

    def __post_init__(self) -> None:
        if self.channel not in CHANNELS:  # audited as is: a typo would file changes under a channel no one reads
            raise ValueError(f"unknown channel {self.channel!r}")

    @classmethod
    def system(cls, channel: str = "system") -> Actor:
        """The program itself (CLI commands, jobs, first run): acts with every right, audited as such."""
        if channel not in ("cli", "system"):
            raise ValueError(f"the system acts from the CLI or a job, not from {channel}")
        return cls(None, channel, trusted=True)

    @property
    def role(self) -> str:
        if self.user is not None:
            return self.user.role
        return SYSTEM if self.trusted else NOBODY

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None

    @property
    def is_admin(self) -> bool:
        return self.role in ("admin", SYSTEM)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES or self.role == SYSTEM


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden(N_("Only an administrator may do this."))
