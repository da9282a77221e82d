"""Benchmark: 1,000,000 matters over 300 departments and 5,000 people.

    .venv/bin/python bench/matters.py [--matters 1000000] [--sample 2000] [--requests 60]

By default it runs against a throw-away SQLite database in a temporary LIAISON_DATA_DIR
(migrated first, deleted afterwards), with the project's production SQLite settings
(WAL, synchronous=FULL). If DATABASE_URL is set, that database is used instead: it is
migrated, a new organization `bench-<timestamp>` is created in it and left there, so
point DATABASE_URL only at a throw-away database. On PostgreSQL the tables are vacuumed and
analyzed after the bulk load (as autovacuum would soon do); SQLite gets no ANALYZE (nothing runs
it in production).

What is built:
- the organization through the real importer (bench/org_import.py's workbook: 300
  departments in a tree, 5,000 people with heads, liaison officers, head nurses and
  leaders in charge; 院长办公室 becomes the coordinating office), plus a leading group;
- `--matters` minus `--sample` matters bulk-loaded with bulk_create, in date order over
  three years: consistent state, owner, responsible person, next deadline, dispatcher,
  numbers (per kind prefix and year, counters updated), ratings and counts. The mix:
  87% archived, 4% closed, 2% withdrawn, 1% draft, and 6% open (submitted, dispatched,
  accepted, replied, escalated at every level) from the last 30 days, a third of them
  overdue. Lead departments are skewed: seven busy ones (信息中心, 总务科, 设备科 …) get
  ten times the share of the others. About 20% have one or two co-organizers (their parts
  given once the lead replied). Pending extension requests on 10% of the accepted ones.
  Timeline events (created, submitted and the last state change) only for open matters;
  no inbox items; the search index written as the services write it;
- `--sample` matters through the service functions (half sent directly to a lead by the
  originator, half submitted to the coordinating office and dispatched from there): the
  creation rate.

Then it prints: matters/s through the services; the to-do page (/matters/) and the
department-queue page (/matters/?tab=queue) through Django's test client for the head of
the busiest department (p50/p95 ms); a 2-character Chinese search over everything the
coordinating office sees (its all-matters page: first page of 50, count capped at 1,000;
and the first page with an exact count, ms); a 10,000-row XLSX ledger export
(s); and the to-do query (first page) through the ORM and as hand-written SQL, with the
ratio. Goals: pages p95 <= 50 ms, search <= 200 ms, export <= 5 s, ORM/raw <= 3x.
"""

import argparse
import datetime
import io
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BUSY = ["信息中心", "总务科", "设备科", "医务部", "护理部", "药剂科", "检验科"]
UTC = datetime.UTC
DAY = 86400.0

# State mix of the bulk-loaded matters (shares of the whole).
MIX = [
    ("archived", 0.87),
    ("closed", 0.04),
    ("withdrawn", 0.02),
    ("draft", 0.01),
    ("submitted", 0.005),
    ("dispatched", 0.012),
    ("accepted", 0.03),
    ("replied", 0.01),
    ("escalated", 0.003),
]
URGENCIES = ["normal", "urgent", "emergency"]
KIND_WEIGHTS = {
    "coordination": 40,
    "contact_form": 15,
    "supervision": 10,
    "rectification": 10,
    "suggestion": 10,
    "liaison_report": 15,
}
PLACEHOLDERS = {
    "equipment": ["心电监护仪", "输液泵", "注射泵", "呼吸机", "除颤仪"],
    "supply": ["一次性输液器", "医用外科口罩", "真空采血管"],
    "place": ["卫生间", "开水间", "治疗室天花板"],
    "field": ["跌倒风险评估", "营养风险筛查", "VTE风险评估"],
    "printer": ["腕带打印机", "标签打印机"],
    "floor": ["1", "2", "3", "5"],
    "when": ["周一上午", "节假日后首日", "周五下午"],
}


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(function, repeat):
    """Milliseconds of each of `repeat` calls (after one warm-up call)."""
    function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


