"""The rules of notices and task deployments: writing, publishing to an audience,
relaying through liaison officers, read receipts, reminders, withdrawing, pinning, and
the liaison desk's reports. The only place their state changes; pages, the API, the
worker and the sweep call these names. Who may do what is liaison.notices.policy's."""

from .audience import reach_counts
from .common import tell
from .desk import report_problem
from .publishing import publish_notice
from .relaying import Reminded, mark_read, relay_notice, remind, sweep
from .statistics import statistics
from .withdrawing import set_pinned, withdraw
from .writing import NoticeInput, create_notice, edit_draft

__all__ = [
    "NoticeInput",
    "Reminded",
    "create_notice",
    "edit_draft",
    "mark_read",
    "publish_notice",
    "reach_counts",
    "relay_notice",
    "remind",
    "report_problem",
    "set_pinned",
    "statistics",
    "sweep",
    "tell",
    "withdraw",
]
