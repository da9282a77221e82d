"""A plan produces its due distributions as the clock moves: each created once when it
falls due, its owner asked to send it, marked sent or skipped, overdue after its day."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import translation

from liaison.communication import policy, services
from liaison.communication.models import Distribution, DistributionState, EventType
from liaison.core.errors import InvalidInput, NotAllowed, WrongState
from liaison.deadlines.sweep import run_sweep
from liaison.inbox.models import Ask, Notification

from .conftest import at
from .factories import make_row

pytestmark = pytest.mark.django_db


def asked(person, ask) -> int:
    return Notification.objects.filter(recipient=person, ask=ask).count()


@pytest.fixture
def weekly(h, project, president, pharmacy):
    """The weekly status, every Friday at 9:00 from 6 March, sent by 信息科's liaison."""
    return make_row(project, h.p["xxk_head"], to=[president, pharmacy], owner=h.p["xxk_liaison"])


def test_a_new_row_is_due_first_on_its_first_matching_day(weekly):
    assert weekly.next_due_at == at("2026-03-06", "09:00")
    assert not Distribution.objects.exists()


def test_a_weekly_row_produces_its_distributions_as_the_clock_moves(h, weekly, monday):
    # given a Monday, nothing is due before Friday 9:00
    monday.move_to(at("2026-03-06", "08:59"))
    assert services.sweep()["distributions_due"] == 0

    # when Friday 9:00 comes
    monday.move_to(at("2026-03-06", "09:00"))
    counts = services.sweep()

    # then one distribution is due, for the owner, to the row's stakeholders
    assert counts["distributions_due"] == 1
    distribution = Distribution.objects.get()
    assert distribution.due_at == at("2026-03-06", "09:00")
    assert distribution.state == DistributionState.DUE
    assert distribution.owner == h.p["xxk_liaison"]
    assert distribution.audience == "沈院长、药剂科"
    weekly.refresh_from_db()
    assert weekly.next_due_at == at("2026-03-13", "09:00")

    # and the owner is asked to send it
    item = Notification.objects.get(recipient=h.p["xxk_liaison"], ask=Ask.DISTRIBUTE)
    with translation.override("en"):  # the title is punctuated in the reader's language
        assert item.shown_title == "HIS升级改造项目: 项目周报"
    assert item.url == f"/communication/distributions/{distribution.pk}/"
    assert distribution.events.get().type == EventType.FELL_DUE

    # the next two Fridays bring one each
    monday.move_to(at("2026-03-13", "09:30"))
    assert services.sweep()["distributions_due"] == 1
    monday.move_to(at("2026-03-20", "17:00"))
    assert services.sweep()["distributions_due"] == 1
    due = list(Distribution.objects.order_by("due_at").values_list("due_at", flat=True))
    assert due == [at(d, "09:00") for d in ("2026-03-06", "2026-03-13", "2026-03-20")]


def test_the_sweep_is_idempotent(h, weekly, monday):
    monday.move_to(at("2026-03-06", "09:05"))
    assert services.sweep()["distributions_due"] == 1
    assert services.sweep()["distributions_due"] == 0
    assert run_sweep().get("distributions_due") is None
    assert Distribution.objects.count() == 1
    assert asked(h.p["xxk_liaison"], Ask.DISTRIBUTE) == 1


def test_a_row_far_behind_catches_up_its_missed_distributions_at_once(h, weekly, monday):
    # The worker was stopped for three weeks.
    monday.move_to(at("2026-03-21"))
    assert services.sweep()["distributions_due"] == 3
    assert asked(h.p["xxk_liaison"], Ask.DISTRIBUTE) == 1  # one notice for the three
    weekly.refresh_from_db()
    assert weekly.next_due_at == at("2026-03-27", "09:00")


def test_the_sweep_reads_only_the_rows_that_are_due(h, weekly, monday, django_assert_num_queries):
    monday.move_to(at("2026-03-04"))
    with django_assert_num_queries(2):  # due rows, overdue distributions
        assert services.sweep() == {"distributions_due": 0, "distributions_overdue": 0}


def test_a_first_day_in_the_past_does_not_create_past_distributions(h, project, president):
    row = make_row(
        project,
        h.p["xxk_head"],
        to=[president],
        owner=h.p["xxk_head"],
        rule="FREQ=DAILY",
        start_date=datetime.date(2026, 1, 1),
    )
    assert row.next_due_at == at("2026-03-03", "09:00")
    services.sweep()
    assert not Distribution.objects.exists()


def test_a_monthly_row_falls_due_on_its_day_of_the_month(h, project, president, monday):
    row = make_row(
        project,
        h.p["xxk_head"],
        to=[president],
        owner=h.p["xxk_head"],
        information="月度绩效报告",
        rule="FREQ=MONTHLY;BYMONTHDAY=-1",
        start_date=datetime.date(2026, 3, 2),
        due_time=datetime.time(16, 0),
        channel="report",
    )
    assert row.next_due_at == at("2026-03-31", "16:00")
    monday.move_to(at("2026-04-30", "16:00"))
    assert services.sweep()["distributions_due"] == 2


def test_an_ended_row_or_a_closed_project_falls_due_no_more(h, weekly, project, monday):
    monday.move_to(at("2026-03-06", "09:00"))
    services.sweep()
    assert services.remove_row(weekly, h.p["xxk_head"]) is False  # it has a record: ended
    weekly.refresh_from_db()
    assert not weekly.is_active and weekly.next_due_at is None
    monday.move_to(at("2026-03-20"))
    assert services.sweep()["distributions_due"] == 0
    assert project.events.filter(type=EventType.ROW_ENDED).exists()


