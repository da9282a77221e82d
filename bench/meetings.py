"""Benchmark: ten years of meeting series for 300 departments.

    .venv/bin/python bench/meetings.py [--departments 300] [--years 10] [--requests 30]

Without DATABASE_URL it runs on a temporary SQLite database (deleted afterwards); with it,
that database is migrated and a new organization `bench-<timestamp>` is left in it, so
point DATABASE_URL only at a throw-away database.

What is built: the organization of bench/matters.py (300 departments, 3,000 people, heads
and liaison officers), 20 rooms, and per department one series that started ten years ago
(weekly management meetings, Friday project meetings, monthly quality meetings, local
discussion meetings every two months, in turn), each with its organizer and three other
departments attending (head and liaison officer) and two people; plus the hospital-wide
coordination meeting twice a year with every department. Every occurrence from the first
one to a year ahead is stored, as the services store them (bulk-loaded here: the services
refuse a first day more than a year ago); one in fifty is moved or cancelled on its own.

Printed (p50 / p95 of --requests runs through Django's test client, logged in as the head
of a department): the month calendar page for the whole hospital, for one department,
and for "my meetings"; a person's ICS feed through its secret address (no login).
Goals: month view <= 200 ms, ICS feed <= 300 ms.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import matters as matters_bench  # noqa: E402 (bench/matters.py, after the path is set)

CADENCES = [
    ("weekly_management", "FREQ=WEEKLY;BYDAY=MO", datetime.time(8, 0), 60),
    ("project", "FREQ=WEEKLY;BYDAY=FR", datetime.time(15, 0), 90),
    ("quality", "FREQ=MONTHLY;BYDAY=+2TH", datetime.time(14, 0), 120),
    ("local_discussion", "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15", datetime.time(16, 0), 90),
]

KIND_NAMES = {
    "weekly_management": "周管理例会",
    "project": "周五项目例会",
    "quality": "质量月例会",
    "local_discussion": "局部讨论会",
    "coordination": "全院沟通协调会",
}


def build(departments: int, people: int, years: int, seed: int):
    from django.utils import timezone

    from liaison.meetings import services
    from liaison.meetings.models import (
        Attendance,
        Meeting,
        MeetingSeries,
        MeetingState,
        Participant,
        Room,
    )
    from liaison.org.models import Department, Person

    rng = random.Random(seed)
    organization, president = matters_bench.create_organization(departments, people)
    departments = list(Department.objects.filter(organization=organization, is_active=True))
    everyone = list(Person.objects.filter(organization=organization, is_active=True))
    rooms = Room.objects.bulk_create(
        Room(organization=organization, code=f"room-{n + 1}", name=f"第{n + 1}会议室", capacity=30)
        for n in range(20)
    )
    now = timezone.now()
    first_day = timezone.localdate() - datetime.timedelta(days=365 * years)
    horizon = now + services.HORIZON + services.SLACK
    plans = []
    for index, department in enumerate(departments):
        kind, rule, at, minutes = CADENCES[index % len(CADENCES)]
        plans.append((department, kind, rule, at, minutes, rng.sample(departments, 3)))
    coordinating = organization.coordinating_department
    plans.append(
        (
            coordinating,
            "coordination",
            "FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=10",
            datetime.time(9, 0),
            180,
            departments,
        )
    )
    series_rows = []
    for department, kind, rule, at, minutes, _others in plans:
        series_rows.append(
            MeetingSeries(
                organization=organization,
                title=f"{department.name}{KIND_NAMES[kind]}",
                kind=kind,
                organizer=department,
                chair=president if kind == "coordination" else None,
                rule=rule,
                start_date=first_day,
                start_time=at,
                duration=minutes,
                time_zone="Asia/Shanghai",
                room=rng.choice(rooms),
                created_by=president,
                created_at=now,
                updated_at=now,
                materialized_until=horizon,
            )
        )
    MeetingSeries.objects.bulk_create(series_rows)
    participants, meetings = [], []
    for series, (department, *_how, others) in zip(series_rows, plans, strict=True):
        for attending in {department, *others}:
            participants.append(
                Participant(series=series, department=attending, attendance=Attendance.BOTH)
            )
        for person in rng.sample(everyone, 2):
            participants.append(Participant(series=series, person=person))
        start = services._start_of(series)
        for meeting in services._occurrences(
            series, services.occurrence_times(series, start, horizon)
        ):
            if rng.random() < 0.02:
                meeting.overridden = True
                if rng.random() < 0.5:
                    meeting.start += datetime.timedelta(hours=1)
                    meeting.end += datetime.timedelta(hours=1)
                else:
                    meeting.state = MeetingState.CANCELLED
                    meeting.cancelled_at = meeting.start - datetime.timedelta(days=1)
                    meeting.cancel_reason = "与院周会冲突"
            meetings.append(meeting)
    Participant.objects.bulk_create(participants, batch_size=5000)
    Meeting.objects.bulk_create(meetings, batch_size=5000)
    return organization, len(series_rows), len(meetings)


def timed(function, repeat: int) -> tuple[float, float]:
    function()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def measure(organization, requests: int) -> None:
    from django.test import Client, override_settings
    from django.urls import reverse

    from liaison.meetings import services
    from liaison.org.models import Position, PositionRole

    head = (
        Position.objects.current()
        .filter(department__organization=organization, role=PositionRole.HEAD)
        .select_related("person__user", "department")
        .order_by("department__code")
        .first()
    )
    person, department = head.person, head.department
    # Static files unbuilt: their plain names (the manifest is made by collectstatic).
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    client = Client()
    client.force_login(person.user)
    calendar = reverse("meetings:calendar")

    def page(query: str):
        def get():
            response = client.get(f"{calendar}?{query}")
            assert response.status_code == 200, response.status_code
            return response

        return get

    month = datetime.date.today().strftime("%Y-%m")
    shown = page(f"month={month}")().content.decode().count('href="/meetings/')
    print(
        f"whole-hospital month page: {len(page(f'month={month}')().content):,} bytes, "
        f"{shown:,} meeting links"
    )
    for label, query in (
        ("month view, whole hospital", f"month={month}"),
        (f"month view, {department.name}", f"month={month}&department={department.pk}"),
        ("month view, my meetings", f"month={month}&mine=1"),
    ):
        p50, p95 = timed(page(query), requests)
        print(f"{label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms (goal <= 200 ms)")

    token = services.feed_of(person).token
    anonymous = Client()
    feed = reverse("meetings:feed", args=[token])

    def ics():
        response = anonymous.get(feed)
        assert response.status_code == 200, response.status_code
        return response

    body = ics().content
    print(f"ICS feed of {person.name}: {len(body):,} bytes, {body.count(b'BEGIN:VEVENT'):,} events")
    p50, p95 = timed(ics, requests)
    print(f"ICS feed: p50 {p50:.0f} ms, p95 {p95:.0f} ms (goal <= 300 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--departments", type=int, default=300)
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()

    temporary = None
    if not os.environ.get("DATABASE_URL"):
        temporary = tempfile.TemporaryDirectory(prefix="liaison-bench-meetings-")
        os.environ["LIAISON_DATA_DIR"] = temporary.name
    os.environ["DJANGO_SETTINGS_MODULE"] = "liaison.settings"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("EMAIL_URL", "dummy:")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["HTTPS"] = "false"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    database = settings.DATABASES["default"]
    print(f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    organization, series, meetings = build(args.departments, args.people, args.years, args.seed)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE meetings_meeting")
            cursor.execute("VACUUM ANALYZE meetings_participant")
    print(
        f"built {series:,} series with {meetings:,} meetings over {args.years} years "
        f"in {time.perf_counter() - started:.0f} s"
    )
    measure(organization, args.requests)

    if temporary is not None:
        from django.db import connections

        connections.close_all()
        temporary.cleanup()


if __name__ == "__main__":
    main()
