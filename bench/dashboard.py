"""Benchmark: the dashboard (/dashboard/) of the president, the coordinating office's head
and the head of the busiest department, through the Django test client.

    .venv/bin/python bench/dashboard.py --keep DIR [--matters 1000000] [--requests 30]
    .venv/bin/python bench/dashboard.py --matters 100000        # temporary SQLite database

With --keep, the newest bench organization already in DIR's SQLite database is measured
(after migrating it); without one there, it is built as bench/matters.py builds it (the
real organization importer, then the matters bulk-loaded), and kept. With DATABASE_URL,
that database is used the same way. The goal: the president's p95 <= 100 ms at 1,000,000.

Printed per person: the median and p95 of the page over --requests runs (the cache is
cleared before each), and with --queries the queries of one request slower than 10 ms.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import matters as matters_bench  # noqa: E402 (bench/matters.py, after the path is set)


def organization_to_measure(matters: int, seed: int):
    from liaison.org.models import Organization

    organization = Organization.objects.filter(code__startswith="bench-").order_by("-code").first()
    if organization is not None:
        print(f"reusing organization {organization.code}")
        return matters_bench.Org(organization)
    started = time.perf_counter()
    organization, _president = matters_bench.create_organization(300, 5000)
    org = matters_bench.Org(organization)
    written = matters_bench.bulk_load(org, matters, seed)
    print(f"built: {written['matters']:,} matters in {time.perf_counter() - started:.0f} s")
    return org


def people(org):
    from django.db.models import Count

    from liaison.matters.models import OPEN_STATES, Matter
    from liaison.org.models import Person

    busiest = (
        Matter.objects.filter(organization=org.organization, state__in=OPEN_STATES)
        .exclude(owner_department=org.office)
        .values("owner_department")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    department = org.by_id[busiest["owner_department"]]
    return [
        ("president", Person.objects.get(organization=org.organization, title="院长")),
        ("office head", Person.objects.get(pk=org.heads[org.office])),
        (f"head of {department.name}", Person.objects.get(pk=org.heads[department.pk])),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--matters", type=int, default=1_000_000, help="when building")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", metavar="DIR", help="SQLite: use (or build) DIR's database")
    parser.add_argument("--queries", action="store_true", help="print the slow queries")
    args = parser.parse_args()

    temporary = None
    if not os.environ.get("DATABASE_URL"):
        if not args.keep:
            temporary = tempfile.TemporaryDirectory(prefix="liaison-bench-dashboard-")
        os.environ["LIAISON_DATA_DIR"] = args.keep or temporary.name
    os.environ["DJANGO_SETTINGS_MODULE"] = "liaison.settings"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["HTTPS"] = "false"
    os.environ["EMAIL_URL"] = "dummy:"

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from liaison.matters.models import Matter

    database = settings.DATABASES["default"]
    print(f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}")
    call_command("migrate", verbosity=0)
    org = organization_to_measure(args.matters, args.seed)
    print(f"matters: {Matter.objects.filter(organization=org.organization).count():,}")

    static = {
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    }
    president_p95 = None
    with override_settings(**static):
        for label, person in people(org):
            client = Client()
            client.force_login(person.user)

            def get(client=client):
                cache.clear()  # nothing of one request helps the next
                response = client.get("/dashboard/")
                assert response.status_code == 200, response.status_code

            times = matters_bench.timed(get, args.requests)
            p95 = matters_bench.percentile(times, 0.95)
            president_p95 = president_p95 if president_p95 is not None else p95
            print(
                f"{label}: /dashboard/ p50 {matters_bench.percentile(times, 0.5):.0f} ms, "
                f"p95 {p95:.0f} ms ({args.requests} requests)"
            )
            if args.queries:
                with CaptureQueriesContext(connection) as captured:
                    get()
                print(f"  {len(captured)} queries")
                for query in captured.captured_queries:
                    if float(query["time"]) > 0.01:
                        print(f"  {float(query['time']) * 1000:.0f} ms {query['sql'][:240]}")
    print(f"goal: president p95 <= 100 ms: {'met' if president_p95 <= 100 else 'MISSED'}")

    if temporary is not None:
        from django.db import connections

        connections.close_all()
        temporary.cleanup()


if __name__ == "__main__":
    main()
