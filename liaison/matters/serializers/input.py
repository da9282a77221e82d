"""What the API accepts for matters: filters, drafts, links and the lifecycle actions. Only
types are checked and codes turned into objects; every rule stays in policy and services."""

from rest_framework import serializers

from ..models import LinkKind, Rating, State, Urgency
from .fields import DepartmentCodeField, KindCodeField, UsernameInputField


def _departments(**kwargs):
    return serializers.ListField(child=DepartmentCodeField(), **kwargs)


def _text(help_text: str):
    # Blank is let through: the service refuses it with its own message, after the state.
    return serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=True, help_text=help_text
    )


class MatterFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["open", *State.values],
        required=False,
        allow_blank=True,
        help_text="a state, or `open` for every state in which someone must act",
    )
    kind = serializers.CharField(required=False, allow_blank=True, help_text="matter kind code")
    department = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="department code: originating, lead, owning or co-organizer",
    )
    urgency = serializers.ChoiceField(choices=Urgency.values, required=False, allow_blank=True)
    overdue = serializers.BooleanField(
        required=False, default=False, help_text="open and past the next deadline"
    )
    todo = serializers.BooleanField(
        required=False, default=False, help_text="only what is waiting on me (my to-do)"
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="words (Chinese substrings work) in the number, title or description",
    )
    created_from = serializers.DateField(required=False, allow_null=True)
    created_to = serializers.DateField(required=False, allow_null=True)


class MatterCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    kind = KindCodeField()
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    lead_department = DepartmentCodeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="department code: when given, submitting sends the matter straight there "
        "(direct coordination); otherwise it goes to the coordinating office",
    )
    co_departments = _departments(required=False, default=list)
    due = serializers.DateField(required=False, allow_null=True, default=None)
    originator_department = DepartmentCodeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="department code the matter is raised for (default: your first department)",
    )
    submit = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true: create and submit in one call (otherwise a draft is created and "
        "the client calls the submit action)",
    )


class DraftEditSerializer(serializers.Serializer):
    """A draft's fields to change; the ones left out stay as they are."""

    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    kind = KindCodeField(required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    lead_department = DepartmentCodeField(required=False, allow_null=True)
    co_departments = _departments(required=False)
    due = serializers.DateField(required=False, allow_null=True)
    originator_department = DepartmentCodeField(required=False)


class LinkSerializer(serializers.Serializer):
    target = serializers.CharField(
        max_length=40, help_text="number of the other matter, e.g. XT-2026-000123"
    )
    kind = serializers.ChoiceField(choices=LinkKind.choices, default=LinkKind.RELATED)


class UnlinkSerializer(serializers.Serializer):
    target = serializers.CharField(max_length=40, help_text="number of the linked matter")


class ReasonSerializer(serializers.Serializer):
    reason = _text("required for return, transfer, escalate, withdraw, reopen and close")


class AcceptSerializer(serializers.Serializer):
    responsible = UsernameInputField(
        required=False,
        allow_null=True,
        default=None,
        help_text="username of the person in the lead department who handles it "
        "(default: whoever it was dispatched to)",
    )


class DispatchSerializer(serializers.Serializer):
    lead_department = DepartmentCodeField(required=False, allow_null=True, default=None)
    co_departments = _departments(required=False, default=list)
    due = serializers.DateField(required=False, allow_null=True, default=None)
    responsible = UsernameInputField(
        required=False,
        allow_null=True,
        default=None,
        help_text="username in the lead department (default: its head)",
    )
    reason = _text("optional note to the lead department")


class TransferSerializer(serializers.Serializer):
    lead_department = DepartmentCodeField(required=False, allow_null=True, default=None)
    co_departments = _departments(
        required=False, help_text="department codes; left out: the co-organizers stay"
    )
    reason = _text("required")


class TextSerializer(serializers.Serializer):
    text = _text("required")


class TextWithFilesSerializer(TextSerializer):
    file = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="one or several files"
    )


class CommentSerializer(TextSerializer):
    internal = serializers.BooleanField(
        required=False,
        default=False,
        help_text="an internal note, seen only by the departments handling the matter",
    )


class CommentWithFilesSerializer(CommentSerializer):
    file = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="one or several files"
    )


class ExtensionRequestSerializer(serializers.Serializer):
    due = serializers.DateField(help_text="the proposed due date")
    reason = _text("required")


class DecideExtensionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = _text("required when the extension is denied")


class ConfirmSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.values)
    comment = _text("required when unsatisfied")


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.ListField(
        child=serializers.FileField(), allow_empty=False, help_text="one or several files"
    )
    text = _text("optional note")
