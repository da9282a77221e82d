"""Benchmark: publishing a notice to 10,000 people, and per-department read statistics
among 5,000,000 read receipts.

    .venv/bin/python bench/notices.py [--departments 200] [--people 10000] [--notices 1000]
                                      [--audience 5000] [--requests 30]

Without DATABASE_URL it runs on a temporary SQLite database (deleted afterwards); with it,
that database is migrated and a new organization `bench-<timestamp>` is left in it, so
point DATABASE_URL only at a throw-away database. The queue is a temporary SQLite huey
queue: publishing only enqueues the inbox items of a large audience, which the worker
writes; the script then does the worker's part itself and times it too.

Printed:
- publish to every department (10,000 people, relayed by each liaison officer): the time
  of services.publish_notice (receipts written, liaison officers told, directly reached
  heads told). Goal: <= 1 s.
- publish to everyone (10,000 people told directly): the same, and the worker's time to
  write their inbox items and e-mail outbox rows.
- per-department statistics of one notice to 5,000 people, with 1,000 such notices
  (5,000,000 receipts, 60% read) in the table: services.statistics and GET
  /api/v1/notices/{id}/stats/, p50 / p95 of --requests runs. Goal: <= 100 ms.
"""

import argparse
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


def publish(organization, author, title, **audience):
    from liaison.notices import services
    from liaison.notices.models import Notice

    draft = services.create_notice(
        author,
        services.NoticeInput(
            title=title, author_department=organization.coordinating_department, **audience
        ),
    )
    started = time.perf_counter()
    services.publish_notice(draft, author)
    seconds = time.perf_counter() - started
    return Notice.objects.get(pk=draft.pk), seconds


def run_queued_tells() -> tuple[int, float]:
    """Do what the worker does with the queued inbox-item tasks; (tasks, seconds)."""
    from django_tasks import task_backends

    huey = task_backends["default"].huey
    started = time.perf_counter()
    count = 0
    while True:
        task = huey.dequeue()
        if task is None:
            break
        huey.execute(task)
        count += 1
    return count, time.perf_counter() - started


