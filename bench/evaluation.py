"""Benchmark: a quarter's scorecards over 1,000,000 matters, 300 departments.

    .venv/bin/python bench/evaluation.py [--matters 1000000] [--runs 5] [--keep DIR] [--reuse]
    .venv/bin/python bench/evaluation.py --postgres   # also on PostgreSQL at 127.0.0.1:5432

The data is bench/matters.py's (its importer-built organization and its bulk load), plus
the clock ledger the matters services would have written for those matters, bulk-loaded:
accept clocks (met, some late; returned or transferred first for the matters the load
counts as returned or transferred; running for dispatched matters; withdrawn), reply
clocks (met, late, escalated, closed by the office, running and a third of the open ones
past due), the originator's confirmations with their ratings, and a reopened earlier reply
clock for the matters reopened once; and the URGED timeline events (most late replies
urged once or twice while the lead held them, a few on-time ones).

Without --postgres (or DATABASE_URL) it runs on SQLite in a temporary LIAISON_DATA_DIR (or
DIR with --keep, reused by --reuse). --postgres creates the database `liaison_bench_eval`
as user postgres at 127.0.0.1:5432, and drops it at the end unless --keep is given.

It prints, for the running quarter and the last complete one, each as median and p95 ms
over --runs runs: each registered indicator's compute() for the whole organization and
all of them together; the scorecard service (compute: the quarter and its four-period
trend, stored); reading the stored scorecard (GET /api/v1/scorecards/?period= through the
test client, as the president); a drill-down (GET /api/v1/scorecards/records/ for the
busiest department and each matters indicator). Targets: all indicators ≤ 1 s, reading
≤ 100 ms, a drill-down ≤ 200 ms. It prints figures, it asserts nothing.
"""

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from matters import Org, bulk_load, create_organization, percentile  # noqa: E402

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
PG_NAME = "liaison_bench_eval"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"


def timed(function, runs):
    """Milliseconds of each of `runs` calls, after one warm-up call."""
    function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def show(label, times):
    print(
        f"  {label}: median {statistics.median(times):.0f} ms, "
        f"p95 {percentile(times, 0.95):.0f} ms",
        flush=True,
    )
    return times