class Org:
    """Who is who in the imported organization, read once."""

    def __init__(self, organization):
        from liaison.matters.models import MatterKind
        from liaison.org.models import Department, LeaderInCharge, Position, PositionRole

        self.organization = organization
        self.departments = list(Department.objects.filter(organization=organization))
        self.by_id = {d.pk: d for d in self.departments}
        self.heads, self.liaisons, self.members = {}, {}, defaultdict(list)
        for department_id, person_id, role in (
            Position.objects.current()
            .filter(department__organization=organization)
            .values_list("department_id", "person_id", "role")
        ):
            self.members[department_id].append(person_id)
            if role == PositionRole.HEAD:
                self.heads[department_id] = person_id
            elif role == PositionRole.LIAISON_OFFICER:
                self.liaisons[department_id] = person_id
        self.leaders = dict(
            LeaderInCharge.objects.current()
            .filter(department__organization=organization)
            .values_list("department_id", "leader_id")
        )
        self.leader_department = {}
        for leader in set(self.leaders.values()):
            position = Position.objects.current().filter(person_id=leader).first()
            self.leader_department[leader] = position.department_id
        self.office = organization.coordinating_department_id
        self.kinds = {k.code: k for k in MatterKind.objects.filter(organization=organization)}
        weights = {}
        for d in self.departments:
            if d.name in BUSY:
                weights[d.pk] = 10
            elif d.kind in ("functional", "logistics"):
                weights[d.pk] = 3
            else:
                weights[d.pk] = 1
        self.lead_ids = [d.pk for d in self.departments if d.parent_id is not None]
        self.lead_weights = [weights[pk] for pk in self.lead_ids]
        self.origin_ids = list(self.lead_ids)
        self.origin_weights = [
            2 if self.by_id[pk].kind == "clinical" else 1 for pk in self.lead_ids
        ]

    def ancestors(self, pk):
        seen, node = set(), self.by_id[pk].parent_id
        while node is not None and node not in seen:
            seen.add(node)
            node = self.by_id[node].parent_id
        return seen

    def relation(self, a, b):
        if a in self.ancestors(b) or b in self.ancestors(a):
            return "vertical"
        return "horizontal"


def create_organization(departments, people):
    from org_import import build_workbook

    from liaison.org.models import CoordinationGroup, GroupMembership, Organization, Person
    from liaison.org.transfer import import_organization

    organization = Organization.objects.create(
        code=f"bench-{int(time.time())}", name="基准测试医院"
    )
    result = import_organization(organization, [("org.xlsx", build_workbook(departments, people))])
    if not result.ok:
        raise SystemExit(f"organization import failed: {result.errors[:5]}")
    organization.refresh_from_db()
    group = CoordinationGroup.objects.create(
        organization=organization,
        name="医院沟通协调领导小组",
        office_department=organization.coordinating_department,
        is_leading_group=True,
    )
    president = Person.objects.get(organization=organization, title="院长")
    GroupMembership.objects.create(group=group, person=president, role="chair")
    return organization, president


