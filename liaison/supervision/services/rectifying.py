"""The rectification reply (整改回复): the lead department submits it, the supervisor or
the supervising office accepts or rejects it."""

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
from liaison.matters.services import (
    attach_uploads,
    check_uploads,
    lock_matter,
    record_event,
    require_text,
    tell_about,
)
from liaison.org.models import Person

from .. import policy
from ..models import Rectification, RectificationState
from .common import (
    acting_department,
    lead_people,
    pending_reply,
    require_active,
    require_view,
    reviewers,
)


@transaction.atomic
def submit_rectification(
    matter: Matter,
    person: Person,
    *,
    measures: str,
    evidence: str,
    completion_date: datetime.date | None,
    attachments=(),
) -> Rectification:
    """整改回复: the lead department says what it did, with evidence (text, and files as
    attachments of the timeline event); the supervisor is asked to review it."""
    matter = lock_matter(matter)
    require_view(person, matter)
    supervision = require_active(matter)
    pending = pending_reply(supervision)
    if not policy.can_rectify(supervision, pending):
        if pending is None:  # then the supervision asks for none
            raise WrongState(_("This supervision asks for no rectification reply."))
        raise WrongState(
            _("A rectification reply by %(person)s (%(time)s) is waiting for review.")
            % {"person": pending.submitted_by.name, "time": when_text(pending.submitted_at)}
        )
    if not policy.may_rectify(person, matter):
        raise NotAllowed(_("Only the lead department can submit the rectification reply."))
    measures = require_text(measures, _("Describe the rectification measures."))
    evidence = require_text(evidence, _("Give the evidence of the rectification."))
    if not isinstance(completion_date, datetime.date):
        raise InvalidInput(_("Give the completion date."))
    attachments = check_uploads(attachments)
    event = record_event(
        matter,
        EventType.RECTIFICATION_SUBMITTED,
        person,
        department=matter.lead_department,
        text=measures,
        supervision=supervision.pk,
        evidence=evidence,
        completion_date=completion_date,
    )
    attach_uploads(matter, person, event, attachments)
    rectification = Rectification.objects.create(
        supervision=supervision,
        measures=measures,
        evidence=evidence,
        completion_date=completion_date,
        event=event,
        submitted_by=person,
    )
    matter.save(update_fields=["updated_at"])
    tell_about(matter, reviewers(supervision), Ask.REVIEW_RECTIFICATION, person, measures[:200])
    return rectification


@transaction.atomic
def review_rectification(
    matter: Matter, person: Person, *, accept: bool, reason: str = ""
) -> Rectification:
    """Accept the reply (the supervision ends) or reject it with a reason (the lead
    department is asked for a new one)."""
    matter = lock_matter(matter)
    require_view(person, matter)
    supervision = require_active(matter)
    pending = pending_reply(supervision)
    if not policy.can_review(supervision, pending):
        last = (
            supervision.rectifications.exclude(state=RectificationState.SUBMITTED)
            .select_related("reviewed_by")
            .order_by("-reviewed_at", "-pk")
            .first()
        )
        if last is not None and last.reviewed_by is not None:
            raise WrongState(
                _(
                    "The last rectification reply was already reviewed (%(state)s) by %(person)s "
                    "at %(time)s."
                )
                % {
                    "state": last.get_state_display(),
                    "person": last.reviewed_by.name,
                    "time": when_text(last.reviewed_at),
                }
            )
        raise WrongState(_("No rectification reply is waiting for review."))
    if not policy.may_review(person, supervision):
        raise NotAllowed(_("Only the supervisor or the supervising office can review the reply."))
    if policy.is_own_reply(person, pending):
        raise NotAllowed(_("You cannot review your own rectification reply."))
    reason = (reason or "").strip()
    if not accept and not reason:
        raise InvalidInput(_("Say why the rectification reply is rejected."))
    now = timezone.now()
    pending.state = RectificationState.ACCEPTED if accept else RectificationState.REJECTED
    pending.reviewed_by = person
    pending.reviewed_at = now
    pending.review_reason = reason
    pending.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_reason"])
    if accept:
        supervision.is_active = False
        supervision.ended_at = now
        supervision.save(update_fields=["is_active", "ended_at"])
    record_event(
        matter,
        EventType.RECTIFICATION_ACCEPTED if accept else EventType.RECTIFICATION_REJECTED,
        person,
        department=acting_department(person),
        reason=reason,
        supervision=supervision.pk,
        rectification=pending.pk,
    )
    matter.save(update_fields=["updated_at"])
    people = [pending.submitted_by, *lead_people(matter)]
    if accept:
        tell_about(
            matter,
            people,
            Ask.INFO,
            person,
            Text(gettext_noop("Rectification reply accepted; supervision ended.")),
        )
    else:
        tell_about(
            matter,
            people,
            Ask.RECTIFY,
            person,
            Text(gettext_noop("Rectification reply rejected: %(reason)s"), reason=reason[:200]),
        )
    return pending
