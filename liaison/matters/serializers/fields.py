"""Fields that name a department, a kind or a person by code or username, within the
requesting person's organization; the other areas' serializers use them too."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from liaison.org.models import Department, Person

from ..models import MatterKind


def _username(person: Person | None) -> str | None:
    return person.user.username if person is not None else None


class UsernameField(serializers.CharField):
    """A person, shown as their username (null when there is none)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("help_text", "username")
        super().__init__(**kwargs)

    def to_representation(self, value):
        return _username(value)


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