def bulk_load(org, count, seed, batch=5000):
    """`count` matters with bulk_create, in date order; returns the number of rows of
    each table written."""
    from django.db import transaction

    from liaison.matters import search
    from liaison.matters.demo import TOPICS
    from liaison.matters.models import (
        CoOrganizer,
        ExtensionRequest,
        Matter,
        MatterEvent,
        NumberCounter,
    )

    rng = random.Random(seed)
    now = time.time()
    states = [s for s, _w in MIX]
    weights = [w for _s, w in MIX]
    # Draw (created, state) for every matter, then build them in date order.
    plan = []
    for _ in range(count):
        state = rng.choices(states, weights)[0]
        if state == "archived":
            created = now - rng.uniform(40, 3 * 365) * DAY
        elif state in ("closed", "withdrawn"):
            created = now - rng.uniform(3, 45) * DAY
        elif state == "draft":
            created = now - rng.uniform(0, 60) * DAY
        else:
            created = now - min(rng.expovariate(1 / 6), 30) * DAY
        plan.append((created, state))
    plan.sort()

    kinds = list(org.kinds.values())
    kind_weights = list(itertools.accumulate(KIND_WEIGHTS.get(k.code, 5) for k in kinds))
    lead_weights = list(itertools.accumulate(org.lead_weights))
    origin_weights = list(itertools.accumulate(org.origin_weights))
    urgency_weights = list(itertools.accumulate([80, 17, 3]))
    office_head = org.heads[org.office]
    counters = defaultdict(int)
    for prefix, year, last in NumberCounter.objects.filter(
        organization=org.organization
    ).values_list("prefix", "year", "last"):
        counters[(prefix, year)] = last
    written = defaultdict(int)
    organization_id = org.organization.pk

    def at(ts):
        return datetime.datetime.fromtimestamp(ts, tz=UTC)

    def member(department_id):
        return rng.choice(org.members[department_id])

    for start in range(0, count, batch):
        matters, extras = [], []
        for created, state in plan[start : start + batch]:
            kind = rng.choices(kinds, cum_weights=kind_weights)[0]
            year = datetime.datetime.fromtimestamp(created + 8 * 3600, tz=UTC).year
            counters[(kind.number_prefix, year)] += 1
            number = f"{kind.number_prefix}-{year}-{counters[(kind.number_prefix, year)]:06d}"
            origin = rng.choices(org.origin_ids, cum_weights=origin_weights)[0]
            lead = origin
            while lead == origin:
                lead = rng.choices(org.lead_ids, cum_weights=lead_weights)[0]
            roll = rng.random()
            originator = (
                org.liaisons.get(origin)
                if roll < 0.45
                else org.heads.get(origin)
                if roll < 0.6
                else None
            ) or member(origin)
            topic = rng.choice(TOPICS)
            values = {k: rng.choice(v) for k, v in PLACEHOLDERS.items()}
            values.update(
                dept=org.by_id[origin].name,
                target=org.by_id[lead].name,
                month=f"{datetime.datetime.fromtimestamp(created, tz=UTC).month}月",
            )
            submitted = created + rng.uniform(0, 2) * 3600
            direct = rng.random() < 0.4
            dispatched = submitted + (0 if direct else rng.uniform(1, 20) * 3600)
            due_ts = dispatched + kind.default_days * DAY
            matter = Matter(
                organization_id=organization_id,
                number=number,
                title=topic.title.format(**values),
                description=topic.description.format(**values),
                kind_id=kind.pk,
                urgency=rng.choices(URGENCIES, cum_weights=urgency_weights)[0],
                state=state,
                originator_id=originator,
                originator_department_id=origin,
                relation=org.relation(origin, lead),
                lead_department_id=lead,
                due=at(due_ts + 8 * 3600).date(),
                dispatcher_id=originator if direct else office_head,
                dispatcher_department_id=origin if direct else org.office,
                created_at=at(created),
                submitted_at=at(submitted),
            )
            responsible = org.heads.get(lead) or member(lead)
            if state == "draft":
                matter.submitted_at = None
                matter.dispatcher_id = matter.dispatcher_department_id = None
                matter.due = None
                if rng.random() < 0.5:
                    matter.lead_department_id = None
                    matter.relation = ""
            elif state == "submitted":
                matter.lead_department_id = matter.dispatcher_id = None
                matter.dispatcher_department_id = matter.due = None
                matter.relation = ""
                matter.owner_department_id = org.office
                matter.responsible_person_id = office_head
                matter.next_deadline = at(submitted + DAY)
            elif state == "dispatched":
                matter.owner_department_id = lead
                matter.responsible_person_id = responsible
                matter.next_deadline = at(dispatched + DAY)
            elif state == "accepted":
                matter.owner_department_id = lead
                matter.responsible_person_id = responsible if rng.random() < 0.7 else member(lead)
                matter.next_deadline = at(due_ts)
            elif state == "replied":
                replied = min(dispatched + rng.uniform(0.5, 5) * DAY, now - 3600)
                matter.replied_at = at(replied)
                matter.owner_department_id = origin
                matter.responsible_person_id = originator
                matter.next_deadline = at(replied + 3 * DAY)
            elif state == "escalated":
                level = rng.choice((1, 1, 2, 2, 3, 4))
                matter.escalation_level = level
                if level == 1:
                    owner, person = lead, responsible
                elif level == 3 and lead in org.leaders:
                    person = org.leaders[lead]
                    owner = org.leader_department[person]
                else:
                    owner, person = org.office, office_head
                matter.owner_department_id = owner
                matter.responsible_person_id = person
                escalated = min(dispatched + rng.uniform(1, 4) * DAY, now - 3600)
                matter.next_deadline = at(escalated + 2 * DAY)
            else:  # closed, archived, withdrawn
                if state == "withdrawn" or (state == "archived" and rng.random() < 0.02):
                    matter.closed_at = at(submitted + rng.uniform(1, 30) * 3600)
                else:
                    replied = dispatched + rng.uniform(0.5, 8) * DAY
                    matter.replied_at = at(replied)
                    matter.closed_at = at(replied + rng.uniform(0.1, 3) * DAY)
                    if rng.random() < 0.05:
                        matter.resolution = "not_a_matter"
                        matter.replied_at = None
                    else:
                        matter.resolution = "done"
                        matter.rating = rng.choices(["satisfied", "basically_satisfied"], [72, 28])[
                            0
                        ]
                        matter.reopen_count = 1 if rng.random() < 0.04 else 0
                if state == "closed" and matter.closed_at.timestamp() < now - 29 * DAY:
                    matter.closed_at = at(now - rng.uniform(1, 29) * DAY)
            if state not in ("draft", "submitted"):
                matter.return_count = 1 if rng.random() < 0.03 else 0
                matter.transfer_count = 1 if rng.random() < 0.03 else 0
            co = []
            if state not in ("draft", "submitted") and rng.random() < 0.2:
                co = rng.sample(org.lead_ids, rng.choice((1, 1, 2)))
                co = [d for d in co if d not in (lead, origin)]
            matter.set_title_keys()  # what save() does, which bulk_create skips
            matters.append(matter)
            extras.append((co, state))
        with transaction.atomic():
            Matter.objects.bulk_create(matters, batch_size=1000)
            search.index_many((m.pk, m.title, m.description) for m in matters)
            cos, events, extensions = [], [], []
            for matter, (co, state) in zip(matters, extras, strict=True):
                given = state in ("replied", "closed", "archived")
                for department_id in co:
                    part = given or (state == "accepted" and rng.random() < 0.5)
                    cos.append(
                        CoOrganizer(
                            matter_id=matter.pk,
                            department_id=department_id,
                            text="已按要求配合完成。" if part else "",
                            contributed_by_id=org.heads.get(department_id) if part else None,
                            contributed_at=matter.submitted_at if part else None,
                        )
                    )
                if state in ("submitted", "dispatched", "accepted", "replied", "escalated"):
                    events.append(
                        MatterEvent(
                            matter_id=matter.pk,
                            type="created",
                            at=matter.created_at,
                            actor_id=matter.originator_id,
                            actor_department_id=matter.originator_department_id,
                        )
                    )
                    events.append(
                        MatterEvent(
                            matter_id=matter.pk,
                            type="submitted",
                            at=matter.submitted_at,
                            actor_id=matter.originator_id,
                            from_state="draft",
                            to_state="submitted",
                            owner_department_id=matter.owner_department_id
                            if state == "submitted"
                            else matter.originator_department_id,
                        )
                    )
                    if state != "submitted":
                        events.append(
                            MatterEvent(
                                matter_id=matter.pk,
                                type=state,
                                at=matter.submitted_at,
                                actor_id=matter.dispatcher_id,
                                from_state="submitted",
                                to_state=state,
                                owner_department_id=matter.owner_department_id,
                            )
                        )
                if state == "accepted" and rng.random() < 0.1:
                    extensions.append(
                        ExtensionRequest(
                            matter_id=matter.pk,
                            requested_by_id=matter.responsible_person_id,
                            reason="需等待厂家配件到货。",
                            proposed_due=matter.due + datetime.timedelta(days=7),
                            previous_due=matter.due,
                            created_at=matter.submitted_at,
                        )
                    )
            CoOrganizer.objects.bulk_create(cos, batch_size=2000)
            MatterEvent.objects.bulk_create(events, batch_size=2000)
            ExtensionRequest.objects.bulk_create(extensions, batch_size=2000)
        written["matters"] += len(matters)
        written["co-organizers"] += len(cos)
        written["events"] += len(events)
        written["extension requests"] += len(extensions)
        done = min(start + batch, count)
        if done % 100_000 < batch or done == count:
            print(f"  … {done:,} matters", flush=True)
    for (prefix, year), last in counters.items():
        NumberCounter.objects.update_or_create(
            organization=org.organization, prefix=prefix, year=year, defaults={"last": last}
        )
    return written


