"""The matters area's evaluation indicators, on about forty matters built through the
services in October and November 2026 for 信息科 (XXK) and 药剂科 (YJK), against figures
counted by hand (the table below), and the records behind every figure."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings

from liaison.core import indicators as catalogue
from liaison.core.indicators import Figure, Period
from liaison.matters import indicators, services
from liaison.matters.models import Clock, Rating, State
from liaison.supervision import services as supervision

from .factories import MatterFactory, build_hospital

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
OCT = dt.datetime(2026, 10, 13, 9, tzinfo=SHANGHAI)  # a Tuesday, after the National Day week
OCT_LATE = dt.datetime(2026, 10, 27, 9, tzinfo=SHANGHAI)  # replied in November
NOV = dt.datetime(2026, 11, 10, 9, tzinfo=SHANGHAI)
NOW = dt.datetime(2026, 12, 3, 12, tzinfo=SHANGHAI)
PERIODS = {
    code: Period(code, dt.datetime(2026, month, 1, tzinfo=SHANGHAI), end)
    for code, month, end in (
        ("2026-10", 10, dt.datetime(2026, 11, 1, tzinfo=SHANGHAI)),
        ("2026-11", 11, dt.datetime(2026, 12, 1, tzinfo=SHANGHAI)),
    )
}
CODES = [
    "accept_on_time",
    "reply_on_time",
    "reply_rate",
    "satisfaction",
    "satisfaction_strict",
    "redo_rate",
    "urged_rate",
    "return_rate",
    "overdue_open",
]
HOUR = dt.timedelta(hours=1)

# The matters, and what each counts for (acc accept_on_time, rot reply_on_time, rr
# reply_rate, sat/strict satisfaction, redo, urg urged_rate, ret return_rate, ovd
# overdue_open; "1/1" counted, "0/1" in the denominator only, "-" not a unit):
#
#  #  month dept story                                 acc rot  rr  sat strict redo urg ret ovd
#  1  Oct X  clean, satisfied                          1/1 1/1 1/1 1/1  1/1  0/1 0/1 0/1
#  2  Oct X  clean, satisfied                          1/1 1/1 1/1 1/1  1/1  0/1 0/1 0/1
#  3  Oct X  accepted late, basically satisfied        0/1 1/1 1/1 1/1  0/1  0/1 0/1 0/1
#  4  Oct X  replied late, satisfied                   1/1 0/1 1/1 1/1  1/1  0/1 0/1 0/1
#  5  Oct X  never replied (also Nov: urg 0/1, ovd 1)  1/1 0/1 0/1  -    -    -  0/1 0/1  1
#  6  Oct X  returned                                   -   -   -   -    -    -  0/1 1/1
#  7  Oct X→Y transferred while dispatched: X           -   -   -   -    -    -  0/1 0/1
#           Y accepts and replies on time, satisfied   1/1 1/1 1/1 1/1  1/1  0/1 0/1 0/1
#  8  Oct X  extension approved, replied after the old due, satisfied: as 1
#  9  Oct X  unsatisfied (redone), replied again,     1/1 2/2 2/2 1/2  1/2  1/2 0/1 0/1
#            satisfied
# 10  Oct X  urged while X held it, satisfied: as 1 but urg 1/1
# 11  Oct X  returned, dispatched again, withdrawn: nowhere
# 12  Oct X  dispatched 27 Oct: Oct                    1/1  -   -   -    -    -  0/1 0/1
#            reply due, replied, rated basically in Nov -  1/1 1/1 1/1  0/1  0/1 0/1  -
# 13  Oct Y  clean, satisfied: as 1
# 14  Oct Y  clean, basically satisfied               1/1 1/1 1/1 1/1  0/1  0/1 0/1 0/1
# 15  Oct Y  never accepted (also Nov: urg 0/1)        0/1  -   -   -    -    -  0/1 0/1
# 16  Oct Y  escalated by the originator after         1/1  -   -   -    -    -  0/1 0/1
#            acceptance (reply clock out of Y's hands before its due)
# 17  Oct Y  replied late, unsatisfied, redone on      1/1 1/2 2/2 1/2  1/2  1/2 0/1 0/1
#            time, satisfied
# 18  Oct Y  urged while the originator held it (after the reply), satisfied: as 1
# 19  Oct Y  returned                                   -   -   -   -    -    -  0/1 1/1
# 20  Nov X  clean, satisfied: as 1
# 21  Nov X  accepted late, replied late, satisfied    0/1 0/1 1/1 1/1  1/1  0/1 0/1 0/1
# 22  Nov X  never replied                             1/1 0/1 0/1  -    -    -  0/1 0/1  1
# 23  Nov X  urged twice, satisfied: as 1 but urg 1/1
# 24  Nov X  clean, basically satisfied: as 14
# 25  Nov Y→X transferred while dispatched: Y           -   -   -   -    -    -  0/1 0/1
#           X accepts late, replies on time, satisfied 0/1 1/1 1/1 1/1  1/1  0/1 0/1 0/1
# 26  Nov Y  clean, satisfied: as 1
# 27  Nov Y  replied late, basically satisfied         1/1 0/1 1/1 1/1  0/1  0/1 0/1 0/1
# 28  Nov Y  returned                                   -   -   -   -    -    -  0/1 1/1
# 29  Nov Y  extension approved, satisfied: as 1
# 30  Nov Y  never accepted                            0/1  -   -   -    -    -  0/1 0/1
# 31  Nov Y  withdrawn: nowhere
# 32  Nov Y  clean, satisfied: as 1
# 33  Nov Y  escalated by Y's head before accepting     -   -   -   -    -    -  0/1 0/1
#
# Summed per department and month (numerator, denominator; a count as (n, n)):
EXPECTED = {
    ("2026-10", "XXK"): {
        "accept_on_time": (8, 9),  # 1 2 3 4 5 8 9 10 12; not 3
        "reply_on_time": (7, 9),  # 1 2 3 4 5 8 9 9 10; not 4 5
        "reply_rate": (8, 9),  # not 5
        "satisfaction": (7, 8),  # 1 2 3 4 8 9 9 10; not 9's first
        "satisfaction_strict": (6, 8),  # not 3, 9's first
        "redo_rate": (1, 8),  # 9's first
        "urged_rate": (1, 11),  # 1–10 and 12 but the withdrawn 11; urged 10
        "return_rate": (1, 11),  # the same dispatches; returned 6
        "overdue_open": (1, 1),  # 5
    },
    ("2026-10", "YJK"): {
        "accept_on_time": (6, 7),  # 7 13 14 15 16 17 18; not 15
        "reply_on_time": (5, 6),  # 7 13 14 17 17 18; not 17's first
        "reply_rate": (6, 6),
        "satisfaction": (5, 6),  # 7 13 14 17 17 18; not 17's first
        "satisfaction_strict": (4, 6),  # not 14, 17's first
        "redo_rate": (1, 6),  # 17's first
        "urged_rate": (0, 8),  # 7 13–19; 18 urged while the originator held it
        "return_rate": (1, 8),  # 7 13–19; returned 19
        "overdue_open": (0, 0),
    },
    ("2026-11", "XXK"): {
        "accept_on_time": (4, 6),  # 20 21 22 23 24 25; not 21 25
        "reply_on_time": (5, 7),  # 12 20 21 22 23 24 25; not 21 22
        "reply_rate": (6, 7),  # not 22
        "satisfaction": (6, 6),  # 12 20 21 23 24 25
        "satisfaction_strict": (4, 6),  # not 12 24
        "redo_rate": (0, 6),
        "urged_rate": (1, 8),  # 5 12 20–25; urged 23
        "return_rate": (0, 6),  # 20–25
        "overdue_open": (2, 2),  # 5 22
    },
    ("2026-11", "YJK"): {
        "accept_on_time": (4, 5),  # 26 27 29 30 32; not 30
        "reply_on_time": (3, 4),  # 26 27 29 32; not 27
        "reply_rate": (4, 4),
        "satisfaction": (4, 4),
        "satisfaction_strict": (3, 4),  # not 27
        "redo_rate": (0, 4),
        "urged_rate": (0, 9),  # 15 25–30 32 33
        "return_rate": (1, 8),  # 25–30 32 33; returned 28
        "overdue_open": (0, 0),
    },
}


class Story:
    """Tells the matters through the services, each at its own times."""

    def __init__(self, h, traveller, late_reply_of_first=False):
        self.h, self.traveller = h, traveller
        self.late_reply_of_first = late_reply_of_first
        self.heads = {"XXK": h.p["xxk_head"], "YJK": h.p["yjk_head"]}

    def at(self, moment):
        self.traveller.move_to(moment)

    def later(self, delta=HOUR):
        self.traveller.shift(delta)

    def past_due(self, matter):
        """An hour after the running clock's due."""
        running = Clock.objects.get(matter=matter, ended_at__isnull=True)
        self.at(running.due + HOUR)

    def dispatch(self, code, start, days=5):
        self.at(start)
        matter = MatterFactory(originator=self.h.p["mzb_staff"], by=self.h, state=State.SUBMITTED)
        return services.dispatch(
            matter,
            self.h.p["office"],
            lead=self.h.d[code],
            due=start.date() + dt.timedelta(days=days),
        )

    def accept(self, matter, late=False):
        if late:
            self.past_due(matter)
        else:
            self.later()
        return services.accept(matter, self.heads[matter.lead_department.code])

    def reply(self, matter, late=False):
        if late:
            self.past_due(matter)
        else:
            self.later()
        return services.reply(matter, self.heads[matter.lead_department.code], text="已处理。")

    def confirm(self, matter, rating=Rating.SATISFIED):
        self.later()
        comment = "仍未解决" if rating == Rating.UNSATISFIED else ""
        return services.confirm(matter, self.h.p["mzb_staff"], rating=rating, comment=comment)

    def done(self, code, start, *, late_accept=False, late_reply=False, rating=Rating.SATISFIED):
        matter = self.accept(self.dispatch(code, start), late=late_accept)
        return self.confirm(self.reply(matter, late=late_reply), rating)

    def urge(self, matter, times=1):
        self.later()
        supervision.supervise(
            matter, self.h.p["supervisor"], deadline=matter.due, reason="限期办结。"
        )
        for _ in range(times):
            self.later(dt.timedelta(minutes=5))
            supervision.urge(matter, self.h.p["supervisor"])

    def returned(self, code, start):
        matter = self.dispatch(code, start)
        self.later()
        return services.return_matter(matter, self.heads[code], reason="不属本科室职责")

    def transferred(self, code, to, start, late_accept=False):
        matter = self.dispatch(code, start)
        self.later()
        matter = services.transfer(matter, self.heads[code], lead=self.h.d[to], reason="属对方")
        matter = self.accept(matter, late=late_accept)
        return self.confirm(self.reply(matter))

    def extended(self, code, start):
        matter = self.accept(self.dispatch(code, start))
        self.later()
        services.request_extension(
            matter, self.heads[code], due=start.date() + dt.timedelta(days=12), reason="等配件"
        )
        services.decide_extension(matter, self.h.p["office"], approve=True)
        matter.refresh_from_db()
        old_due = start.date() + dt.timedelta(days=6)  # after the first due, before the new
        self.at(dt.datetime.combine(old_due, dt.time(10), SHANGHAI))
        matter = services.reply(matter, self.heads[code], text="已处理。")
        return self.confirm(matter)

    def redone(self, code, start, first_late=False):
        matter = self.accept(self.dispatch(code, start))
        matter = self.confirm(self.reply(matter, late=first_late), Rating.UNSATISFIED)
        return self.confirm(self.reply(matter))

    def tell(self):
        h, X, Y = self.h, "XXK", "YJK"
        self.done(X, OCT, late_reply=self.late_reply_of_first)  # 1
        self.done(X, OCT)  # 2
        self.done(X, OCT, late_accept=True, rating=Rating.BASICALLY_SATISFIED)  # 3
        self.done(X, OCT, late_reply=True)  # 4
        self.accept(self.dispatch(X, OCT))  # 5
        self.returned(X, OCT)  # 6
        self.transferred(X, Y, OCT)  # 7
        self.extended(X, OCT)  # 8
        self.redone(X, OCT)  # 9
        matter = self.accept(self.dispatch(X, OCT))  # 10
        self.urge(matter)
        self.confirm(self.reply(matter))
        matter = self.returned(X, OCT)  # 11
        matter = services.dispatch(matter, h.p["office"], lead=h.d[X])
        services.withdraw(matter, h.p["mzb_staff"], reason="已自行解决")
        matter = self.accept(self.dispatch(X, OCT_LATE, days=7))  # 12
        self.at(dt.datetime(2026, 11, 2, 10, tzinfo=SHANGHAI))
        matter = services.reply(matter, self.heads[X], text="已处理。")
        self.confirm(matter, Rating.BASICALLY_SATISFIED)

        self.done(Y, OCT)  # 13
        self.done(Y, OCT, rating=Rating.BASICALLY_SATISFIED)  # 14
        self.dispatch(Y, OCT)  # 15
        matter = self.accept(self.dispatch(Y, OCT))  # 16
        self.later()
        services.escalate(matter, h.p["mzb_staff"], reason="协调困难")
        self.redone(Y, OCT, first_late=True)  # 17
        matter = self.reply(self.accept(self.dispatch(Y, OCT)))  # 18
        self.urge(matter)
        self.confirm(matter)
        self.returned(Y, OCT)  # 19

        self.done(X, NOV)  # 20
        self.done(X, NOV, late_accept=True, late_reply=True)  # 21
        self.accept(self.dispatch(X, NOV))  # 22
        matter = self.accept(self.dispatch(X, NOV))  # 23
        self.urge(matter, times=2)
        self.confirm(self.reply(matter))
        self.done(X, NOV, rating=Rating.BASICALLY_SATISFIED)  # 24
        self.transferred(Y, X, NOV, late_accept=True)  # 25

        self.done(Y, NOV)  # 26
        self.done(Y, NOV, late_reply=True, rating=Rating.BASICALLY_SATISFIED)  # 27
        self.returned(Y, NOV)  # 28
        self.extended(Y, NOV)  # 29
        self.dispatch(Y, NOV)  # 30
        matter = self.dispatch(Y, NOV)  # 31
        services.withdraw(matter, h.p["mzb_staff"], reason="已自行解决")
        self.done(Y, NOV)  # 32
        matter = self.dispatch(Y, NOV)  # 33
        self.later()
        services.escalate(matter, self.heads[Y], reason="需院办协调")
        self.at(NOW)


