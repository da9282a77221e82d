"""Every change to a matter goes through these functions: pages, the API, commands, tasks
and the other areas all call them (`from liaison.matters import services`).

Each action has the same shape:
1. lock the matter's row (select_for_update; SQLite serializes writers itself);
2. check the state, then the person's right to act (matters.policy), refusing with a
   clear message;
3. move the state (django-fsm) and set who owns the matter, who is responsible and the
   next deadline, so an open matter always has exactly one of each;
4. append an event to the matter's timeline;
5. notify whoever is now asked to act (in-app now, e-mail after commit).

The modules hold the use-case families; this package's names are the public doors. The
timeline doors (lock_matter, record_event, tell_about, …) are for the areas that write a
matter's timeline themselves (supervision).
"""

from liaison.core.errors import InvalidInput, NotAllowed, ServiceError, WrongState

from ..policy import (
    ACTION_STATES,
    Action,
    allowed_actions,
    can_view,
    is_handling,
)
from .attachments import (
    ALLOWED_EXTENSIONS,
    add_attachments,
    attach,
    attach_uploads,
    check_uploads,
    checked_upload_name,
)
from .closing import archive_closed_matters, close_as_not_a_matter, confirm, reopen, reply, withdraw
from .escalation import escalate
from .extensions import decide_extension, request_extension
from .handling import (
    accept,
    ask_originator,
    contribute,
    dispatch,
    give_information,
    return_matter,
    transfer,
)
from .intake import MatterInput, create_matter, edit_draft, submit_matter
from .invariant import check_invariant
from .kinds import DEFAULT_KINDS, seed_matter_kinds, settings_for
from .links import link, parents_of, unlink
from .mentions import MENTION, comment, mentioned
from .records import lock_matter, matter_url, record_event, require_text, tell_about
from .sweep import check_clocks
from .worklist import BatchResult, delete_view, dispatch_all, run_batch, save_view, view_query

__all__ = [
    "ACTION_STATES",
    "ALLOWED_EXTENSIONS",
    "DEFAULT_KINDS",
    "MENTION",
    "Action",
    "BatchResult",
    "InvalidInput",
    "MatterInput",
    "NotAllowed",
    "ServiceError",
    "WrongState",
    "accept",
    "add_attachments",
    "allowed_actions",
    "archive_closed_matters",
    "ask_originator",
    "attach",
    "attach_uploads",
    "can_view",
    "check_clocks",
    "check_invariant",
    "check_uploads",
    "checked_upload_name",
    "close_as_not_a_matter",
    "comment",
    "confirm",
    "contribute",
    "create_matter",
    "decide_extension",
    "delete_view",
    "dispatch",
    "dispatch_all",
    "edit_draft",
    "escalate",
    "give_information",
    "is_handling",
    "link",
    "lock_matter",
    "matter_url",
    "mentioned",
    "parents_of",
    "record_event",
    "reopen",
    "reply",
    "request_extension",
    "require_text",
    "return_matter",
    "run_batch",
    "save_view",
    "seed_matter_kinds",
    "settings_for",
    "submit_matter",
    "tell_about",
    "transfer",
    "unlink",
    "view_query",
    "withdraw",
]
