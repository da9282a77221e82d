"""Benchmark: the sweep costs what is due, not what is stored; e-mail through the worker.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<throw-away> .venv/bin/python bench/sweep.py

--reuse measures again in the newest bench organization of DATABASE_URL (make 10,000 due,
sweep, mail) without building; --profile prints where the sweep's time goes.

Without DATABASE_URL it runs on a temporary SQLite database (the goals are for
PostgreSQL). Point DATABASE_URL only at a throw-away database: it is migrated and filled.

1. An organization of 300 departments and 5,000 people (bench/matters.py's builder) and
   100,000 bulk-loaded matters, a fifth of them open. Every open matter gets its next
   check some time in the coming weeks; then 10,000 open matters are made due now: half
   at a reminder point, half past their time limit (so they escalate up the ladder or are
   recorded as missed). One sweep; seconds printed.
2. 900,000 more matters (1,000,000 in all), another 10,000 made due the same way, one
   sweep again: the two times and their ratio (goal: close, and <= 5 s on PostgreSQL).
3. With --emails N (default 5,000): N e-mails queued through the outbox, sent by one
   `liaison worker` process (the real huey queue: Redis when QUEUE_URL is set, else the
   embedded SQLite queue) to a local SMTP sink; seconds from queueing to the last one
   received (goal <= 10 s).
"""

import argparse
import asyncio
import datetime
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import matters as matters_bench  # noqa: E402 (bench/matters.py, after the path is set)

PROFILE = False
OPEN = ["submitted", "dispatched", "accepted", "replied", "escalated"]
# More open matters than bench/matters.py's mix, so 10,000 can be due among 100,000.
MIX = [
    ("archived", 0.70),
    ("closed", 0.06),
    ("withdrawn", 0.02),
    ("draft", 0.02),
    ("submitted", 0.02),
    ("dispatched", 0.05),
    ("accepted", 0.10),
    ("replied", 0.02),
    ("escalated", 0.01),
]


