import datetime

import pytest
import time_machine
from django.utils import timezone

from liaison.core.errors import InvalidInput, NotAllowed, WrongState
from liaison.inbox.models import Ask, Notification
from liaison.matters.models import State
from liaison.notices import policy, selectors, services
from liaison.notices.models import EventType, NoticeState, Receipt
from liaison.notices.services import common
from liaison.org.models import Department, DepartmentKind, Person, Position, PositionRole

from .factories import publish


def items(person, ask=None):
    found = Notification.objects.filter(recipient=person)
    return found.filter(ask=ask) if ask else found


def test_publishing_to_departments_asks_their_liaison_officers_to_relay(h):
    notice = publish(h)
    assert notice.state == NoticeState.PUBLISHED
    # Everyone in the three departments has a receipt; nobody else.
    departments = {h.d["XXK"].pk, h.d["YJK"].pk, h.d["MZB"].pk}
    members = set(
        Position.objects.current()
        .filter(department_id__in=departments)
        .values_list("person_id", flat=True)
    )
    assert set(notice.receipts.values_list("person_id", flat=True)) == members
    assert notice.recipient_count == len(members)
    # Liaison officers are asked to relay; heads and deputies see it at once; staff wait.
    for code in ("xxk", "yjk", "mzb"):
        assert items(h.p[f"{code}_liaison"], Ask.RELAY).count() == 1
        assert policy.may_view(h.p[f"{code}_head"], notice)
        assert not policy.may_view(h.p[f"{code}_staff"], notice)
        assert not items(h.p[f"{code}_staff"]).exists()
    assert not items(h.p["xxk_head"], Ask.RELAY).exists()
    stats = services.statistics(notice)
    assert [row.department.code for row in stats.rows] == ["XXK", "YJK", "MZB"]
    assert not any(row.relayed for row in stats.rows)
    assert stats.read == 0 and stats.total == len(members)


def test_the_relay_lets_the_department_see_the_notice_and_is_recorded(h):
    notice = publish(h)
    services.relay_notice(notice, h.p["xxk_liaison"], note="请全科周五前阅读")
    assert policy.may_view(h.p["xxk_staff"], notice)
    item = items(h.p["xxk_staff"], Ask.READ).get()
    assert item.detail == "请全科周五前阅读"
    assert not policy.may_view(h.p["yjk_staff"], notice)
    event = notice.events.get(type=EventType.RELAYED)
    assert event.actor == h.p["xxk_liaison"] and event.department == h.d["XXK"]
    xxk = next(r for r in services.statistics(notice).rows if r.department.code == "XXK")
    assert xxk.relayed and xxk.relay.relayed_by == h.p["xxk_liaison"]
    with pytest.raises(WrongState, match="relayed already"):
        services.relay_notice(notice, h.p["xxk_liaison"])
    with pytest.raises(NotAllowed):
        services.relay_notice(notice, h.p["xxk_staff"])
    with pytest.raises(NotAllowed):
        services.relay_notice(notice, h.p["xxk_liaison"], department=h.d["YJK"])


def test_a_department_without_liaison_officer_or_head_gets_the_notice_directly(h):
    lab = Department.objects.create(
        organization=h.organization,
        code="JYK",
        name="检验科",
        kind=DepartmentKind.MEDICAL_TECHNICAL,
    )
    Position.objects.create(person=h.p["outsider"], department=lab, role=PositionRole.STAFF)
    h.d["JYK"] = lab
    notice = publish(h, departments=("JYK",))
    relay = notice.relays.get()
    assert relay.relayed_at is not None and relay.relayer is None
    assert items(h.p["outsider"], Ask.READ).count() == 1
    assert policy.may_view(h.p["outsider"], notice)


def test_reading_is_recorded_once_and_only_when_the_notice_can_be_seen(h):
    notice = publish(h)
    staff = h.p["xxk_staff"]
    assert not services.mark_read(notice, staff)  # not relayed yet
    services.relay_notice(notice, h.p["xxk_liaison"])
    assert services.mark_read(notice, staff, via="api")
    first = Receipt.objects.get(notice=notice, person=staff)
    assert first.read_via == "api"
    assert not services.mark_read(notice, staff)
    assert Receipt.objects.get(notice=notice, person=staff).read_at == first.read_at
    xxk = services.statistics(notice).rows[0]
    assert xxk.read == 1
    assert staff.user.username not in [u for u, _name in xxk.unread]


