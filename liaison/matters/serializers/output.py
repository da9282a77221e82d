"""What the API shows of matters, their kinds, timeline, attachments and links."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import policy
from ..models import (
    Attachment,
    CoOrganizer,
    ExtensionRequest,
    LinkKind,
    Matter,
    MatterEvent,
    MatterKind,
    Rating,
    Resolution,
)
from ..policy import ACTION_STATES
from .fields import UsernameField

ACTION_NAMES = list(ACTION_STATES)


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
