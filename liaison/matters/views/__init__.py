"""Matter pages: my to-do, raising a matter, the matter page with its actions, attachment
downloads and the ledger export, a module per page family.

Views are thin: they read the input, call selectors and services, and render. Services
refuse what the state or the person does not allow with a message in the person's
language; the pages show it and change nothing.
"""

from .actions import act
from .lists import batch, batch_ledger, delete_view, ledger, save_view, todo
from .page import attachment, department_people, detail
from .raising import edit, new

__all__ = [
    "act",
    "attachment",
    "batch",
    "batch_ledger",
    "delete_view",
    "department_people",
    "detail",
    "edit",
    "ledger",
    "new",
    "save_view",
    "todo",
]
