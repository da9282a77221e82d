"""Service levels: seeded for every kind, kept sane by the database, and turned into
clocks in the working time of the department that holds the matter."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from liaison.deadlines import services
from liaison.deadlines.models import BreachAction, ServiceLevel
from liaison.matters.models import MatterKind
from liaison.org.tests.factories import DepartmentFactory, OrganizationFactory
from liaison.worktime.models import WorkCalendar
from liaison.worktime.services import snapshot_for
from liaison.worktime.tests.factories import CalendarDayFactory, WorkCalendarFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def hospital():
    return OrganizationFactory()


def kind(organization, code="coordination") -> MatterKind:
    return MatterKind.objects.get(organization=organization, code=code)


def test_every_kind_gets_a_level_for_each_urgency(hospital):
    levels = ServiceLevel.objects.filter(kind__organization=hospital)
    assert levels.count() == MatterKind.objects.filter(organization=hospital).count() * 3
    emergency = levels.get(kind__code="coordination", urgency="emergency")
    assert (emergency.accept_within, emergency.accept_unit) == (30, "clock_minutes")
    assert (emergency.reply_within, emergency.reply_unit) == (360, "clock_minutes")
    normal = levels.get(kind__code="rectification", urgency="normal")
    assert (normal.reply_within, normal.reply_unit) == (15, "working_days")  # the kind's days
    assert normal.reminders == [50, 90] and normal.on_breach == BreachAction.ESCALATE


def test_a_new_kind_gets_its_levels(hospital):
    new = MatterKind.objects.create(
        organization=hospital,
        code="lab",
        name_zh="检验结果",
        name_en="Lab result",
        number_prefix="JY",
        default_days=2,
    )
    assert set(new.service_levels.values_list("urgency", flat=True)) == {
        "normal",
        "urgent",
        "emergency",
    }


@pytest.mark.parametrize(
    "change",
    [{"accept_within": 0}, {"urgency": "whenever"}, {"reply_unit": "fortnights"}],
)
def test_the_database_refuses_nonsense(hospital, change):
    level = ServiceLevel.objects.filter(kind__organization=hospital).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceLevel.objects.filter(pk=level.pk).update(**change)


def test_one_level_per_kind_and_urgency(hospital):
    level = ServiceLevel.objects.filter(kind__organization=hospital).first()
    level.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        level.save()


def test_reminders_are_percentages(hospital):
    level = ServiceLevel.objects.filter(kind__organization=hospital).first()
    level.reminders = [50, 120]
    with pytest.raises(ValidationError):
        level.full_clean()


def test_a_normal_matter_has_a_working_day_to_be_accepted(hospital):
    # Friday 16:00 → the next working day, Monday, at 16:00.
    clock = services.step_clock(kind(hospital), "normal", "accept", None, at(2026, 11, 20, 16))
    assert clock.due == at(2026, 11, 23, 16)
    # Reminders at 50% (3 h 45 of 7 h 30 of working time: 1 h 30 on Friday, 2 h 15 on
    # Monday morning) and 90% (6 h 45: past the lunch break).
    assert clock.reminders == (at(2026, 11, 23, 10, 15), at(2026, 11, 23, 15, 15))


def test_holidays_and_adjusted_working_days_move_the_deadline(hospital):
    # National Day 2026: 1–7 October are holidays, Saturday 10 October is a working day.
    clock = services.step_clock(kind(hospital), "normal", "accept", None, at(2026, 9, 30, 16))
    assert clock.due == at(2026, 10, 8, 16)
    clock = services.step_clock(kind(hospital), "normal", "accept", None, at(2026, 10, 9, 16))
    assert clock.due == at(2026, 10, 10, 16)


def test_an_emergency_runs_around_the_clock(hospital):
    # Saturday night, a holiday for the office hours: 30 minutes are 30 minutes.
    clock = services.step_clock(kind(hospital), "emergency", "accept", None, at(2026, 11, 21, 23))
    assert clock.due == at(2026, 11, 21, 23, 30)
    assert clock.reminders == (at(2026, 11, 21, 23, 15), at(2026, 11, 21, 23, 27))


def test_a_department_with_its_own_calendar_counts_in_its_time(hospital):
    emergency_unit = DepartmentFactory(organization=hospital, name="急诊科")
    WorkCalendarFactory(organization=hospital, department=emergency_unit, around_the_clock=True)
    start = at(2026, 11, 21, 10)  # a Saturday
    office = services.step_clock(kind(hospital), "urgent", "accept", None, start)
    ward = services.step_clock(kind(hospital), "urgent", "accept", emergency_unit, start)
    assert office.due == at(2026, 11, 23, 12)  # Monday, 4 working hours after opening
    assert ward.due == at(2026, 11, 21, 14)


def test_an_edited_level_applies_to_the_next_clock(hospital):
    ServiceLevel.objects.filter(kind=kind(hospital), urgency="normal").update(
        reply_within=2, reply_unit="working_hours", reminders=[]
    )
    clock = services.step_clock(kind(hospital), "normal", "reply", None, at(2026, 11, 23, 11))
    assert clock.due == at(2026, 11, 23, 15)  # 1 hour before the break, 1 after
    assert clock.reminders == ()


def test_a_missing_level_is_seeded_again(hospital):
    ServiceLevel.objects.filter(kind=kind(hospital)).delete()
    level = services.service_level(kind(hospital), "urgent")
    assert (level.accept_within, level.accept_unit) == (4, "working_hours")


def test_one_snapshot_serves_many_clocks(hospital, django_assert_num_queries):
    snapshot = snapshot_for(hospital)
    coordination = kind(hospital)
    with django_assert_num_queries(1):  # the level only
        services.step_clock(coordination, "normal", "reply", None, at(2026, 11, 23, 9), snapshot)
    assert WorkCalendar.objects.filter(organization=hospital).count() == 1
    CalendarDayFactory(organization=hospital, date=dt.date(2026, 11, 24))
    # A snapshot is a snapshot: it does not see the day added after it was taken.
    assert snapshot_for(hospital).is_working_day(dt.date(2026, 11, 24)) is False
    assert snapshot.is_working_day(dt.date(2026, 11, 24)) is True


def test_admins_edit_service_levels(hospital, client, django_user_model):
    django_user_model.objects.create_superuser("root", password="pass-1234-word")
    client.login(username="root", password="pass-1234-word")
    listing = client.get("/admin/deadlines/servicelevel/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert listing.status_code == 200
    assert "紧急" in listing.content.decode() or "Emergency" in listing.content.decode()
    level = ServiceLevel.objects.filter(kind__organization=hospital).first()
    page = client.get(f"/admin/deadlines/servicelevel/{level.pk}/change/")
    assert page.status_code == 200
