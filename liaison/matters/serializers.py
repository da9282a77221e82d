"""API serializers for matters: what the API shows (output) and what it accepts (input).

Input serializers only check types and turn codes into objects of the person's
organization; every rule of the lifecycle stays in policy and services, whose messages the
API passes on. Departments are named by code, people by username, kinds by code.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from liaison.org.models import Department, Person

from . import policy
from .models import (
    Attachment,
    CoOrganizer,
    ExtensionRequest,
    LinkKind,
    Matter,
    MatterEvent,
    MatterKind,
    Rating,
    Resolution,
    State,
    Urgency,
)
from .policy import ACTION_STATES

ACTION_NAMES = list(ACTION_STATES)


def _username(person: Person | None) -> str | None:
    return person.user.username if person is not None else None


# Output.


class MatterKindSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="In the request's language.")
    may_raise = serializers.SerializerMethodField(
        help_text="Whether I may raise a matter of this kind (kinds such as supervision items "
        "are for the offices and leaders)."
    )

    class Meta:
        model = MatterKind
        fields = ["code", "name", "number_prefix", "default_days", "may_raise"]
        read_only_fields = fields

    def get_may_raise(self, kind: MatterKind) -> bool:
        person = self.context.get("person")
        return person is not None and policy.may_raise(person, kind)


class UsernameField(serializers.CharField):
    """A person, shown as their username (null when there is none)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("help_text", "username")
        super().__init__(**kwargs)

    def to_representation(self, value):
        return _username(value)


def _code_field(source: str | None = None, **kwargs):
    return serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        help_text="department code",
        **({"source": source} if source else {}),
        **kwargs,
    )


class MatterListSerializer(serializers.ModelSerializer):
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    # Who holds the matter now (open matters only).
    owner = _code_field("owner_department", allow_null=True)
    responsible_person = UsernameField()
    lead_department = _code_field(allow_null=True)
    originator_department = _code_field()
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Matter
        fields = [
            "id",
            "number",
            "title",
            "kind",
            "kind_name",
            "urgency",
            "state",
            "state_label",
            "owner",
            "responsible_person",
            "next_deadline",
            "is_overdue",
            "due",
            "originator_department",
            "lead_department",
            "created_at",
        ]
        read_only_fields = fields


class CoOrganizerSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="department.code", read_only=True)
    name = serializers.CharField(source="department.name", read_only=True)
    contributed = serializers.SerializerMethodField()
    contributed_by = UsernameField()

    class Meta:
        model = CoOrganizer
        fields = ["code", "name", "contributed", "contributed_by", "contributed_at", "text"]
        read_only_fields = fields

    def get_contributed(self, co: CoOrganizer) -> bool:
        return co.contributed_at is not None


class ExtensionSerializer(serializers.ModelSerializer):
    # Not an enum in the schema: a second `state` enum would collide with the matter's.
    state = serializers.CharField(read_only=True, help_text="`pending`, `approved` or `denied`")
    requested_by = UsernameField()
    decided_by = UsernameField()

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "state",
            "proposed_due",
            "previous_due",
            "reason",
            "requested_by",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = fields


class CountsSerializer(serializers.Serializer):
    returns = serializers.IntegerField()
    transfers = serializers.IntegerField()
    reopens = serializers.IntegerField()
    attachments = serializers.IntegerField()


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    uploaded_by = UsernameField()
    event = serializers.PrimaryKeyRelatedField(read_only=True, help_text="timeline event id")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "uploaded_by", "uploaded_at", "event", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        url = reverse("api-attachment-download", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class MatterLinkSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LinkKind.choices)
    direction = serializers.ChoiceField(
        choices=["outgoing", "incoming"],
        help_text="outgoing: this matter is `kind` the other; incoming: the other is `kind` "
        "this one",
    )
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()


