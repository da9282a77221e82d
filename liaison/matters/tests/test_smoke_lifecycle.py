"""The main path of a matter through the demo hospital, end to end at the service level."""

import pytest
from django.utils import translation

from liaison.matters import services
from liaison.matters.models import MatterKind, Rating, State
from liaison.matters.services import MatterInput
from liaison.org.demo import build_demo_hospital
from liaison.org.models import Department, Person
from liaison.org.roles import default_responsible

pytestmark = pytest.mark.django_db


def person(username):
    return Person.objects.get(user__username=username)


def test_raise_dispatch_accept_contribute_reply_confirm():
    hospital = build_demo_hospital()
    dept = {d.code: d for d in Department.objects.filter(organization=hospital)}
    originator = person("lianluo")  # liaison officer of 药剂科
    kind = MatterKind.objects.get(organization=hospital, code="coordination")
    matter = services.create_matter(
        originator, MatterInput(title="药房叫号系统故障", kind=kind), submit=True
    )
    assert matter.state == State.SUBMITTED
    assert matter.owner_department == dept["YB"]
    services.check_invariant(matter)

    office = person("yuanban")
    matter = services.dispatch(matter, office, lead=dept["XXK"], co_departments=[dept["MZB"]])
    assert matter.state == State.DISPATCHED and matter.owner_department == dept["XXK"]
    services.check_invariant(matter)

    head = person("zhuren")
    assert set(services.allowed_actions(head, matter)) >= {"accept", "return", "transfer"}
    matter = services.accept(matter, head)
    assert matter.state == State.ACCEPTED
    with translation.override("en"), pytest.raises(services.WrongState) as refused:
        services.accept(matter, head)
    assert refused.value.message.startswith(
        f"{matter.number} is already In progress: Accepted by {head.name} at "
    )

    co_head = default_responsible(dept["MZB"])
    matter = services.contribute(matter, co_head, text="门诊部已通知患者改用人工叫号。")
    matter = services.reply(matter, head, text="已更换叫号服务器。")
    assert matter.state == State.REPLIED and matter.responsible_person == originator
    services.check_invariant(matter)
    matter = services.confirm(matter, originator, rating=Rating.SATISFIED)
    assert matter.state == State.CLOSED
    services.check_invariant(matter)
    assert [e.type for e in matter.events.all()] == [
        "created",
        "submitted",
        "dispatched",
        "accepted",
        "contributed",
        "replied",
        "confirmed",
    ]