class Ledger:
    """The clocks and urges of one matter, as the services would have written them."""

    def __init__(self, rng, organization_id, office, lead_ids, now):
        self.rng, self.organization_id, self.office = rng, organization_id, office
        self.lead_ids, self.now = lead_ids, now
        self.clocks, self.urges = [], []

    def clock(self, matter_id, kind, department, started, due, ended=None, end="", **more):
        from liaison.matters.models import Clock

        self.clocks.append(
            Clock(
                organization_id=self.organization_id,
                matter_id=matter_id,
                kind=kind,
                department_id=department,
                started_at=started,
                due=due,
                ended_at=ended,
                end=end,
                **more,
            )
        )

    def urge(self, matter_id, department, at):
        from liaison.matters.models import MatterEvent

        if at < self.now:
            self.urges.append(
                MatterEvent(
                    matter_id=matter_id,
                    type="urged",
                    at=at,
                    actor_department_id=self.office,
                    owner_department_id=department,
                )
            )

    def urges_for(self, matter_id, department, started, due, ended):
        """Late replies are mostly urged (once or twice, after the due), a few others."""
        rng, stop = self.rng, min(ended or self.now, self.now)
        late = stop > due
        if late and rng.random() < 0.7:
            for _ in range(rng.choice((1, 1, 2))):
                self.urge(matter_id, department, due + (stop - due) * rng.random())
        elif not late and rng.random() < 0.03:
            self.urge(matter_id, department, started + (stop - started) * rng.random())

    def matter(self, m, days):
        """m: the matter's row (see build_ledger); days: its kind's time limit."""
        rng, now = self.rng, self.now
        state, lead, pk = m["state"], m["lead_department_id"], m["pk"]
        if state in ("draft", "submitted") or lead is None:
            return
        dispatched = m["submitted_at"] + rng.uniform(0, 20) * HOUR
        # Returned or transferred first: another department's accept clock.
        for count, end in ((m["return_count"], "returned"), (m["transfer_count"], "transferred")):
            if count:
                other = rng.choice(self.lead_ids)
                handed = dispatched + rng.uniform(1, 20) * HOUR
                self.clock(pk, "accept", other, dispatched, dispatched + DAY, handed, end)
                dispatched = handed
        accept_due = dispatched + DAY
        if state == "dispatched":
            self.clock(pk, "accept", lead, dispatched, accept_due)
            return
        withdrawn = state == "withdrawn" or (state == "archived" and not m["resolution"])
        if withdrawn:
            self.clock(pk, "accept", lead, dispatched, accept_due, m["closed_at"], "withdrawn")
            return
        # One in eight accepts late.
        accepted = (
            dispatched
            + (rng.uniform(1, 30) if rng.random() < 0.12 else rng.uniform(0.1, 20)) * HOUR
        )
        accepted = min(accepted, now - HOUR)
        self.clock(pk, "accept", lead, dispatched, accept_due, accepted, "met")
        due = accepted + days * DAY
        if m["reopen_count"]:
            replied = accepted + rng.uniform(0.5, days) * DAY
            confirmed = replied + rng.uniform(0.1, 2) * DAY
            self.clock(
                pk, "reply", lead, accepted, due, replied, "met",
                confirmed_at=confirmed, rating="unsatisfied", reopened=True,
            )  # fmt: skip
            accepted, due = confirmed, confirmed + days * DAY
        if state == "accepted":
            # A third of the open ones are past due.
            if rng.random() < 0.33:
                due = min(due, now - rng.uniform(0.1, 5) * DAY)
            self.clock(pk, "reply", lead, accepted, due)
            self.urges_for(pk, lead, accepted, due, None)
        elif state == "escalated":
            escalated = min(due + rng.uniform(0, 2) * DAY, now - HOUR)
            self.clock(pk, "reply", lead, accepted, due, escalated, "escalated")
            self.urges_for(pk, lead, accepted, due, escalated)
        elif m["resolution"] == "not_a_matter":
            closed = max(m["closed_at"], accepted + HOUR)
            self.clock(pk, "reply", lead, accepted, due, closed, "closed")
        else:  # replied, or closed as done
            replied = max(m["replied_at"] or accepted + HOUR, accepted + HOUR)
            confirmed = m["closed_at"] if state in ("closed", "archived") else None
            if confirmed is not None and confirmed <= replied:
                confirmed = replied + HOUR
            rating = (m["rating"] or "satisfied") if confirmed else ""
            if confirmed and rng.random() < 0.02:
                rating = "unsatisfied"
            self.clock(
                pk, "reply", lead, accepted, due, replied, "met",
                confirmed_at=confirmed, rating=rating,
            )  # fmt: skip
            self.urges_for(pk, lead, accepted, due, replied)


def build_ledger(org, seed, batch=20_000):
    from django.db import transaction

    from liaison.matters.models import Clock, Matter, MatterEvent

    rng = random.Random(seed)
    days = {k.pk: k.default_days for k in org.kinds.values()}
    now = datetime.datetime.now(datetime.UTC)
    fields = (
        "pk", "state", "kind_id", "lead_department_id", "submitted_at", "replied_at",
        "closed_at", "resolution", "rating", "reopen_count", "return_count", "transfer_count",
    )  # fmt: skip
    matters = Matter.objects.filter(organization=org.organization).order_by("pk")
    last, clocks, urges = 0, 0, 0
    while True:
        rows = list(matters.filter(pk__gt=last).values(*fields)[:batch])
        if not rows:
            break
        last = rows[-1]["pk"]
        ledger = Ledger(rng, org.organization.pk, org.office, org.lead_ids, now)
        for row in rows:
            ledger.matter(row, days[row["kind_id"]])
        with transaction.atomic():
            Clock.objects.bulk_create(ledger.clocks, batch_size=2000)
            MatterEvent.objects.bulk_create(ledger.urges, batch_size=2000)
        clocks += len(ledger.clocks)
        urges += len(ledger.urges)
    return clocks, urges


