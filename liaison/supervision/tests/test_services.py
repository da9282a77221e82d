"""The rules of supervision, urging and rectification, at the service level.

Refusals are checked for the error (WrongState 409, NotAllowed 403, InvalidInput 400)
and for changing nothing (the matter, its timeline, notifications, supervisions)."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from liaison.inbox.models import Ask, Notification
from liaison.matters import services as matter_services
from liaison.matters.models import EventType, State
from liaison.matters.services import InvalidInput, NotAllowed, WrongState
from liaison.matters.tests.factories import MatterFactory, changes_nothing, in_days
from liaison.supervision import services
from liaison.supervision.models import (
    Rectification,
    RectificationState,
    Supervision,
    Urge,
)

from .conftest import later, submit

pytestmark = pytest.mark.django_db


def asked(person, ask: str) -> int:
    return Notification.objects.filter(recipient=person, ask=ask).count()


def types(matter) -> list[str]:
    return list(matter.events.order_by("at", "pk").values_list("type", flat=True))


# Putting a matter under supervision.


def test_the_supervision_office_puts_an_open_matter_under_supervision(h, matter):
    supervision = services.supervise(
        matter, h.p["supervisor"], deadline=in_days(3), reason="患者投诉多次"
    )
    assert supervision.is_active and supervision.rectification_required
    assert supervision.supervisor == h.p["supervisor"]
    assert supervision.supervising_department == h.d["DCB"]
    event = matter.events.get(type=EventType.SUPERVISED)
    assert event.actor == h.p["supervisor"] and event.reason == "患者投诉多次"
    assert event.data["deadline"] == in_days(3).isoformat()
    # The lead department is asked for a rectification reply.
    assert asked(h.p["xxk_head"], Ask.RECTIFY) == 1
    assert asked(h.p["xxk_liaison"], Ask.RECTIFY) == 1


@pytest.mark.parametrize("who", ["office", "office_head", "vp", "president"])
def test_the_coordinating_office_and_leaders_may_supervise(h, matter, who):
    supervision = services.supervise(matter, h.p[who], deadline=in_days(1), reason="督办")
    assert supervision.supervisor == h.p[who]


@pytest.mark.parametrize("who", ["xxk_head", "mzb_head", "mzb_staff"])
def test_departments_may_not_supervise(h, matter, who):
    with changes_nothing(matter), pytest.raises(NotAllowed):
        services.supervise(matter, h.p[who], deadline=in_days(1), reason="督办")
    assert not Supervision.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "secretary"])
def test_someone_who_cannot_see_the_matter_is_refused(h, matter, who):
    # The party secretary leads, but not 信息科 or 门诊部: the matter is not theirs to see.
    with changes_nothing(matter), pytest.raises(NotAllowed):
        services.supervise(matter, h.p[who], deadline=in_days(1), reason="督办")


def test_only_open_matters_can_be_supervised(h):
    closed = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.CLOSED)
    with changes_nothing(closed), pytest.raises(WrongState):
        services.supervise(closed, h.p["supervisor"], deadline=in_days(1), reason="督办")


def test_a_matter_has_at_most_one_active_supervision(h, supervised):
    with changes_nothing(supervised), pytest.raises(WrongState) as refused:
        services.supervise(supervised, h.p["office"], deadline=in_days(9), reason="再督办")
    assert "朱督查" in refused.value.message  # who supervises it already


def test_the_database_refuses_a_second_active_supervision(h, supervised):
    first = supervised.supervisions.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Supervision.objects.create(
            matter=supervised,
            supervisor=first.supervisor,
            supervising_department=first.supervising_department,
            deadline=first.deadline,
            reason="重复",
            created_by=first.supervisor,
        )


def test_the_deadline_cannot_be_in_the_past_and_a_reason_is_needed(h, matter):
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.supervise(matter, h.p["supervisor"], deadline=in_days(-1), reason="督办")
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.supervise(matter, h.p["supervisor"], deadline=in_days(1), reason="  ")
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.supervise(matter, h.p["supervisor"], deadline=None, reason="督办")
    # Today is fine.
    assert services.supervise(matter, h.p["supervisor"], deadline=in_days(0), reason="督办")


def test_the_named_supervisor_must_be_able_to_supervise(h, matter):
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.supervise(
            matter, h.p["office"], supervisor=h.p["xxk_staff"], deadline=in_days(1), reason="督办"
        )
    supervision = services.supervise(
        matter, h.p["office"], supervisor=h.p["supervisor"], deadline=in_days(1), reason="督办"
    )
    assert supervision.supervisor == h.p["supervisor"]
    assert supervision.created_by == h.p["office"]


# Urging.


def test_each_urge_is_counted_and_timed_and_asks_the_holder(h, supervised):
    item = services.urge(supervised, h.p["supervisor"], "请尽快处理")
    assert (item.sequence, item.by, item.note) == (1, h.p["supervisor"], "请尽快处理")
    assert abs(item.at - timezone.now()) < datetime.timedelta(seconds=5)
    # The holder: the responsible person and the owning department's handlers.
    for key in ("xxk_head", "xxk_liaison", "xxk_deputy"):
        assert asked(h.p[key], Ask.URGED) == 1
    assert asked(h.p["xxk_staff"], Ask.URGED) == 0
    event = supervised.events.get(type=EventType.URGED)
    assert event.data["sequence"] == 1 and event.text == "请尽快处理"


def test_the_leader_in_charge_is_copied_from_the_second_urge_on(h, supervised):
    leader = h.p["vp"]  # leader in charge of 信息科
    services.urge(supervised, h.p["supervisor"])
    assert Notification.objects.filter(recipient=leader).count() == 0
    with time_machine.travel(later(2)):
        second = services.urge(supervised, h.p["supervisor"])
    assert second.sequence == 2
    assert asked(leader, Ask.INFO) == 1
    with time_machine.travel(later(4)):
        services.urge(supervised, h.p["office"])
    assert asked(leader, Ask.INFO) == 2
    assert list(Urge.objects.values_list("sequence", flat=True)) == [1, 2, 3]
    assert asked(h.p["xxk_head"], Ask.URGED) == 3


def test_a_double_click_is_not_a_second_urge(h, supervised):
    services.urge(supervised, h.p["supervisor"])
    with changes_nothing(supervised), pytest.raises(WrongState):
        services.urge(supervised, h.p["supervisor"])
    assert Urge.objects.count() == 1


def test_only_the_supervising_side_urges(h, supervised):
    with changes_nothing(supervised), pytest.raises(NotAllowed):
        services.urge(supervised, h.p["mzb_head"])


def test_a_matter_without_supervision_cannot_be_urged(h, matter):
    with changes_nothing(matter), pytest.raises(WrongState):
        services.urge(matter, h.p["supervisor"])


# Rectification replies.


def test_the_lead_department_submits_a_reply_for_review(h, supervised):
    reply = submit(h, supervised)
    assert reply.state == RectificationState.SUBMITTED
    assert reply.submitted_by == h.p["xxk_liaison"]
    assert asked(h.p["supervisor"], Ask.REVIEW_RECTIFICATION) == 1
    event = supervised.events.get(type=EventType.RECTIFICATION_SUBMITTED)
    assert reply.event == event and event.text == reply.measures
    assert event.data["evidence"] == "运维记录、巡检表。"


def test_only_the_lead_department_submits_a_reply(h, supervised):
    with changes_nothing(supervised), pytest.raises(NotAllowed):
        submit(h, supervised, who="mzb_head")


def test_a_reply_needs_measures_evidence_and_a_date(h, supervised):
    person = h.p["xxk_head"]
    for measures, evidence, day in (
        ("", "记录", timezone.localdate()),
        ("措施", " ", timezone.localdate()),
        ("措施", "记录", None),
    ):
        with changes_nothing(supervised), pytest.raises(InvalidInput):
            services.submit_rectification(
                supervised, person, measures=measures, evidence=evidence, completion_date=day
            )


def test_one_reply_at_a_time_waits_for_review(h, supervised):
    submit(h, supervised)
    with changes_nothing(supervised), pytest.raises(WrongState):
        submit(h, supervised, who="xxk_head")


def test_a_rejection_needs_a_reason_and_asks_for_a_new_reply(h, supervised):
    submit(h, supervised)
    with changes_nothing(supervised), pytest.raises(InvalidInput):
        services.review_rectification(supervised, h.p["supervisor"], accept=False, reason=" ")
    reply = services.review_rectification(
        supervised, h.p["supervisor"], accept=False, reason="缺少巡检记录"
    )
    assert reply.state == RectificationState.REJECTED
    assert reply.reviewed_by == h.p["supervisor"] and reply.review_reason == "缺少巡检记录"
    supervision = supervised.supervisions.get()
    assert supervision.is_active
    assert asked(h.p["xxk_liaison"], Ask.RECTIFY) == 2  # on supervision, and now again
    # A new reply may be submitted, and is accepted.
    second = submit(h, supervised)
    accepted = services.review_rectification(supervised, h.p["supervisor"], accept=True)
    assert accepted == second and accepted.state == RectificationState.ACCEPTED
    supervision.refresh_from_db()
    assert not supervision.is_active and supervision.ended_at is not None
    assert types(supervised)[-5:] == [
        EventType.SUPERVISED,
        EventType.RECTIFICATION_SUBMITTED,
        EventType.RECTIFICATION_REJECTED,
        EventType.RECTIFICATION_SUBMITTED,
        EventType.RECTIFICATION_ACCEPTED,
    ]


def test_accepting_ends_the_supervision_while_the_matter_stays_open(h, supervised):
    submit(h, supervised)
    services.review_rectification(supervised, h.p["supervisor"], accept=True)
    supervised.refresh_from_db()
    assert supervised.state == State.ACCEPTED
    with pytest.raises(WrongState):
        services.urge(supervised, h.p["supervisor"])
    with pytest.raises(WrongState):
        submit(h, supervised)
    # It may be supervised again.
    again = services.supervise(supervised, h.p["office"], deadline=in_days(2), reason="复查")
    assert again.is_active and Supervision.objects.filter(matter=supervised).count() == 2


def test_only_the_supervisor_or_the_supervising_office_reviews(h, supervised):
    submit(h, supervised)
    for who in ("office", "xxk_head", "vp"):
        with changes_nothing(supervised), pytest.raises(NotAllowed):
            services.review_rectification(supervised, h.p[who], accept=True)


def test_a_reply_already_reviewed_is_not_reviewed_again(h, supervised):
    submit(h, supervised)
    services.review_rectification(supervised, h.p["supervisor"], accept=False, reason="不完整")
    with changes_nothing(supervised), pytest.raises(WrongState) as refused:
        services.review_rectification(supervised, h.p["supervisor"], accept=True)
    assert "朱督查" in refused.value.message


def test_nobody_reviews_before_a_reply_arrives(h, supervised):
    with changes_nothing(supervised), pytest.raises(WrongState):
        services.review_rectification(supervised, h.p["supervisor"], accept=True)


def test_the_database_keeps_one_reply_in_review(h, supervised):
    first = submit(h, supervised)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rectification.objects.create(
            supervision=first.supervision,
            measures="又一份",
            evidence="记录",
            completion_date=first.completion_date,
            submitted_by=first.submitted_by,
        )


def test_a_supervision_without_reply_refuses_one(h, matter):
    services.supervise(
        matter, h.p["supervisor"], deadline=in_days(3), reason="跟踪", rectification_required=False
    )
    assert asked(h.p["xxk_head"], Ask.RECTIFY) == 0
    assert asked(h.p["xxk_head"], Ask.INFO) == 1
    with changes_nothing(matter), pytest.raises(WrongState):
        submit(h, matter)


def test_a_reply_can_follow_after_the_matter_is_closed(h, supervised):
    head = h.p["xxk_head"]
    matter_services.reply(supervised, head, text="已处理")
    matter_services.confirm(supervised, supervised.originator, rating="satisfied")
    reply = submit(h, supervised)
    assert reply.state == RectificationState.SUBMITTED
