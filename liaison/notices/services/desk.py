"""The liaison desk's reports: a liaison officer raises a problem or need of their
department as a matter to the coordinating office."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput, NotAllowed
from liaison.matters import services as matters
from liaison.matters.models import Matter, MatterKind
from liaison.org.models import Department, Person

from .. import policy

LIAISON_REPORT_KIND = "liaison_report"


@transaction.atomic
def report_problem(
    person: Person,
    department: Department,
    *,
    title: str,
    description: str = "",
    due: datetime.date | None = None,
    attachments: Iterable = (),
) -> Matter:
    """A liaison officer reports a problem or need of their department: a matter to the
    coordinating office, which dispatches it to whoever should handle it."""
    if not policy.may_report_for(person, department):
        raise NotAllowed(
            _("Only the liaison officer or the head of %(department)s may report for it.")
            % {"department": department}
        )
    kind = MatterKind.objects.filter(
        organization=person.organization, code=LIAISON_REPORT_KIND, is_active=True
    ).first()
    if kind is None:
        raise InvalidInput(_("Reports by liaison officers are switched off in this organization."))
    matter = matters.create_matter(
        person,
        matters.MatterInput(
            title=title,
            kind=kind,
            description=description,
            originator_department=department,
            due=due,
        ),
        submit=True,
    )
    uploads = list(attachments or ())
    if uploads:
        matters.add_attachments(matter, person, uploads)
    return matter
