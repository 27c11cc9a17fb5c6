"""Bulk import of branches, warehouses, cartridge models, printer models, printers and users (admins).

`preview` reads an xlsx or csv file and tells, row by row, what would be created, updated or left
unchanged and what is wrong, writing nothing; `apply` writes a preview without errors in one
transaction; `template` builds the file to fill in. Rows update existing items found by natural key
(codes, articles, names, inventory numbers, logins), so importing a file twice duplicates nothing.
"""

from helpdesk.core.imports.reading import MAX_BYTES, MAX_ROWS
from helpdesk.core.imports.service import (
           KINDS,
           ImportHasErrors,
           Preview,
           Summary,
           apply,
           get_kind,
           preview,
           remap,
           restore,
)
from helpdesk.core.imports.template import template

__all__ = ["KINDS", "MAX_BYTES", "MAX_ROWS", "ImportHasErrors", "Preview", "Summary", "apply", "get_kind", "preview",
           "remap", "restore", "template"]
