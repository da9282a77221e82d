"""Projects, their stakeholder registers and communication plans, and the distributions
the plans produce: the only place their state changes. Pages, the API, the demo and the
sweep call these names; who may do what is liaison.communication.policy's."""

from .distributions import mark_sent, skip
from .plan import RowInput, add_row, describe, edit_row, remove_row
from .projects import ProjectInput, create_project, edit_project
from .register import StakeholderInput, add_stakeholder, edit_stakeholder, remove_stakeholder
from .sweep import sweep

__all__ = [
    "ProjectInput",
    "RowInput",
    "StakeholderInput",
    "add_row",
    "add_stakeholder",
    "create_project",
    "describe",
    "edit_project",
    "edit_row",
    "edit_stakeholder",
    "mark_sent",
    "remove_row",
    "remove_stakeholder",
    "skip",
    "sweep",
]