def test_reminders_reach_non_readers_and_unrelayed_liaisons_at_most_hourly(h):
    notice = publish(h)
    services.relay_notice(notice, h.p["xxk_liaison"])
    services.mark_read(notice, h.p["xxk_head"])
    before = Notification.objects.count()
    result = services.remind(notice, h.p["office_head"])
    # XXK: liaison, staff and deputy have not read; YJK and MZB: their heads have not
    # read and their liaison officers are asked to relay.
    assert result.readers == 5
    assert result.relayers == 2
    assert not items(h.p["xxk_head"], Ask.READ).filter(title__startswith="Reminder").exists()
    assert items(h.p["xxk_staff"]).filter(title__startswith="Reminder").count() == 1
    assert items(h.p["yjk_liaison"], Ask.RELAY).filter(title__startswith="Reminder").exists()
    assert Notification.objects.count() > before
    again = services.remind(notice, h.p["office_head"])
    assert again.readers == 0 and again.relayers == 0 and again.skipped > 0
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        later = services.remind(notice, h.p["office_head"], department=h.d["XXK"])
    assert later.readers == 3 and later.relayers == 0
    assert notice.events.filter(type=EventType.REMINDED).count() == 3


def test_a_liaison_officer_reminds_only_their_own_department(h):
    notice = publish(h)
    services.relay_notice(notice, h.p["xxk_liaison"])
    result = services.remind(notice, h.p["xxk_liaison"])
    assert result.readers == 3  # head, deputy, staff; not YJK's or MZB's people
    assert not items(h.p["yjk_head"]).filter(title__startswith="Reminder").exists()
    with pytest.raises(NotAllowed):
        services.remind(notice, h.p["xxk_liaison"], department=h.d["YJK"])
    with pytest.raises(NotAllowed):
        services.remind(notice, h.p["xxk_staff"])
    mine = services.statistics(
        notice, departments=policy.stats_departments(h.p["xxk_liaison"], notice)
    )
    assert [row.department.code for row in mine.rows] == ["XXK"]


def test_task_deployments_open_a_matter_per_department_and_withdrawing_takes_them_back(h):
    due = timezone.localdate() + datetime.timedelta(days=7)
    notice = publish(h, require_action=True, action_due=due, kind="task_deployment")
    relays = list(notice.relays.select_related("matter"))
    assert len(relays) == 3
    for relay in relays:
        matter = relay.matter
        assert matter.kind.code == "task_deployment"
        assert matter.owner_department == relay.department
        assert matter.responsible_person_id == relay.relayer_id
        assert matter.due == due
        assert matter.originator == h.p["office_head"]
        # The notice linked and the date in words (English here), never an ISO date.
        assert f"[«{notice.title}»](/notices/{notice.pk}/)" in matter.description
        assert f"by {due.day} {due:%B} {due.year}." in matter.description
    services.withdraw(notice, h.p["office_head"], reason="内容有误，重新发布")
    notice.refresh_from_db()
    assert notice.state == NoticeState.WITHDRAWN
    for relay in relays:
        relay.matter.refresh_from_db()
        assert relay.matter.state == State.WITHDRAWN
    assert not policy.may_view(h.p["xxk_staff"], notice)
    assert items(h.p["xxk_head"]).filter(title__startswith="Withdrawn").exists()
    with pytest.raises(WrongState):
        services.relay_notice(notice, h.p["yjk_liaison"])
    with pytest.raises(WrongState, match="Only a published notice can be withdrawn"):
        services.withdraw(notice, h.p["office_head"], reason="再撤一次")


def test_people_named_directly_see_it_at_once_and_count_under_their_department(h):
    data = services.NoticeInput(
        title="院周会纪要",
        author_department=h.d["YB"],
        roles=(PositionRole.HEAD,),
        people=(h.p["bwk_staff"],),
    )
    notice = services.create_notice(h.p["office_head"], data, publish=True)
    heads = Position.objects.current().filter(role=PositionRole.HEAD)
    receipts = {r.person_id: r for r in notice.receipts.all()}
    assert set(receipts) == {*heads.values_list("person_id", flat=True), h.p["bwk_staff"].pk}
    assert all(r.delivered_at is not None for r in receipts.values())
    assert receipts[h.p["bwk_staff"].pk].department == h.d["BWK"]
    assert not notice.relays.exists()
    assert items(h.p["bwk_staff"], Ask.READ).count() == 1
    assert not items(h.p["office_head"]).exists()  # the publisher is not told


def test_everyone_and_groups(h):
    everyone = services.create_notice(
        h.p["office_head"],
        services.NoticeInput(title="春节放假安排", author_department=h.d["YB"], to_everyone=True),
        publish=True,
    )
    assert everyone.recipient_count == Person.objects.filter(organization=h.organization).count()
    group = h.organization.coordination_groups.get()
    data = services.NoticeInput(title="领导小组会议", author_department=h.d["YB"], groups=(group,))
    notice = services.create_notice(h.p["office_head"], data, publish=True)
    assert set(notice.receipts.values_list("person_id", flat=True)) == set(
        group.memberships.values_list("person_id", flat=True)
    )


