"""The demo letters: suggestions, complaints and praise, signed and anonymous, answered,
one routed into a matter, some published; made through the services, once."""

import pytest

from liaison.org.demo import build_demo_hospital
from liaison.suggestions import selectors
from liaison.suggestions.demo import build_demo_suggestions
from liaison.suggestions.models import Kind, Mailbox, Status, Suggestion

pytestmark = pytest.mark.django_db


def test_the_demo_hospital_has_a_dozen_letters():
    organization = build_demo_hospital()

    written = build_demo_suggestions(organization)

    letters = Suggestion.objects.filter(organization=organization)
    assert written == letters.count() == 12
    assert {s.kind for s in letters} == set(Kind.values)
    assert {s.mailbox for s in letters} == set(Mailbox.values)
    assert letters.filter(anonymous=True, writer__isnull=True).count() >= 4
    assert letters.filter(status=Status.NEW).exists()
    (routed,) = letters.filter(matter__isnull=False)
    assert routed.matter.kind.code == "suggestion"
    assert routed.matter.lead_department.code == "JYK"
    yjk = organization.departments.get(code="YJK")
    assert selectors.praise_for(yjk).count() == 1
    assert build_demo_suggestions(organization) == 0
