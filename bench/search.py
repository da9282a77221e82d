"""Benchmark: the top search's matters (by number, Chinese title word, pinyin initials and
full pinyin) among 20,000 matters.

    .venv/bin/python bench/search.py [--matters 20000] [--departments 100] [--people 2000]
                                     [--requests 30]

Without DATABASE_URL it runs on a temporary SQLite database (deleted afterwards); with it,
that database is migrated and a new organization `bench-<timestamp>` is left in it, so
point DATABASE_URL only at a throw-away database.

What is built: the organization through the real importer and the matters bulk-loaded as
bench/matters.py does (titles from the demo's topics, so 自助机 / zzj match many); then the
oldest matter led by 信息中心 is renamed to a title no other has (病案室高拍仪驱动异常), the needle.

Printed, for the coordinating office's head (sees every matter) and for the head of a busy
lead department (sees its own): the median time of liaison.search.find_matters for each
query over --requests runs, how many hits, and whether the needle is among them. A query
for the needle has few matches, so it is the slow case: nothing stops the scan early.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import matters as matters_bench  # noqa: E402 (bench/matters.py, after the path is set)

NEEDLE = "病案室高拍仪驱动异常"


def plant_needle(lead):
    """Rename the oldest matter `lead` leads to NEEDLE, as a rename through the model would."""
    from liaison.matters import search
    from liaison.matters.models import Matter

    matter = Matter.objects.filter(lead_department=lead).order_by("created_at", "pk")[0]
    previous = (matter.title, matter.description)
    matter.title = NEEDLE
    matter.save(update_fields=["title"])
    search.reindex(matter, previous=previous)
    return matter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--matters", type=int, default=20000)
    parser.add_argument("--departments", type=int, default=100)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()

    temporary = tempfile.TemporaryDirectory(prefix="liaison-bench-search-")
    if not os.environ.get("DATABASE_URL"):
        os.environ["LIAISON_DATA_DIR"] = temporary.name
    os.environ["DJANGO_SETTINGS_MODULE"] = "liaison.settings"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("EMAIL_URL", "dummy:")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse

    from liaison.org.models import Person
    from liaison.search import find_matters

    database = settings.DATABASES["default"]
    print(f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    organization, _president = matters_bench.create_organization(args.departments, args.people)
    org = matters_bench.Org(organization)
    matters_bench.bulk_load(org, args.matters, args.seed)
    busy = next(d for d in org.departments if d.name == matters_bench.BUSY[0])
    needle = plant_needle(busy)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE matters_matter")
    print(f"{args.matters:,} matters built in {time.perf_counter() - started:.0f} s")

    searchers = [
        ("office head", Person.objects.get(pk=org.heads[org.office])),
        (f"head of {busy.name}", Person.objects.get(pk=org.heads[busy.pk])),
    ]
    needle_url = reverse("matters:detail", args=[needle.pk])
    queries = [
        ("number (the needle's)", needle.number),
        ("Chinese word, common", "自助机"),
        ("initials, common", "zzj"),
        ("full pinyin, common", "zizhuji"),
        ("Chinese word, the needle", "高拍仪"),
        ("initials, the needle", "gpy"),
        ("full pinyin, the needle", "gaopaiyi"),
    ]
    for who, person in searchers:
        print(f"\n{who}:")
        for label, query in queries:
            hits = []

            def run(person=person, query=query, hits=hits):
                hits[:] = find_matters(person, query)

            median = statistics.median(matters_bench.timed(run, args.requests))
            found = "needle found" if any(h.url == needle_url for h in hits) else ""
            print(f"  {label:26} {query!r:18} {median:7.1f} ms  {len(hits)} hits  {found}")


if __name__ == "__main__":
    main()