def test_sub_departments_are_included_on_request(h):
    ward = Department.objects.create(
        organization=h.organization,
        code="EK1",
        name="儿科一病区",
        kind=DepartmentKind.CLINICAL,
        parent=h.d["EK"],
    )
    nurse = h.p["mzb_staff"]
    Position.objects.create(person=nurse, department=ward, role=PositionRole.LIAISON_OFFICER)
    h.d["EK1"] = ward
    plain = publish(h, departments=("EK",))
    assert not plain.receipts.filter(person=nurse).exists()
    deep = publish(h, departments=("EK",), with_subtree=True)
    assert deep.receipts.get(person=nurse).department == ward
    assert set(deep.relays.values_list("department__code", flat=True)) == {"EK", "EK1"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": " "}, "needs a title"),
        ({"departments": ()}, "reaches nobody"),
        ({"require_action": True}, "Give the date"),
        ({"action_due": datetime.date(2020, 1, 1)}, "cannot be in the past"),
    ],
)
def test_bad_notices_are_refused_with_a_reason(h, changes, message):
    with pytest.raises(InvalidInput, match=message):
        publish(h, **changes)


def test_staff_write_drafts_that_their_head_publishes(h):
    data = services.NoticeInput(
        title="信息系统停机维护", author_department=h.d["XXK"], departments=(h.d["MZB"],)
    )
    draft = services.create_notice(h.p["xxk_staff"], data)
    assert draft.state == NoticeState.DRAFT
    with pytest.raises(NotAllowed):
        services.publish_notice(draft, h.p["xxk_staff"])
    assert not policy.may_view(h.p["mzb_head"], draft)
    services.publish_notice(draft, h.p["xxk_head"])
    draft.refresh_from_db()
    assert draft.published_by == h.p["xxk_head"]
    with pytest.raises(WrongState):
        services.edit_draft(draft, h.p["xxk_head"], data)
    with pytest.raises(WrongState, match="already published"):
        services.publish_notice(draft, h.p["xxk_head"])


def test_large_audiences_are_told_by_the_worker(h, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(common, "TELL_AT_ONCE", 1)
    monkeypatch.setattr(common, "TELL_CHUNK", 2)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notice = services.create_notice(
            h.p["office_head"],
            services.NoticeInput(title="全院通知", author_department=h.d["YB"], to_everyone=True),
            publish=True,
        )
    assert len(callbacks) >= notice.recipient_count // 2
    told = Notification.objects.filter(url__endswith=f"/notices/{notice.pk}/")
    assert told.count() == notice.recipient_count - 1  # all but the publisher


def test_the_sweep_reminds_a_slow_liaison_officer_once(h):
    notice = publish(h)
    services.relay_notice(notice, h.p["xxk_liaison"])
    assert services.sweep(timezone.now())["relay_reminders"] == 0
    later = timezone.now() + datetime.timedelta(hours=25)
    assert services.sweep(later)["relay_reminders"] == 2  # YJK and MZB
    assert services.sweep(later)["relay_reminders"] == 0
    assert items(h.p["yjk_liaison"], Ask.RELAY).count() == 2


def test_an_expired_notice_is_no_longer_relayed_or_chased(h):
    notice = publish(h, expires_at=timezone.now() + datetime.timedelta(hours=1))
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        with pytest.raises(WrongState):
            services.relay_notice(notice, h.p["xxk_liaison"])
        with pytest.raises(WrongState):
            services.remind(notice, h.p["office_head"])
        assert not selectors.awaiting_relay(h.p["xxk_liaison"]).exists()


def test_pinning_is_recorded(h):
    notice = publish(h)
    services.set_pinned(notice, h.p["office_head"], pinned=True)
    assert notice.events.filter(type=EventType.PINNED, actor=h.p["office_head"]).exists()
    with pytest.raises(NotAllowed):
        services.set_pinned(notice, h.p["xxk_head"], pinned=False)


def test_liaison_reports_become_matters_for_the_coordinating_office(h):
    matter = services.report_problem(
        h.p["zwk_liaison"], h.d["ZWK"], title="门诊楼电梯频繁故障", description="请协调维修"
    )
    assert matter.kind.code == "liaison_report"
    assert matter.state == State.SUBMITTED
    assert matter.originator_department == h.d["ZWK"]
    assert list(selectors.reported_by([h.d["ZWK"].pk])) == [matter]
    with pytest.raises(NotAllowed):
        services.report_problem(h.p["zwk_staff"], h.d["ZWK"], title="x")