def service_sample(org, count, seed):
    """Create, submit and dispatch `count` matters through the service functions."""
    from liaison.matters import services
    from liaison.matters.demo import TOPICS
    from liaison.matters.models import RaisedBy
    from liaison.org.models import Person

    rng = random.Random(seed)
    people = {p.pk: p for p in Person.objects.filter(organization=org.organization)}
    departments = org.by_id
    office_head = people[org.heads[org.office]]
    # Liaison officers and heads raise them: the kinds anyone may raise.
    kinds = [k for k in org.kinds.values() if k.raised_by == RaisedBy.ANYONE]
    started = time.perf_counter()
    for index in range(count):
        origin = rng.choices(org.origin_ids, org.origin_weights)[0]
        lead = origin
        while lead == origin:
            lead = rng.choices(org.lead_ids, org.lead_weights)[0]
        originator = people[org.liaisons.get(origin) or org.heads[origin]]
        topic = rng.choice(TOPICS)
        values = {k: rng.choice(v) for k, v in PLACEHOLDERS.items()}
        values.update(dept=departments[origin].name, target=departments[lead].name, month="11月")
        direct = index % 2 == 0
        data = services.MatterInput(
            title=topic.title.format(**values),
            description=topic.description.format(**values),
            kind=rng.choice(kinds),
            originator_department=departments[origin],
            lead_department=departments[lead] if direct else None,
        )
        matter = services.create_matter(originator, data, submit=True)
        if not direct:
            services.dispatch(matter, office_head, lead=departments[lead])
    return count / (time.perf_counter() - started)


