"""Who may raise which kind of matter: anyone the everyday kinds; the coordinating office,
the supervision office and leaders the kinds that put a department under pressure."""

import pytest
from django.utils import translation

from liaison.matters import policy, services
from liaison.matters.models import Matter, MatterEvent, MatterKind, RaisedBy, State
from liaison.matters.services import MatterInput, NotAllowed
from liaison.org.tests.factories import OrganizationFactory

from .factories import build_hospital, seeded_kind

pytestmark = pytest.mark.django_db

OFFICE_KINDS = ["supervision", "rectification", "task_deployment"]
EVERYDAY_KINDS = ["coordination", "contact_form", "suggestion", "liaison_report"]


@pytest.fixture
def h():
    return build_hospital()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def raise_as(h, who: str, code: str, **kwargs) -> Matter:
    return services.create_matter(
        h.p[who],
        MatterInput(title="急诊检验报告超时", kind=seeded_kind(h.organization, code)),
        **kwargs,
    )


@pytest.mark.parametrize("code", OFFICE_KINDS)
def test_a_staff_member_cannot_raise_an_office_kind(h, code):
    kind = seeded_kind(h.organization, code)
    with pytest.raises(NotAllowed) as refused:
        raise_as(h, "outsider", code, submit=True)
    assert refused.value.message == (
        f"{kind.name}: only the coordinating office, the supervision office and leaders may "
        "raise this kind of matter."
    )
    assert not Matter.objects.exists() and not MatterEvent.objects.exists()


@pytest.mark.parametrize("code", OFFICE_KINDS)
def test_a_department_head_is_no_office_either(h, code):
    with pytest.raises(NotAllowed):
        raise_as(h, "xxk_head", code)


@pytest.mark.parametrize("code", EVERYDAY_KINDS)
def test_a_staff_member_raises_the_everyday_kinds(h, code):
    matter = raise_as(h, "outsider", code, submit=True)
    assert matter.state == State.SUBMITTED and matter.kind.code == code


@pytest.mark.parametrize("who", ["office", "supervisor", "vp", "president"])
@pytest.mark.parametrize("code", OFFICE_KINDS)
def test_the_offices_and_the_leaders_raise_the_office_kinds(h, who, code):
    matter = raise_as(h, who, code, submit=True)
    assert matter.state == State.SUBMITTED and matter.originator == h.p[who]


def test_a_draft_cannot_be_turned_into_an_office_kind(h):
    draft = raise_as(h, "outsider", "coordination")
    data = MatterInput(title=draft.title, kind=seeded_kind(h.organization, "supervision"))
    with pytest.raises(NotAllowed):
        services.edit_draft(draft, h.p["outsider"], data)
    draft.refresh_from_db()
    assert draft.kind.code == "coordination" and draft.number.startswith("XT-")


def test_a_draft_of_a_kind_restricted_since_is_not_submitted(h):
    draft = raise_as(h, "outsider", "contact_form")
    MatterKind.objects.filter(pk=draft.kind_id).update(raised_by=RaisedBy.OFFICES_AND_LEADERS)
    with pytest.raises(NotAllowed):
        services.submit_matter(draft, h.p["outsider"])
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_a_flow_raises_the_kinds_its_own_rules_allow(h):
    """A notice's task deployment is raised in the name of the notice's author."""
    matter = raise_as(h, "outsider", "task_deployment", submit=True, by_flow=True)
    assert matter.state == State.SUBMITTED


def test_the_form_and_the_api_offer_each_person_the_kinds_they_may_raise(h):
    offered = set(policy.raisable_kinds(h.p["outsider"]).values_list("code", flat=True))
    assert offered == set(EVERYDAY_KINDS) | {"coordination"}
    everything = set(policy.raisable_kinds(h.p["supervisor"]).values_list("code", flat=True))
    assert everything == set(EVERYDAY_KINDS) | set(OFFICE_KINDS)


def test_a_new_organization_starts_with_the_office_kinds_restricted():
    organization = OrganizationFactory()
    restricted = set(
        MatterKind.objects.filter(
            organization=organization, raised_by=RaisedBy.OFFICES_AND_LEADERS
        ).values_list("code", flat=True)
    )
    assert restricted == set(OFFICE_KINDS)
