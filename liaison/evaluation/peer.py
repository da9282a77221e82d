"""The peer score (三评得分) as an evaluation indicator, registered in EvaluationConfig.ready.

Its units are the answered ballots on a department in the quarter's round; the score is
the mean of their overall item (services/rounds.py), a 0–100 mean (Measure.SCORE). A
department with fewer than MINIMUM_RATERS answers has no figure: no peer score, so its
scorecard goes without it. The records do not name the raters: only the coordinating
office sees who rated, on the round's page.
"""

from django.db.models import Count, Sum
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liaison.core.indicators import Direction, Figure, Indicator, Measure, Period, Record
from liaison.org.models import Department, Organization

from .models import PeerBallot
from .services.rounds import MINIMUM_RATERS


def _answered(organization: Organization, period: Period):
    return PeerBallot.objects.filter(
        round__organization=organization, round__period=period.code, answered_at__isnull=False
    )


def compute(organization: Organization, period: Period) -> dict[int, Figure]:
    rows = (
        _answered(organization, period)
        .values("evaluated")
        .annotate(n=Count("pk"), points=Sum("overall"))
    )
    return {
        row["evaluated"]: Figure(row["points"], row["n"])
        for row in rows
        if row["n"] >= MINIMUM_RATERS
    }


def records(organization: Organization, period: Period, department: Department):
    ballots = _answered(organization, period).filter(evaluated=department).order_by("answered_at")
    if ballots.count() < MINIMUM_RATERS:
        return []
    return [
        Record(
            matter_id=None,
            number="",
            counted=True,
            due=None,
            at=ballot.answered_at,
            label=gettext("Peer ballot %(number)s: overall %(points)s")
            % {"number": position, "points": ballot.overall},
        )
        for position, ballot in enumerate(ballots, start=1)
    ]


PEER_SCORE = Indicator(
    code="peer_score",
    name=_("Peer evaluation score"),
    definition=_(
        "The mean of the overall item (very satisfied 100, satisfied 80, basically "
        "satisfied 60, dissatisfied 40, very dissatisfied 20) over the ballots answered on "
        "the department in the quarter's peer evaluation round, by the departments that "
        "raised or co-organized its matters and by external raters; with fewer than 5 "
        "ballots there is no score."
    ),
    direction=Direction.HIGHER,
    measure=Measure.SCORE,
    target=None,
    compute=compute,
    records=records,
)
