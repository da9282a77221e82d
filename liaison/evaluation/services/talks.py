"""约谈 (a talk with the leader in charge): a department on the black list in two
consecutive final periods of the same length gets a matter, raised by the coordinating
office and led by the department, naming both periods and its leader in charge, who is
told. Once per department and pair of periods (the Talk row), however often a period is
finalised again."""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from liaison.inbox.models import Ask
from liaison.inbox.texts import Text
from liaison.matters import services as matters
from liaison.matters.models import MatterKind
from liaison.org.models import Department, Person
from liaison.org.roles import (
    coordinating_department,
    default_responsible,
    leader_in_charge,
    works_in,
)

from .. import periods, selectors
from ..models import Scorecard, ScorecardEvent, ScorecardEventType, ScorecardState, Standing, Talk

#: The kind of matter a talk is (an office's kind: the office puts a department to it).
TALK_KIND = "supervision"
DONE = (ScorecardState.FINAL, ScorecardState.PUBLISHED)


def _black(scorecard: Scorecard) -> set[int]:
    return set(
        scorecard.lines.filter(standing=Standing.BLACK).values_list("department_id", flat=True)
    )


def _kind(organization) -> MatterKind:
    kind = MatterKind.objects.filter(organization=organization, code=TALK_KIND).first()
    if kind is None:
        matters.seed_matter_kinds(organization)
        kind = MatterKind.objects.get(organization=organization, code=TALK_KIND)
    return kind


def _open(scorecard: Scorecard, earlier: str, department: Department, by: Person) -> Talk:
    organization = scorecard.organization
    office = coordinating_department(organization)
    raiser = by if works_in(by, office) else default_responsible(office)
    leader = leader_in_charge(department)
    names = {
        "department": department.name,
        "earlier": earlier,
        "later": scorecard.period,
        "leader": leader.name if leader else _("(no leader in charge)"),
    }
    # Stored text: in the organization's language, like every matter's title.
    with translation.override(settings.LANGUAGE_CODE):
        title = (
            _("Talk (约谈) with %(department)s: on the black list in %(earlier)s and %(later)s")
            % names
        )
        description = (
            _(
                "%(department)s was on the black list of the scorecards of %(earlier)s and "
                "%(later)s, two periods in a row. %(leader)s, the leader in charge, holds a "
                "talk (约谈) with the department's head about the causes and the remedies."
            )
            % names
        )
    matter = matters.create_matter(
        raiser,
        matters.MatterInput(
            title=title,
            kind=_kind(organization),
            description=description,
            originator_department=office,
            lead_department=department,
        ),
        submit=True,
        by_flow=True,  # the scorecard's rule opens it, whoever approved the scorecard
    )
    if leader is not None:
        matters.tell_about(
            matter,
            [leader],
            Ask.INFO,
            by,
            Text(
                gettext_noop("A talk (约谈) with %(department)s: on the black list twice."),
                department=department.name,
            ),
        )
    talk = Talk.objects.create(
        department=department, earlier=earlier, later=scorecard.period, matter=matter
    )
    ScorecardEvent.objects.create(
        scorecard=scorecard,
        type=ScorecardEventType.TALK_OPENED,
        actor=by,
        data={"department": department, "matter": matter.pk, "earlier": earlier},
    )
    return talk


@transaction.atomic
def open_talks(scorecard: Scorecard, by: Person) -> list[Talk]:
    """The talks due now that `scorecard` is final: its black list against the previous
    period's latest final scorecard."""
    (before,) = periods.previous(selectors.period_of(scorecard), 1)
    earlier = (
        Scorecard.objects.filter(
            organization=scorecard.organization, period=before.code, state__in=DONE
        )
        .order_by("-computed_at", "-pk")
        .first()
    )
    if earlier is None:
        return []
    twice = _black(scorecard) & _black(earlier)
    done = set(
        Talk.objects.filter(
            department_id__in=twice, earlier=earlier.period, later=scorecard.period
        ).values_list("department_id", flat=True)
    )
    return [
        _open(scorecard, earlier.period, department, by)
        for department in Department.objects.filter(pk__in=twice - done).order_by("code")
    ]