def measure(org, president, runs):
    from django.db.models import Count
    from django.test import Client, override_settings

    from liaison.core.indicators import catalogue
    from liaison.evaluation import periods, services
    from liaison.matters.models import Clock
    from liaison.org.models import Person

    organization = org.organization
    office_head = Person.objects.get(pk=org.heads[org.office])
    busiest = (
        Clock.objects.filter(organization=organization)
        .values("department_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["department_id"]
    )
    department = org.by_id[busiest]
    current = periods.current()
    quarters = [*periods.previous(current, 1), current]
    static = {
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    }
    client = Client()
    client.force_login(president.user)
    results = {}
    for period in quarters:
        print(f"{period.code} ({period.start:%Y-%m-%d} – {period.end:%Y-%m-%d %H:%M}):")
        for i in catalogue():
            figures = i.compute(organization, period)
            units = sum(f.denominator for f in figures.values())
            show(
                f"{i.code}.compute() ({len(figures)} departments, {units:,} units)",
                timed(lambda i=i, period=period: i.compute(organization, period), runs),
            )
        every = show(
            "all indicators together",
            timed(lambda p=period: [i.compute(organization, p) for i in catalogue()], runs),
        )
        scorecard = show(
            "services.compute (the quarter and a 4-period trend, stored)",
            timed(lambda p=period: services.compute(organization, p, office_head), runs),
        )
        with override_settings(**static):
            url = f"/api/v1/scorecards/?period={period.code}"
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            read = show(
                f"GET {url} ({len(response.json()['departments'])} departments)",
                timed(lambda url=url: client.get(url), runs * 4),
            )
            drill = []
            for i in catalogue():
                if i.records.__module__ != "liaison.matters.indicators":
                    continue
                url = (
                    f"/api/v1/scorecards/records/?period={period.code}"
                    f"&department={department.code}&indicator={i.code}"
                )
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                drill += show(
                    f"drill-down {department.name} {i.code} ({len(response.json())} records)",
                    timed(lambda url=url: client.get(url), runs),
                )
        results[period.code] = (every, scorecard, read, drill)
    print("targets (p95):")
    for code, (every, scorecard, read, drill) in results.items():
        print(
            f"  {code}: all indicators {percentile(every, 0.95):.0f} ms (≤ 1000), "
            f"the service with its trend {percentile(scorecard, 0.95):.0f} ms, "
            f"read {percentile(read, 0.95):.0f} ms (≤ 100), "
            f"slowest drill-down {max(drill):.0f} ms (≤ 200)"
        )


def postgres(drop):
    """Create (or drop) the benchmark's own PostgreSQL database."""
    import psycopg

    with psycopg.connect(
        "postgres://postgres@127.0.0.1:5432/postgres", autocommit=True
    ) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {PG_NAME}")
        if not drop:
            connection.execute(f"CREATE DATABASE {PG_NAME}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--matters", type=int, default=1_000_000)
    parser.add_argument("--departments", type=int, default=300)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--keep", metavar="DIR", help="SQLite: build in DIR and keep it")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the data built before (--keep DIR)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.postgres and not args.child:
        # Each database in its own process: Django is set up once per process.
        base = [sys.executable, __file__, *sys.argv[1:]]
        base.remove("--postgres")
        subprocess.run(base, check=True)
        if not args.reuse:
            postgres(drop=False)
        try:
            subprocess.run(
                [*base, "--child", "postgres"],
                check=True,
                env={**os.environ, "DATABASE_URL": PG_URL},
            )
        finally:
            if not args.keep:
                postgres(drop=True)
        return

    temporary = None
    if not os.environ.get("DATABASE_URL"):
        if args.keep:
            os.environ["LIAISON_DATA_DIR"] = args.keep
        else:
            temporary = tempfile.TemporaryDirectory(prefix="liaison-bench-")
            os.environ["LIAISON_DATA_DIR"] = temporary.name
    os.environ["DJANGO_SETTINGS_MODULE"] = "liaison.settings"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["HTTPS"] = "false"
    os.environ["EMAIL_URL"] = "dummy:"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    from liaison.org.models import Organization, Person

    database = settings.DATABASES["default"]
    print(f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}", flush=True)
    call_command("migrate", verbosity=0)
    if args.reuse:
        organization = Organization.objects.filter(code__startswith="bench-").latest("code")
        print(f"reusing organization {organization.code}")
    else:
        started = time.perf_counter()
        organization, _president = create_organization(args.departments, args.people)
        written = bulk_load(Org(organization), args.matters, args.seed)
        print(
            f"bulk load: {', '.join(f'{v:,} {k}' for k, v in written.items())} "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        started = time.perf_counter()
        clocks, urges = build_ledger(Org(organization), args.seed + 2)
        print(
            f"clock ledger: {clocks:,} clocks, {urges:,} urges "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    president = Person.objects.select_related("user").get(organization=organization, title="院长")
    measure(Org(organization), president, args.runs)
    if temporary is not None:
        connections.close_all()
        temporary.cleanup()


if __name__ == "__main__":
    main()