def tell(late_reply_of_first=False, code="h1"):
    h = build_hospital(code)
    with time_machine.travel(OCT, tick=False) as traveller:
        Story(h, traveller, late_reply_of_first).tell()
    return h


def figures(h) -> dict:
    """{(period, department code): {indicator code: (numerator, denominator)}}."""
    table = {}
    with time_machine.travel(NOW, tick=False):
        for period_code, period in PERIODS.items():
            for code in CODES:
                computed = catalogue.indicator(code).compute(h.organization, period)
                for dcode in ("XXK", "YJK"):
                    figure = computed.get(h.d[dcode].pk, Figure(0, 0))
                    table.setdefault((period_code, dcode), {})[code] = (
                        figure.numerator,
                        figure.denominator,
                    )
    return table


def test_the_matters_indicators_are_in_the_catalogue():
    assert [i.code for i in catalogue.catalogue() if i.code in CODES] == CODES
    reply_on_time = catalogue.indicator("reply_on_time")
    assert reply_on_time.target == 0.92 and catalogue.indicator("satisfaction").target == 0.95
    assert all(i in catalogue.catalogue() for i in indicators.INDICATORS)


@pytest.fixture(scope="module")
def told(django_db_setup, django_db_blocker):
    """The story told once for the tests that only read it, undone after them (with the
    settings liaison/conftest.py gives each test: cheap passwords, tasks run at once)."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            TASKS={
                "default": {
                    "BACKEND": "liaison.core.queue.HueyBackend",
                    "OPTIONS": {"immediate": True},
                }
            },
        ),
        transaction.atomic(),
    ):
        yield tell()
        transaction.set_rollback(True)


def test_every_indicator_counts_as_counted_by_hand(told):
    assert figures(told) == EXPECTED


def test_every_figure_lists_exactly_its_units_the_counted_ones_its_numerator(told):
    with time_machine.travel(NOW, tick=False):
        for (period_code, dcode), expected in EXPECTED.items():
            for code, (numerator, denominator) in expected.items():
                records = records_of(told, code, period_code, dcode)
                assert len(records) == denominator, (period_code, dcode, code)
                assert sum(r.counted for r in records) == numerator, (period_code, dcode, code)


def test_moving_one_reply_across_its_due_changes_only_the_on_time_reply_rate():
    h = tell(late_reply_of_first=True, code="h2")  # beside the module's story
    expected = {key: dict(values) for key, values in EXPECTED.items()}
    expected[("2026-10", "XXK")]["reply_on_time"] = (6, 9)
    assert figures(h) == expected


def test_a_figure_is_one_query_whatever_the_number_of_matters(told, django_assert_num_queries):
    with time_machine.travel(NOW, tick=False):
        for code in CODES:
            with django_assert_num_queries(1):
                catalogue.indicator(code).compute(told.organization, PERIODS["2026-10"])


def test_a_record_names_the_matter_and_the_moment_that_decided_it(told):
    with time_machine.travel(NOW, tick=False):
        (urged,) = [r for r in records_of(told, "urged_rate", "2026-10", "XXK") if r.counted]
        (returned,) = [r for r in records_of(told, "return_rate", "2026-10", "XXK") if r.counted]
        late = [r for r in records_of(told, "reply_on_time", "2026-10", "XXK") if not r.counted]
    # The urged matter (10): its reply clock's due, and the urge while it ran.
    reply = Clock.objects.select_related("matter").get(matter_id=urged.matter_id, kind="reply")
    assert (urged.number, urged.due) == (reply.matter.number, reply.due)
    assert reply.started_at < urged.at < reply.ended_at
    # The returned matter (6): when it was returned.
    accept = Clock.objects.get(matter_id=returned.matter_id)
    assert (returned.at, accept.end) == (accept.ended_at, "returned")
    # Replied late (4), and not replied at all (5): after the due, or no moment yet.
    assert [(r.at is None, r.at is None or r.at > r.due) for r in late] == [
        (False, True),
        (True, True),
    ]


def records_of(h, code, period_code, dcode):
    return list(catalogue.indicator(code).records(h.organization, PERIODS[period_code], h.d[dcode]))
