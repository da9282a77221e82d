"""The clock ledger for the matters already there, as far as their rows tell it.

Recovered, per matter (withdrawn ones count nowhere and get none):
- dispatched: the lead's running accept clock, due accept_due, started at the last
  dispatch, transfer or escalation to the lead's head (else when it was submitted);
- accepted: the lead's running reply clock, due reply_due, started at the last
  acceptance, reopening or confirmation that sent it back;
- replied, and closed or archived as done: the lead's last reply clock, due reply_due,
  met at replied_at; confirmed at closed_at with the matter's rating when it was closed
  as done.

Not recoverable, so not written: every earlier clock. The accept clock of a matter that
was accepted (its due was not kept once the reply clock started), the clocks of the
departments that returned or transferred a matter or had it escalated away, the reply
clocks before a reopening (their due and confirmation were overwritten), and the extensions'
and pauses' history beyond the due they left. Evaluation of periods before this migration
sees only these clocks.
"""

from django.db import migrations
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

BATCH = 2000

ACCEPT_STARTS = ["dispatched", "transferred", "escalated"]
REPLY_STARTS = ["accepted", "reopened", "confirmed"]


def fill(apps, schema_editor):
    Matter = apps.get_model("matters", "Matter")
    MatterEvent = apps.get_model("matters", "MatterEvent")
    Clock = apps.get_model("matters", "Clock")

    def last_event(types, before=None):
        events = MatterEvent.objects.filter(matter=OuterRef("pk"), type__in=types)
        if before is not None:
            events = events.filter(at__lte=OuterRef(before))
        return Subquery(events.order_by("-at", "-pk").values("at")[:1])

    done = Q(state__in=["closed", "archived"], resolution="done")
    matters = (
        Matter.objects.filter(lead_department__isnull=False)
        .filter(
            Q(state="dispatched", accept_due__isnull=False)
            | Q(state="accepted", reply_due__isnull=False)
            | ((Q(state="replied") | done) & Q(replied_at__isnull=False, reply_due__isnull=False))
        )
        .exclude(clocks__isnull=False)  # written by the services already
        .annotate(
            accept_start=Coalesce(last_event(ACCEPT_STARTS), "submitted_at", "created_at"),
            # A reopened matter's replied_at is its previous reply's.
            reply_start=Coalesce(last_event(REPLY_STARTS), F("created_at")),
            replied_start=Coalesce(last_event(REPLY_STARTS, before="replied_at"), F("created_at")),
        )
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(matters.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        clocks = []
        for m in batch:
            clock = Clock(
                organization_id=m.organization_id,
                matter_id=m.pk,
                department_id=m.lead_department_id,
            )
            if m.state == "dispatched":
                clock.kind, clock.started_at, clock.due = "accept", m.accept_start, m.accept_due
            else:
                clock.kind, clock.due = "reply", m.reply_due
                clock.started_at = m.reply_start
            if m.state not in ("dispatched", "accepted"):
                clock.ended_at, clock.end = m.replied_at, "met"
                clock.started_at = m.replied_start
                if m.state != "replied" and m.rating:
                    clock.confirmed_at, clock.rating = m.closed_at or m.replied_at, m.rating
            clocks.append(clock)
        Clock.objects.bulk_create(clocks)
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0015_clock_ledger"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
