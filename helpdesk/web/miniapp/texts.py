"""The words the Mini App's screens show, from the same gettext catalogs as the bot and the panel.

The client gets them as JSON in the person's language; `%(name)s` placeholders are filled in there.
"""

from __future__ import annotations

from helpdesk.i18n import N_, translate

TEXTS: dict[str, str] = {
    "open_in_telegram": N_("Open this app from the bot in Telegram."),
    "catalog": N_("Catalog"),
    "cart": N_("Your order"),
    "my": N_("My requests"),
    "queue": N_("Open requests"),
    "issue": N_("Report a problem"),
    "search": N_("Search"),
    "fits": N_("Fits your printers"),
    "in_stock": N_("in stock: %(n)s"),
    "no_count": N_("no count"),
    "source_1c": N_("1C"),
    "source_manual": N_("warehouse count"),
    "as_of": N_("as of %(time)s"),
    "view_order": N_("View order (%(n)s)"),
    "send_order": N_("✅ Send the request"),
    "comment_for_warehouse": N_("Comment for the warehouse (optional)"),
    "empty_cart": N_("The order is empty. Add cartridges in the catalog."),
    "empty_catalog": N_("The cartridge catalog is empty. Ask your administrator to fill it."),
    "sent": N_("Request %(number)s is sent to the warehouse. I will tell you when its status changes."),
    "registered": N_("Request %(number)s is registered. I will tell you when its status changes."),
    "no_requests": N_("You have no requests yet."),
    "history": N_("History"),
    "comments": N_("Comments"),
    "add_comment": N_("Add a comment"),
    "send": N_("Send"),
    "cancel_confirm": N_("Cancel request %(number)s?"),
    "reject_reason": N_("Why is %(number)s rejected?"),
    "kind": N_("Type"),
    "printer": N_("Printer"),
    "no_printer": N_("Not about a printer"),
    "description": N_("Describe the problem"),
    "photo": N_("Photo"),
    "photo_failed": N_("Some files could not be saved; send them as a comment."),
    "sending": N_("Sending…"),
    "loading": N_("Loading…"),
    "error": N_("Something went wrong"),
    "awaiting": N_("Awaiting the author's confirmation"),
    "reason": N_("Reason"),
}


def texts_for(lang: str) -> dict[str, str]:
    return {key: translate(msgid, lang) for key, msgid in TEXTS.items()}