def bulk_receipts(organization, author, notices: int, audience: int):
    """`notices` published notices, each to the first departments holding `audience`
    people, with their relays and receipts written by INSERT … SELECT."""
    from django.db import connection, transaction
    from django.utils import timezone

    from liaison.notices.models import Notice, NoticeState
    from liaison.org.models import Department, Position

    departments, people = [], set()
    for department in Department.objects.filter(organization=organization).order_by("pk"):
        members = set(
            Position.objects.current()
            .filter(department=department)
            .values_list("person_id", flat=True)
        )
        if not members:
            continue
        departments.append(department.pk)
        people |= members
        if len(people) >= audience:
            break
    # Exactly `audience` people: the first by id, each under their first department.
    people = sorted(people)[:audience]
    now = timezone.now()
    with transaction.atomic():
        Notice.objects.bulk_create(
            Notice(
                organization=organization,
                title=f"基准通知 {n + 1}",
                author=author,
                author_department=organization.coordinating_department,
                state=NoticeState.PUBLISHED,
                published_at=now,
                published_by=author,
                recipient_count=len(people),
            )
            for n in range(notices)
        )
        ids = ",".join(str(pk) for pk in departments)
        chosen = ",".join(str(pk) for pk in people)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO notices_relay (notice_id, department_id, relayer_id, relayed_at,
                                           relayed_by_id, note)
                SELECT n.id, d.id, NULL, n.published_at, NULL, ''
                FROM notices_notice n CROSS JOIN org_department d
                WHERE n.organization_id = %s AND n.title LIKE '基准通知%%' AND d.id IN ({ids})
                """,
                [organization.pk],
            )
            cursor.execute(
                f"""
                INSERT INTO notices_receipt (notice_id, person_id, department_id, delivered_at,
                                             read_at, read_via, reminders)
                SELECT n.id, p.person_id, p.department_id, n.published_at,
                       CASE WHEN (n.id + p.person_id) %% 10 < 6 THEN n.published_at END,
                       CASE WHEN (n.id + p.person_id) %% 10 < 6 THEN 'page' ELSE '' END, 0
                FROM notices_notice n CROSS JOIN (
                    SELECT person_id, MIN(department_id) AS department_id FROM org_position
                    WHERE "end" IS NULL AND department_id IN ({ids}) AND person_id IN ({chosen})
                    GROUP BY person_id
                ) p
                WHERE n.organization_id = %s AND n.title LIKE '基准通知%%'
                """,
                [organization.pk],
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE notices_receipt")
            cursor.execute("VACUUM ANALYZE notices_relay")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return list(
        Notice.objects.filter(organization=organization, title__startswith="基准通知").values_list(
            "pk", flat=True
        )
    )


def quantiles(times):
    return statistics.median(times), matters_bench.percentile(times, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--departments", type=int, default=200)
    parser.add_argument("--people", type=int, default=10000)
    parser.add_argument("--notices", type=int, default=1000)
    parser.add_argument("--audience", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()

    temporary = tempfile.TemporaryDirectory(prefix="liaison-bench-notices-")
    if not os.environ.get("DATABASE_URL"):
        os.environ["LIAISON_DATA_DIR"] = temporary.name
    os.environ["QUEUE_URL"] = f"sqlite:///{temporary.name}/queue.sqlite3"
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
    from django.test import Client

    from liaison.inbox.models import Notification
    from liaison.notices import services
    from liaison.notices.models import Notice

    database = settings.DATABASES["default"]
    print(f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    organization, president = matters_bench.create_organization(args.departments, args.people)
    print(f"organization of {args.people:,} people built in {time.perf_counter() - started:.0f} s")
    from liaison.org.models import Department, Person

    author = (
        Person.objects.filter(
            positions__department=organization.coordinating_department,
            positions__end__isnull=True,
            positions__role="head",
        ).first()
        or president
    )
    every_department = tuple(Department.objects.filter(organization=organization))

    # A server process is warm: its first publish (translations, content types, the
    # database's cache) is shown apart.
    someone = Person.objects.filter(organization=organization).exclude(pk=author.pk).first()
    notice, seconds = publish(organization, author, "预热", people=(someone,))
    print(f"first publish of the process (one person): {seconds * 1000:.0f} ms")
    for round_ in range(3):
        notice, seconds = publish(
            organization, author, f"全院通知（科室转达）{round_}", departments=every_department
        )
        print(
            f"publish to {len(every_department)} departments, {notice.recipient_count:,} people"
            f" (relayed): {seconds * 1000:.0f} ms"
        )
        run_queued_tells()
    for round_ in range(2):
        before = Notification.objects.count()
        notice, seconds = publish(organization, author, f"全员通知 {round_}", to_everyone=True)
        tasks, worker = run_queued_tells()
        told = Notification.objects.count() - before
        print(
            f"publish to everyone, {notice.recipient_count:,} people (direct): "
            f"{seconds * 1000:.0f} ms; the worker then wrote {told:,} inbox items in "
            f"{tasks} tasks in {worker:.1f} s"
        )

    started = time.perf_counter()
    ids = bulk_receipts(organization, author, args.notices, args.audience)
    receipts = Notice.objects.filter(pk__in=ids[:1]).first().receipts.count()
    print(
        f"{len(ids):,} notices to {receipts:,} people each "
        f"({len(ids) * receipts:,} receipts) written in {time.perf_counter() - started:.0f} s"
    )
    rng = random.Random(args.seed)
    sample = [rng.choice(ids) for _ in range(args.requests + 1)]
    queue = iter(sample)

    def service_stats():
        services.statistics(Notice.objects.get(pk=next(queue)))

    p50, p95 = quantiles(matters_bench.timed(service_stats, args.requests))
    print(f"statistics of one notice (service): p50 {p50:.0f} ms, p95 {p95:.0f} ms")

    client = Client()
    client.force_login(author.user)
    queue = iter(sample)

    def api_stats():
        response = client.get(f"/api/v1/notices/{next(queue)}/stats/")
        assert response.status_code == 200, response.content[:200]

    p50, p95 = quantiles(matters_bench.timed(api_stats, args.requests))
    print(f"GET /api/v1/notices/{{id}}/stats/: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    queue = iter(sample)

    def page_stats():
        response = client.get(f"/notices/{next(queue)}/stats/")
        assert response.status_code == 200

    p50, p95 = quantiles(matters_bench.timed(page_stats, args.requests))
    print(f"the statistics card of the notice page: p50 {p50:.0f} ms, p95 {p95:.0f} ms")


if __name__ == "__main__":
    main()