#: The to-do's first page for a department head (not in the coordinating office nor the
#: leading group), hand-written. {top} is either empty (the same shape as the ORM's WHERE:
#: every branch carries its own state test) or a top-level state filter that lets the
#: database start from the open matters only; both return the same rows.
TODO_SQL = """
SELECT m.*, k.*, op.*, od.*, ld.*, ow.*, rp.*, o.*
FROM matters_matter m
INNER JOIN matters_matterkind k ON k.id = m.kind_id
INNER JOIN org_person op ON op.id = m.originator_id
INNER JOIN org_department od ON od.id = m.originator_department_id
LEFT JOIN org_department ld ON ld.id = m.lead_department_id
LEFT JOIN org_department ow ON ow.id = m.owner_department_id
LEFT JOIN org_person rp ON rp.id = m.responsible_person_id
INNER JOIN org_organization o ON o.id = m.organization_id
WHERE m.organization_id = %(org)s {top}
  AND (
    (m.responsible_person_id = %(person)s AND m.state IN {open})
    OR (m.owner_department_id IN ({handled}) AND m.state IN {open})
    OR (m.state IN ('dispatched', 'accepted') AND EXISTS (
        SELECT 1 FROM matters_coorganizer c
        WHERE c.matter_id = m.id AND c.department_id IN ({handled})
          AND c.contributed_at IS NULL))
    OR (m.state IN ('dispatched', 'accepted', 'replied')
        AND (m.dispatcher_id = %(person)s {overseen})
        AND EXISTS (
        SELECT 1 FROM matters_extensionrequest e
        WHERE e.matter_id = m.id AND e.state = 'pending' AND e.requested_by_id <> %(person)s))
  )
ORDER BY m.next_deadline, m.id
LIMIT 50
"""
OPEN_SQL = "('submitted', 'dispatched', 'accepted', 'replied', 'escalated')"


def raw_todo(person, reach, *, top_level_state=False):
    """The to-do's first page as hand-written SQL, with the same rows in the same order."""
    from django.db import connection

    handled = ",".join(str(int(i)) for i in sorted(reach.handled)) or "NULL"
    overseen = (
        f"OR m.lead_department_id IN ({','.join(str(int(i)) for i in sorted(reach.overseen))})"
        if reach.overseen
        else ""
    )
    sql = TODO_SQL.format(
        handled=handled,
        overseen=overseen,
        open=OPEN_SQL,
        top=f"AND m.state IN {OPEN_SQL}" if top_level_state else "",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"org": person.organization_id, "person": person.pk})
        return cursor.fetchall()


def explain(queryset):
    try:
        return queryset.explain()
    except Exception as exc:  # pragma: no cover - diagnostics only
        return f"(explain failed: {exc})"


