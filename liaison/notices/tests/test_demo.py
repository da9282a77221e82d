from liaison.notices import policy, selectors, services
from liaison.notices.demo import build_demo_notices
from liaison.notices.models import Notice, NoticeState
from liaison.org.demo import build_demo_hospital
from liaison.org.models import Person


def test_the_demo_hospital_has_notices_in_every_state_of_relay(db):
    organization = build_demo_hospital()
    assert build_demo_notices(organization) == 4  # published; and one draft
    notices = Notice.objects.filter(organization=organization)
    assert notices.filter(state=NoticeState.DRAFT).count() == 1
    deployment = notices.get(kind="task_deployment")
    assert deployment.relays.exclude(matter=None).count() == deployment.relays.count() == 4
    # The demo's liaison officer of 药剂科 has something to relay, its nurse of 儿科
    # something to read, and the issuing office statistics to watch.
    liaison = Person.objects.get(user__username="lianluo")
    assert selectors.awaiting_relay(liaison).exists()
    nurse = Person.objects.get(user__username="yuangong")
    assert any(policy.may_view(nurse, n) for n in notices.filter(state="published"))
    stats = services.statistics(deployment)
    assert 0 < stats.read < stats.total
    assert any(row.relayed for row in stats.rows) and not all(row.relayed for row in stats.rows)
