"""helpdesk: one program that runs an organisation's requests (bot, Mini App, web panel)."""

__version__ = "0.1.0"