def measure(org, requests, show_plans):
    from django.db import connection
    from django.db.models import Count
    from django.test import Client, override_settings
    from django.urls import reverse

    from liaison.matters import selectors
    from liaison.matters.ledger import write_ledger
    from liaison.matters.models import OPEN_STATES, Matter
    from liaison.org.models import Person

    organization = org.organization
    busiest = (
        Matter.objects.filter(organization=organization, state__in=OPEN_STATES)
        .exclude(owner_department=org.office)
        .values("owner_department")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    department = org.by_id[busiest["owner_department"]]
    head = Person.objects.select_related("user", "organization").get(pk=org.heads[department.pk])
    reach = selectors.reach_of(head)
    todo_count = selectors.todo(head, reach).count()
    queue_count = selectors.department_queue(reach.departments).count()
    print(
        f"person: {head.name}, head of {department.name} "
        f"({busiest['n']:,} open matters owned; to-do {todo_count:,}, queue {queue_count:,})"
    )
    results = {}

    static = {
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    }
    with override_settings(**static):
        client = Client()
        client.force_login(head.user)
        for label, url in (
            ("to-do page", reverse("matters:todo")),
            ("queue page", reverse("matters:todo") + "?tab=queue"),
        ):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            times = timed(lambda url=url: client.get(url), requests)
            results[label] = times
            print(
                f"{label} {url}: p50 {percentile(times, 0.5):.1f} ms, "
                f"p95 {percentile(times, 0.95):.1f} ms ({requests} requests)"
            )

    # The selectors alone, for the diagnosis.
    for label, queryset in (
        ("to-do query (first 50)", lambda: list(selectors.todo(head, reach)[:50])),
        ("to-do count", lambda: selectors.todo(head, reach).count()),
        (
            "queue query (first 50)",
            lambda: list(selectors.department_queue(reach.departments)[:50]),
        ),
        ("queue count", lambda: selectors.department_queue(reach.departments).count()),
    ):
        times = timed(queryset, 20)
        print(f"  {label}: median {statistics.median(times):.1f} ms")

    # Search: everything the coordinating office sees, 2 Chinese characters.
    office_person = Person.objects.select_related("organization").get(pk=org.heads[org.office])
    office_reach = selectors.reach_of(office_person)

    def exact(query):
        matters = selectors.search(
            selectors.visible_matters(office_person, office_reach).select_related(
                *selectors.LIST_RELATED
            ),
            query,
        )
        return list(matters[:50]), matters.count()

    # The goal's query first: two characters found in many matters; then a rarer pair,
    # three characters (bigrams and a check), and a one-character query (a scan). Each
    # through the all-matters page of the coordinating office (first page of 50 and a
    # count capped at 1,000), and as the first page with an exact count.
    with override_settings(**static):
        office_client = Client()
        office_client.force_login(office_person.user)
        for query in ("电脑", "锅炉", "交换机", "屏"):
            url = reverse("matters:todo") + f"?tab=all&q={query}"
            assert office_client.get(url).status_code == 200
            times = timed(lambda url=url: office_client.get(url), 10)
            results.setdefault("search", times)
            _rows, found = exact(query)
            exact_times = timed(lambda query=query: exact(query), 3)
            print(
                f"search '{query}' ({found:,} found): page p50 {percentile(times, 0.5):.0f} ms, "
                f"p95 {percentile(times, 0.95):.0f} ms; first 50 with an exact count "
                f"{statistics.median(exact_times):.0f} ms"
            )

    # Ledger: 10,000 rows.
    first = Matter.objects.filter(organization=organization).order_by("pk").first().pk
    ten_thousand = Matter.objects.filter(
        organization=organization, pk__gte=first, pk__lt=first + 10_000
    )
    started = time.perf_counter()
    buffer = io.BytesIO()
    written = write_ledger(ten_thousand, buffer)
    elapsed = time.perf_counter() - started
    results["export"] = elapsed
    print(
        f"ledger export: {written:,} rows, {len(buffer.getvalue()) / 1e6:.1f} MB in {elapsed:.2f} s"
    )

    # The to-do query, ORM against raw SQL.
    orm_ids = [m.pk for m in selectors.todo(head, reach)[:50]]
    for top_level_state in (False, True):
        raw_ids = [row[0] for row in raw_todo(head, reach, top_level_state=top_level_state)]
        assert orm_ids == raw_ids, "the raw SQL does not return the ORM's rows"
    orm_times = timed(lambda: list(selectors.todo(head, reach)[:50]), 30)
    orm_with_reach = timed(lambda: list(selectors.todo(head)[:50]), 30)
    same_shape = timed(lambda: raw_todo(head, reach), 30)
    tuned = timed(lambda: raw_todo(head, reach, top_level_state=True), 30)
    orm = statistics.median(orm_times)
    ratio = orm / statistics.median(same_shape)
    results["ratio"] = ratio
    print(
        f"to-do first page: ORM {orm:.2f} ms ({statistics.median(orm_with_reach):.2f} ms "
        f"with reach_of); raw SQL of the same shape {statistics.median(same_shape):.2f} ms: "
        f"ratio {ratio:.2f}x; raw SQL with a top-level state filter "
        f"{statistics.median(tuned):.2f} ms: ratio {orm / statistics.median(tuned):.2f}x"
    )

    if show_plans:
        print("\nquery plans:")
        print("to-do:\n" + explain(selectors.todo(head, reach)[:50]))
        print("queue:\n" + explain(selectors.department_queue(reach.departments)[:50]))
        print(
            "search:\n"
            + explain(
                selectors.search(selectors.visible_matters(office_person, office_reach), "电脑")[
                    :50
                ]
            )
        )
        print(f"(database: {connection.vendor})")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--matters", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2000, help="created through services")
    parser.add_argument("--departments", type=int, default=300)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=60, help="per page")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--plans", action="store_true", help="print the query plans")
    parser.add_argument(
        "--keep", metavar="DIR", help="SQLite: build in DIR and keep it (for inspecting plans)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the newest bench organization already in the database (with --keep "
        "or DATABASE_URL) instead of building one",
    )
    args = parser.parse_args()

    temporary = None
    if args.keep and not os.environ.get("DATABASE_URL"):
        os.environ["LIAISON_DATA_DIR"] = args.keep
    elif not os.environ.get("DATABASE_URL"):
        temporary = tempfile.TemporaryDirectory(prefix="liaison-bench-")
        os.environ["LIAISON_DATA_DIR"] = temporary.name
    os.environ["DJANGO_SETTINGS_MODULE"] = "liaison.settings"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["HTTPS"] = "false"
    os.environ["EMAIL_URL"] = "dummy:"  # made-up addresses; the inbox items are still written

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    database = settings.DATABASES["default"]
    print(f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}")
    call_command("migrate", verbosity=0)

    if args.reuse:
        from liaison.org.models import Organization

        organization = (
            Organization.objects.filter(code__startswith="bench-").order_by("-code").first()
        )
        if organization is None:
            raise SystemExit("--reuse: no bench organization in this database")
        org = Org(organization)
        print(f"reusing organization {organization.code}")
        results = measure(org, args.requests, args.plans)
        report(results)
        return

    started = time.perf_counter()
    organization, _president = create_organization(args.departments, args.people)
    org = Org(organization)
    print(
        f"organization: {len(org.departments)} departments, "
        f"{organization.people.count():,} people in {time.perf_counter() - started:.1f} s"
    )

    bulk = max(args.matters - args.sample, 0)
    started = time.perf_counter()
    written = bulk_load(org, bulk, args.seed)
    elapsed = time.perf_counter() - started
    print(
        f"bulk load: {', '.join(f'{v:,} {k}' for k, v in written.items())} "
        f"in {elapsed:.0f} s ({written['matters'] / max(elapsed, 1e-9):,.0f} matters/s)"
    )
    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"VACUUM ANALYZE in {time.perf_counter() - started:.1f} s")

    rate = service_sample(org, args.sample, args.seed + 1)
    print(
        f"services: {args.sample:,} matters created, submitted and dispatched: {rate:.0f} matters/s"
    )

    from liaison.matters.models import Matter

    states = dict(
        Matter.objects.filter(organization=organization)
        .values_list("state")
        .annotate(n=django.db.models.Count("pk"))
        .values_list("state", "n")
    )
    print("states: " + ", ".join(f"{k} {v:,}" for k, v in sorted(states.items())))
    if connection.vendor == "sqlite":
        size = sum(
            f.stat().st_size
            for f in Path(settings.DATABASES["default"]["NAME"]).parent.glob("*.sqlite3*")
        )
        print(f"database size: {size / 1e9:.2f} GB")

    results = measure(org, args.requests, args.plans)
    report(results)

    if temporary is not None:
        from django.db import connections

        connections.close_all()
        temporary.cleanup()


def report(results) -> None:
    goals = [
        ("to-do page p95 <= 50 ms", percentile(results["to-do page"], 0.95) <= 50),
        ("queue page p95 <= 50 ms", percentile(results["queue page"], 0.95) <= 50),
        ("search page p95 <= 200 ms", percentile(results["search"], 0.95) <= 200),
        ("export <= 5 s", results["export"] <= 5),
        ("ORM/raw <= 3x", results["ratio"] <= 3),
    ]
    print("goals: " + "; ".join(f"{label}: {'met' if ok else 'MISSED'}" for label, ok in goals))


if __name__ == "__main__":
    main()
