"""Putting a matter under supervision (督办) and urging it (催办)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from liaison.core.errors import InvalidInput, NotAllowed, WrongState
from liaison.core.plain import when_text
from liaison.inbox.models import Ask
from liaison.inbox.texts import Text
from liaison.matters.models import EventType, Matter
from liaison.matters.services import lock_matter, record_event, require_text, tell_about
from liaison.org.models import Person
from liaison.org.roles import leader_in_charge

from .. import policy
from ..models import Supervision, Urge
from .common import (
    acting_department,
    active_supervision,
    holders_of,
    lead_people,
    require_active,
    require_view,
)

#: A second urge this soon after the last one is a double click, not a new urge.
URGE_INTERVAL = datetime.timedelta(minutes=1)


@transaction.atomic
def supervise(
    matter: Matter,
    person: Person,
    *,
    supervisor: Person | None = None,
    deadline: datetime.date | None,
    reason: str,
    rectification_required: bool = True,
) -> Supervision:
    """督办: put an open matter under supervision until `deadline` (the supervisor is the
    person acting unless another is named)."""
    matter = lock_matter(matter)
    require_view(person, matter)
    current = active_supervision(matter)
    if not policy.can_supervise(matter, current):
        if not matter.is_open:
            raise WrongState(
                _("%(number)s is %(state)s: only open matters can be put under supervision.")
                % {"number": matter.number, "state": matter.get_state_display()}
            )
        raise WrongState(
            _("%(number)s is already under supervision by %(person)s since %(time)s.")
            % {
                "number": matter.number,
                "person": current.supervisor.name,
                "time": when_text(current.created_at),
            }
        )
    if not policy.may_supervise(person):
        raise NotAllowed(
            _(
                "Only the coordinating office, the supervision office and leaders can put "
                "matters under supervision."
            )
        )
    supervisor = supervisor or person
    if supervisor.organization_id != matter.organization_id or not policy.may_supervise(supervisor):
        raise InvalidInput(_("%(person)s cannot supervise matters.") % {"person": supervisor.name})
    reason = require_text(reason, _("Say why the matter is put under supervision."))
    if not isinstance(deadline, datetime.date):
        raise InvalidInput(_("Choose the deadline."))
    if deadline < timezone.localdate():
        raise InvalidInput(_("The deadline cannot be in the past."))
    department = acting_department(supervisor)
    if department is None:
        raise InvalidInput(
            _("%(person)s holds no position in any department.") % {"person": supervisor.name}
        )
    supervision = Supervision.objects.create(
        matter=matter,
        supervisor=supervisor,
        supervising_department=department,
        deadline=deadline,
        reason=reason,
        rectification_required=bool(rectification_required),
        created_by=person,
    )
    record_event(
        matter,
        EventType.SUPERVISED,
        person,
        department=acting_department(person),
        reason=reason,
        supervision=supervision.pk,
        supervisor=supervisor,
        deadline=deadline,
        rectification_required=supervision.rectification_required,
    )
    matter.save(update_fields=["updated_at"])
    if supervision.rectification_required:
        detail = gettext_noop(
            "Under supervision: a rectification reply is due by %(date)s. %(reason)s"
        )
    else:
        detail = gettext_noop("Under supervision until %(date)s. %(reason)s")
    tell_about(
        matter,
        [*holders_of(matter), *lead_people(matter)],
        Ask.RECTIFY if supervision.rectification_required else Ask.INFO,
        person,
        Text(detail, date=deadline, reason=reason[:200]),
    )
    return supervision


@transaction.atomic
def urge(matter: Matter, person: Person, note: str = "") -> Urge:
    """催办: one click; the holder is asked to act now, and from the second urge on the
    lead department's leader in charge gets a copy."""
    matter = lock_matter(matter)
    require_view(person, matter)
    supervision = require_active(matter)
    if not policy.may_urge(person, supervision):
        raise NotAllowed(_("Only the supervisor and the supervising offices can urge."))
    now = timezone.now()
    last = supervision.urges.select_related("by").order_by("-sequence").first()
    if last is not None and now - last.at < URGE_INTERVAL:
        raise WrongState(
            _("%(person)s urged it just now (%(time)s).")
            % {"person": last.by.name, "time": when_text(last.at)}
        )
    sequence = (last.sequence if last is not None else 0) + 1
    note = (note or "").strip()
    item = Urge.objects.create(
        supervision=supervision, sequence=sequence, by=person, at=now, note=note
    )
    record_event(
        matter,
        EventType.URGED,
        person,
        department=acting_department(person),
        text=note,
        supervision=supervision.pk,
        sequence=sequence,
    )
    matter.save(update_fields=["updated_at"])
    holders = [p for p in holders_of(matter) if p is not None]
    detail = Text(
        gettext_noop("Urge no. %(count)s by %(person)s; deadline %(date)s."),
        count=sequence,
        person=person.name,
        date=supervision.deadline,
    )
    if note:
        # Translators: the urging sentence above, then the supervisor's note; languages
        # that write no space between sentences leave it out.
        detail = Text(gettext_noop("%(urged)s %(note)s"), urged=detail, note=note)
    tell_about(matter, holders, Ask.URGED, person, detail)
    if sequence >= 2 and matter.lead_department is not None:
        leader = leader_in_charge(matter.lead_department)
        if leader is not None and leader.pk not in {p.pk for p in holders}:
            tell_about(
                matter,
                [leader],
                Ask.INFO,
                person,
                Text(
                    gettext_noop(
                        "Copy: %(department)s was urged %(count)s times on this supervised matter."
                    ),
                    department=matter.lead_department,
                    count=sequence,
                ),
            )
    return item
