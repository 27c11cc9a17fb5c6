"""Settings in effect: flags and environment, overridden by what admins saved in the panel.

Apart from `runtime` so that a command which needs them (`helpdesk invite`, `helpdesk check`) does
not import the web server, the queue and the bot to read two rows.
"""

from __future__ import annotations

from helpdesk.config import Settings, with_saved
from helpdesk.core import email_settings, org_settings


def with_panel_settings(settings: Settings) -> Settings:
    """Flags and environment, overridden by what admins saved in the panel (see config.with_saved)."""
    return with_saved(settings, {"bot_token": org_settings.stored_bot_token(settings.secret_key),
                                 "lang": org_settings.general().language,
                                 **email_settings.saved(settings.secret_key)})