# Sent, skipped.


@pytest.fixture
def due(weekly, monday):
    monday.move_to(at("2026-03-06", "09:00"))
    services.sweep()
    monday.move_to(at("2026-03-06", "15:00"))
    return Distribution.objects.get()


def test_the_owner_marks_it_sent_with_a_note_a_link_and_a_file(h, due, president):
    upload = SimpleUploadedFile("第10周项目周报.pdf", b"%PDF-1.4", content_type="application/pdf")
    services.mark_sent(
        due,
        h.p["xxk_liaison"],
        note="本周进度与下周计划已邮件发送",
        sent_to=[president],
        link="https://pan.example.com/s/abc",
        upload=upload,
    )
    due.refresh_from_db()
    assert due.state == DistributionState.SENT
    assert due.sent_by == h.p["xxk_liaison"] and due.sent_at == at("2026-03-06", "15:00")
    assert list(due.sent_to.all()) == [president]
    assert due.attachment_name == "第10周项目周报.pdf" and due.attachment.read() == b"%PDF-1.4"
    event = due.events.get(type=EventType.SENT)
    assert event.actor == h.p["xxk_liaison"]
    assert event.data["to"] == ["沈院长"] and event.data["note"] == "本周进度与下周计划已邮件发送"
    # The owner's "send it" item is done with.
    item = Notification.objects.get(recipient=h.p["xxk_liaison"], ask=Ask.DISTRIBUTE)
    assert item.read_at is not None


def test_sent_to_defaults_to_the_rows_stakeholders(h, due, president, pharmacy):
    services.mark_sent(due, h.p["xxk_liaison"])
    assert set(due.sent_to.all()) == {president, pharmacy}


def test_it_is_marked_once(h, due):
    services.mark_sent(due, h.p["xxk_liaison"])
    with pytest.raises(WrongState, match="钱联络 marked it sent at 6 Mar 2026 15:00"):
        services.skip(due, h.p["xxk_head"], reason="本周无进展")


def test_the_owner_skips_it_with_a_reason(h, due):
    with pytest.raises(InvalidInput):
        services.skip(due, h.p["xxk_liaison"], reason=" ")
    services.skip(due, h.p["xxk_liaison"], reason="春节放假，本周不发")
    due.refresh_from_db()
    assert due.state == DistributionState.SKIPPED and due.note == "春节放假，本周不发"
    assert due.skipped_by == h.p["xxk_liaison"] and due.sent_at is None


def test_a_bad_link_or_file_is_refused_and_changes_nothing(h, due):
    with pytest.raises(InvalidInput):
        services.mark_sent(due, h.p["xxk_liaison"], link="javascript:alert(1)")
    with pytest.raises(InvalidInput):
        services.mark_sent(due, h.p["xxk_liaison"], upload=SimpleUploadedFile("x.exe", b"MZ"))
    due.refresh_from_db()
    assert due.state == DistributionState.DUE
    assert not due.events.filter(type=EventType.SENT).exists()


@pytest.mark.parametrize("who", ["xxk_liaison", "xxk_head", "xxk_deputy", "office"])
def test_the_owner_and_the_projects_managers_may_mark_it(h, due, who):
    assert policy.may_mark(h.p[who], due)
    services.mark_sent(due, h.p[who])
    due.refresh_from_db()
    assert due.state == DistributionState.SENT and due.sent_by == h.p[who]
    assert due.events.get(type=EventType.SENT).actor == h.p[who]
    assert not policy.may_mark(h.p[who], due)  # once only


@pytest.mark.parametrize("who", ["xxk_staff", "yjk_head", "outsider", "president"])
def test_others_may_not_mark_it(h, due, who):
    assert not policy.may_mark(h.p[who], due)
    with pytest.raises(NotAllowed):
        services.mark_sent(due, h.p[who])
    due.refresh_from_db()
    assert due.state == DistributionState.DUE


def test_when_the_owner_changes_the_due_distributions_go_to_the_new_owner(h, due, weekly):
    data = services.RowInput(
        information=weekly.information,
        stakeholders=tuple(weekly.stakeholders.all()),
        rule=weekly.rule,
        start_date=weekly.start_date,
        channel=weekly.channel,
        owner=h.p["xxk_staff"],
    )
    services.edit_row(weekly, h.p["xxk_head"], data)
    due.refresh_from_db()
    assert due.owner == h.p["xxk_staff"]
    services.mark_sent(due, h.p["xxk_staff"])


# Overdue.


def test_a_distribution_not_sent_by_the_end_of_its_day_is_overdue(h, due, monday):
    assert services.sweep()["distributions_overdue"] == 0
    assert Distribution.objects.overdue().count() == 0
    monday.move_to(at("2026-03-07", "00:00"))
    assert due.is_overdue()
    assert services.sweep()["distributions_overdue"] == 1
    assert services.sweep()["distributions_overdue"] == 0  # told once
    assert asked(h.p["xxk_liaison"], Ask.OVERDUE) == 1
    assert asked(h.p["xxk_head"], Ask.OVERDUE) == 1  # the project manager
    assert due.events.filter(type=EventType.OVERDUE).count() == 1
    # Sending it late is still recorded.
    services.mark_sent(due, h.p["xxk_liaison"], note="补发")
    assert Distribution.objects.overdue().count() == 0


def test_distributions_are_unique_per_row_and_due_moment(h, due):
    with pytest.raises(IntegrityError), transaction.atomic():
        Distribution.objects.create(row=due.row, due_at=due.due_at, owner=due.owner)
    assert Distribution.objects.count() == 1