class MatterDetailSerializer(MatterListSerializer):
    originator = UsernameField()
    co_departments = CoOrganizerSerializer(source="co_organizers", many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    counts = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    level = serializers.IntegerField(
        source="escalation_level",
        read_only=True,
        help_text="current rung of the escalation ladder (0 direct … 4 leading group)",
    )
    supervised = serializers.SerializerMethodField()
    # Read-only model fields lose their blank choice: empty until the matter is closed.
    resolution = serializers.ChoiceField(Resolution.choices, allow_blank=True, read_only=True)
    rating = serializers.ChoiceField(Rating.choices, allow_blank=True, read_only=True)
    paused = serializers.SerializerMethodField(
        help_text="the reply clock stands while the lead waits on the originator"
    )

    class Meta(MatterListSerializer.Meta):
        fields = [
            *MatterListSerializer.Meta.fields,
            "accept_due",
            "reply_due",
            "level",
            "supervised",
            "paused",
            "description",
            "relation",
            "originator",
            "co_departments",
            "escalation_level",
            "resolution",
            "rating",
            "rating_comment",
            "extensions",
            "counts",
            "links",
            "submitted_at",
            "replied_at",
            "closed_at",
            "updated_at",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(CountsSerializer)
    def get_counts(self, matter: Matter) -> dict:
        return {
            "returns": matter.return_count,
            "transfers": matter.transfer_count,
            "reopens": matter.reopen_count,
            "attachments": self.context.get("attachment_count", matter.attachments.count()),
        }

    @extend_schema_field(MatterLinkSerializer(many=True))
    def get_links(self, matter: Matter) -> list[dict]:
        """Linked matters the requesting user sees."""
        return self.context.get("links", [])

    def get_supervised(self, matter) -> bool:
        supervisions = getattr(matter, "supervisions", None)
        return supervisions is not None and supervisions.filter(is_active=True).exists()

    def get_paused(self, matter) -> bool:
        return matter.paused_at is not None

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(ACTION_NAMES)))
    def get_allowed_actions(self, matter: Matter) -> list[str]:
        """What the requesting user may do now: the names of the action endpoints."""
        return self.context.get("allowed_actions", [])


class EventSerializer(serializers.ModelSerializer):
    type_label = serializers.CharField(source="get_type_display", read_only=True)
    actor = UsernameField()
    actor_name = serializers.CharField(source="actor.name", read_only=True, allow_null=True)
    department = _code_field("actor_department", allow_null=True)
    owner = _code_field("owner_department", allow_null=True)
    internal = serializers.BooleanField(source="is_internal", read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    level = serializers.SerializerMethodField(
        help_text="escalated: the rung reached (1 department heads … 4 leading group)"
    )
    facts = serializers.JSONField(
        source="data", read_only=True, help_text="what the event recorded (codes, dates)"
    )

    class Meta:
        model = MatterEvent
        fields = [
            "id",
            "type",
            "type_label",
            "actor",
            "actor_name",
            "department",
            "at",
            "from_state",
            "to_state",
            "owner",
            "reason",
            "text",
            "internal",
            "attachments",
            "level",
            "facts",
        ]
        read_only_fields = fields

    def get_level(self, event) -> int | None:
        return event.data.get("level")


# Input: codes and usernames of the person's organization.


class OrganizationLookup(serializers.CharField):
    """A code or username, looked up in the requesting person's organization."""

    def lookup(self, organization, value):
        raise NotImplementedError

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        person = self.context["person"]
        found = self.lookup(person.organization, value)
        if found is None:
            raise serializers.ValidationError(self.unknown(value))
        return found


@extend_schema_field(OpenApiTypes.STR)
class DepartmentCodeField(OrganizationLookup):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "department code")
        super().__init__(**kwargs)

    def lookup(self, organization, value):
        return Department.objects.filter(organization=organization, code=value).first()

    def unknown(self, value):
        return _("Unknown department: %(code)s") % {"code": value}


@extend_schema_field(OpenApiTypes.STR)
class KindCodeField(OrganizationLookup):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "matter kind code (see /api/v1/matter-kinds/)")
        super().__init__(**kwargs)

    def lookup(self, organization, value):
        return MatterKind.objects.filter(organization=organization, code=value).first()

    def unknown(self, value):
        return _("Unknown kind of matter: %(code)s") % {"code": value}


@extend_schema_field(OpenApiTypes.STR)
class UsernameInputField(OrganizationLookup):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "username")
        super().__init__(**kwargs)

    def lookup(self, organization, value):
        return (
            Person.objects.filter(organization=organization, user__username=value)
            .select_related("user")
            .first()
        )

    def unknown(self, value):
        return _("Unknown person: %(username)s") % {"username": value}


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
