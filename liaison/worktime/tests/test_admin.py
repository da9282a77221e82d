"""The admin pages and the load-holidays command."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from liaison.org.tests.factories import DepartmentFactory, OrganizationFactory
from liaison.worktime.models import CalendarDay, DayKind, WorkCalendar

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def hospital():
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC), tick=False):
        return OrganizationFactory(code="h1", name="测试医院")


@pytest.fixture
def admin_client(client, django_user_model):
    django_user_model.objects.create_superuser("root", password="pass-1234-word")
    client.login(username="root", password="pass-1234-word")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the messages checked are English
    return client


def test_every_page_opens(admin_client, hospital):
    calendar = WorkCalendar.objects.get(organization=hospital)
    day = CalendarDay.objects.filter(organization=hospital).first()
    for url in (
        reverse("admin:worktime_workcalendar_changelist"),
        reverse("admin:worktime_workcalendar_change", args=[calendar.pk]),
        reverse("admin:worktime_workcalendar_add"),
        reverse("admin:worktime_calendarday_changelist"),
        reverse("admin:worktime_calendarday_change", args=[day.pk]),
        reverse("admin:worktime_calendarday_import"),
    ):
        assert admin_client.get(url).status_code == 200, url


def calendar_form(organization, department, periods, **fields):
    data = {
        "organization": organization.pk,
        "department": department.pk,
        "name": "急诊",
        "monday": "on",
        "periods-TOTAL_FORMS": len(periods),
        "periods-INITIAL_FORMS": 0,
        **fields,
    }
    for number, (start, end) in enumerate(periods):
        data[f"periods-{number}-start"] = start
        data[f"periods-{number}-end"] = end
    return data


def test_overlapping_periods_are_refused(admin_client, hospital):
    department = DepartmentFactory(organization=hospital)
    url = reverse("admin:worktime_workcalendar_add")
    response = admin_client.post(
        url, calendar_form(hospital, department, [("08:00", "12:00"), ("11:00", "13:00")])
    )
    assert response.status_code == 200
    assert "overlap" in response.text
    response = admin_client.post(
        url, calendar_form(hospital, department, [("08:00", "12:00"), ("12:00", "13:00")])
    )
    assert response.status_code == 302
    assert WorkCalendar.objects.get(department=department).periods.count() == 2


def test_a_calendar_without_periods_must_be_around_the_clock(admin_client, hospital):
    department = DepartmentFactory(organization=hospital)
    url = reverse("admin:worktime_workcalendar_add")
    response = admin_client.post(url, calendar_form(hospital, department, []))
    assert "at least one working period" in response.text
    response = admin_client.post(
        url, calendar_form(hospital, department, [], around_the_clock="on")
    )
    assert response.status_code == 302


def test_uploading_a_file(admin_client, hospital):
    url = reverse("admin:worktime_calendarday_import")
    upload = ("2027.csv", b"2027-01-01,holiday,\xe5\x85\x83\xe6\x97\xa6\n")
    response = admin_client.post(
        url, {"organization": hospital.pk, "file": SimpleUploadedFile(*upload)}
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get(organization=hospital, date=dt.date(2027, 1, 1)).name == "元旦"

    bad = SimpleUploadedFile("2027.csv", b"2027-02-30,holiday,x\n")
    response = admin_client.post(url, {"organization": hospital.pk, "file": bad})
    assert response.status_code == 200
    assert "is not a date" in response.text


def test_loading_a_year_from_the_library(admin_client, hospital):
    url = reverse("admin:worktime_calendarday_import")
    CalendarDay.objects.filter(organization=hospital).delete()
    assert admin_client.post(url, {"organization": hospital.pk, "year": 2026}).status_code == 302
    assert CalendarDay.objects.filter(organization=hospital).count() == 39
    response = admin_client.post(url, {"organization": hospital.pk, "year": 2027})
    assert "no data for 2027" in response.text
    response = admin_client.post(url, {"organization": hospital.pk})
    assert "either a file or a year" in response.text


def test_the_import_page_needs_the_permissions(client, django_user_model):
    django_user_model.objects.create_user("clerk", password="pass-1234-word", is_staff=True)
    client.login(username="clerk", password="pass-1234-word")
    assert client.get(reverse("admin:worktime_calendarday_import")).status_code == 403


def test_the_command_loads_a_file(hospital, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text("2027-02-07,补班,春节补班\n", encoding="utf-8")
    call_command("load_holidays", "--organization", "h1", str(path))
    assert CalendarDay.objects.get(organization=hospital, date=dt.date(2027, 2, 7)).kind == (
        DayKind.WORKDAY
    )


def test_the_command_explains_failures(hospital, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("2027-02-07,maybe,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="neither holiday nor workday"):
        call_command("load_holidays", "--organization", "h1", str(path))
    with pytest.raises(CommandError, match="No organization"):
        call_command("load_holidays", "--organization", "nope", str(path))
    with pytest.raises(CommandError, match="no data for 2027"):
        call_command("load_holidays", "--organization", "h1", "--year", "2027")
    with pytest.raises(CommandError):
        call_command("load_holidays", "--organization", "h1", str(tmp_path / "missing.csv"))
    call_command("load_holidays", "--organization", "h1", "--year", "2026")