def schedule_checks(organization, seed: int) -> None:
    """Every open matter not yet scheduled gets a next check in the coming weeks, as the
    services would have given it."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE matters_matter SET next_check_at = now() + random() * interval '20 days'"
                " + interval '1 hour' WHERE organization_id = %s AND state = ANY(%s)"
                " AND next_check_at IS NULL",
                [organization.pk, OPEN],
            )
        else:
            cursor.execute(
                "UPDATE matters_matter SET next_check_at = datetime('now', '+1 hour', "
                "printf('+%%d minutes', abs(random()) %% 28800)) WHERE organization_id = %s "
                f"AND state IN ({','.join(['%s'] * len(OPEN))}) AND next_check_at IS NULL",
                [organization.pk, *OPEN],
            )


def make_due(organization, count: int, seed: int) -> datetime.datetime:
    """`count` open matters due now: half at a reminder, half past their limit."""
    from django.utils import timezone

    from liaison.matters.models import Matter

    now = timezone.now()
    ids = list(
        Matter.objects.filter(
            organization=organization, state__in=OPEN, next_check_at__gt=now
        ).values_list("pk", flat=True)
    )
    chosen = random.Random(seed).sample(ids, count)
    reminders, breaches = chosen[: count // 2], chosen[count // 2 :]
    a_minute_ago = now - datetime.timedelta(minutes=1)
    Matter.objects.filter(pk__in=reminders).update(
        next_check_at=a_minute_ago,
        next_deadline=now + datetime.timedelta(hours=2),
        reminders_due=[a_minute_ago.isoformat()],
    )
    Matter.objects.filter(pk__in=breaches).update(
        next_check_at=a_minute_ago, next_deadline=a_minute_ago, reminders_due=[]
    )
    return now


def timed_sweep(label: str, organization, seed: int, due: int) -> float:
    from django.db import connection

    from liaison.deadlines.sweep import run_sweep
    from liaison.inbox.models import Delivery
    from liaison.matters.models import Matter

    schedule_checks(organization, seed)
    # Steady state first: the bulk load's backlog (closed matters past the archive period,
    # mail not yet sent) is the first sweep's, not this one's.
    run_sweep()
    Delivery.objects.filter(state="pending").update(state="failed")
    now = make_due(organization, due, seed)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE matters_matter")
    total = Matter.objects.count()
    started = time.perf_counter()
    if PROFILE:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        counts = profiler.runcall(run_sweep, now)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    else:
        counts = run_sweep(now)
    elapsed = time.perf_counter() - started
    done = ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))
    print(f"{label}: sweep of {due:,} due among {total:,} matters: {elapsed:.2f} s ({done})")
    return elapsed


class SmtpSink:
    """A local SMTP server that accepts every message and counts them."""

    def __init__(self):
        self.count = 0
        self.last = 0.0
        self.loop = asyncio.new_event_loop()
        self.port = None
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait()

    def _run(self, ready):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._session, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        self.loop.run_forever()

    async def _session(self, reader, writer):
        writer.write(b"220 sink\r\n")
        in_data = False
        while line := await reader.readline():
            if in_data:
                if line == b".\r\n":
                    in_data = False
                    self.count += 1
                    self.last = time.perf_counter()
                    writer.write(b"250 ok\r\n")
                continue
            verb = line[:4].upper()
            if verb == b"DATA":
                in_data = True
                writer.write(b"354 go on\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                break
            elif verb in (b"EHLO", b"HELO"):
                writer.write(b"250 sink\r\n")
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()
        writer.close()


def emails_through_worker(organization, count: int) -> None:
    from django.db import transaction
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    from liaison.core.queue import default_queue
    from liaison.inbox.models import Ask, Delivery
    from liaison.inbox.services import notify
    from liaison.org.models import Person

    # Only the bench's e-mails: the sweeps' own deliveries are set aside, their tasks dropped.
    default_queue().flush()
    Delivery.objects.filter(state="pending").update(state="failed")
    sink = SmtpSink()
    env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}", "LOG_LEVEL": "WARNING"}
    os.environ["EMAIL_URL"] = env["EMAIL_URL"]
    Person.objects.filter(organization=organization, email="").update(
        email=Concat(F("employee_number"), Value("@bench.example"))
    )
    people = list(Person.objects.filter(organization=organization)[:count])
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/liaison"), "worker", "--workers", "4", "--no-periodic"],
        env=env,
        cwd=ROOT,
    )
    try:
        time.sleep(3)  # the worker starts
        for label, calls in (
            ("one notice to all", [people]),
            ("one notice each", [[person] for person in people]),
        ):
            received = sink.count
            started = time.perf_counter()
            with transaction.atomic():
                for recipients in calls:
                    notify(recipients, ask=Ask.INFO, title="基准测试通知", url="/matters/")
            queued = time.perf_counter() - started
            deadline = time.perf_counter() + 300
            while sink.count < received + len(people) and time.perf_counter() < deadline:
                time.sleep(0.05)
            elapsed = (sink.last or time.perf_counter()) - started
            print(
                f"e-mail, {label}: {len(people):,} queued in {queued:.1f} s, "
                f"{sink.count - received:,} received by the SMTP sink "
                f"{elapsed:.1f} s after queueing began"
            )
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--emails", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="sweep (and mail) in the newest bench organization already in the database",
    )
    parser.add_argument("--profile", action="store_true", help="print where the sweep's time goes")
    args = parser.parse_args()
    global PROFILE
    PROFILE = args.profile

    temporary = None
    if not os.environ.get("DATABASE_URL"):
        temporary = tempfile.TemporaryDirectory(prefix="liaison-bench-sweep-")
        os.environ["LIAISON_DATA_DIR"] = temporary.name
    os.environ["DJANGO_SETTINGS_MODULE"] = "liaison.settings"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("EMAIL_URL", "dummy:")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    database = settings.DATABASES["default"]
    print(f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}")
    print(f"queue: {os.environ.get('QUEUE_URL') or 'embedded (SQLite)'}")
    call_command("migrate", verbosity=0)

    if args.reuse:
        from liaison.org.models import Organization

        organization = (
            Organization.objects.filter(code__startswith="bench-").order_by("-code").first()
        )
        if organization is None:
            raise SystemExit("--reuse: no bench organization in this database")
        timed_sweep("reused table", organization, int(time.time()), args.due)
        if args.emails:
            emails_through_worker(organization, args.emails)
        return

    matters_bench.MIX[:] = MIX
    organization, _president = matters_bench.create_organization(300, 5000)
    org = matters_bench.Org(organization)

    started = time.perf_counter()
    matters_bench.bulk_load(org, args.small, args.seed)
    print(f"loaded {args.small:,} matters in {time.perf_counter() - started:.0f} s")
    small = timed_sweep("small table", organization, args.seed, args.due)

    started = time.perf_counter()
    matters_bench.bulk_load(org, args.large - args.small, args.seed + 1)
    print(f"loaded {args.large - args.small:,} more in {time.perf_counter() - started:.0f} s")
    large = timed_sweep("large table", organization, args.seed + 1, args.due)
    print(f"ratio large/small: {large / small:.2f}")

    if args.emails:
        emails_through_worker(organization, args.emails)

    if temporary is not None:
        from django.db import connections

        connections.close_all()
        temporary.cleanup()


if __name__ == "__main__":
    main()
