"""API serializers for matters: what the API shows (output) and what it accepts (input).

Input serializers only check types and turn codes into objects of the person's
organization; every rule of the lifecycle stays in policy and services, whose messages the
API passes on. Departments are named by code, people by username, kinds by code.
"""

from .fields import (
    DepartmentCodeField,
    KindCodeField,
    OrganizationLookup,
    UsernameField,
    UsernameInputField,
)
from .input import (
    AcceptSerializer,
    AttachmentUploadSerializer,
    CommentSerializer,
    CommentWithFilesSerializer,
    ConfirmSerializer,
    DecideExtensionSerializer,
    DispatchSerializer,
    DraftEditSerializer,
    ExtensionRequestSerializer,
    LinkSerializer,
    MatterCreateSerializer,
    MatterFilterSerializer,
    ReasonSerializer,
    TextSerializer,
    TextWithFilesSerializer,
    TransferSerializer,
    UnlinkSerializer,
)
from .output import (
    ACTION_NAMES,
    AttachmentSerializer,
    CoOrganizerSerializer,
    CountsSerializer,
    EventSerializer,
    ExtensionSerializer,
    MatterDetailSerializer,
    MatterKindSerializer,
    MatterLinkSerializer,
    MatterListSerializer,
)

__all__ = [
    "ACTION_NAMES",
    "AcceptSerializer",
    "AttachmentSerializer",
    "AttachmentUploadSerializer",
    "CoOrganizerSerializer",
    "CommentSerializer",
    "CommentWithFilesSerializer",
    "ConfirmSerializer",
    "CountsSerializer",
    "DecideExtensionSerializer",
    "DepartmentCodeField",
    "DispatchSerializer",
    "DraftEditSerializer",
    "EventSerializer",
    "ExtensionRequestSerializer",
    "ExtensionSerializer",
    "KindCodeField",
    "LinkSerializer",
    "MatterCreateSerializer",
    "MatterDetailSerializer",
    "MatterFilterSerializer",
    "MatterKindSerializer",
    "MatterLinkSerializer",
    "MatterListSerializer",
    "OrganizationLookup",
    "ReasonSerializer",
    "TextSerializer",
    "TextWithFilesSerializer",
    "TransferSerializer",
    "UnlinkSerializer",
    "UsernameField",
    "UsernameInputField",
]
