"""Distributions marked sent (to whom, with a note, a link or a file) or skipped (and
why): once each, by their owner or the project's managers."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput, NotAllowed, WrongState
from liaison.core.plain import when_text
from liaison.inbox.models import Notification
from liaison.inbox.services import mark_read
from liaison.matters.services import checked_upload_name
from liaison.org.models import Person

from .. import policy
from ..models import Distribution, DistributionState, EventType, Stakeholder
from .common import event, require_text


def _lock_distribution(distribution: Distribution) -> Distribution:
    return (
        Distribution.objects.select_for_update(of=("self",))
        .select_related("row__project__owner_department", "owner", "sent_by", "skipped_by")
        .get(pk=distribution.pk)
    )


def _require_due(distribution: Distribution) -> None:
    if distribution.state == DistributionState.SENT:
        raise WrongState(
            _("%(who)s marked it sent at %(when)s.")
            % {"who": distribution.sent_by.name, "when": when_text(distribution.sent_at)}
        )
    if distribution.state == DistributionState.SKIPPED:
        raise WrongState(
            _("%(who)s skipped it at %(when)s.")
            % {"who": distribution.skipped_by.name, "when": when_text(distribution.skipped_at)}
        )


def _require_handle(person: Person, distribution: Distribution) -> None:
    if not policy.may_handle(person, distribution):
        raise NotAllowed(
            _("Only %(owner)s and the project's managers can mark this distribution.")
            % {"owner": distribution.owner.name}
        )


def _done_with(distribution: Distribution) -> None:
    """The owner's inbox items about it are done with."""
    items = Notification.objects.filter(
        recipient=distribution.owner,
        content_type=ContentType.objects.get_for_model(Distribution),
        object_id=str(distribution.pk),
        read_at__isnull=True,
    ).values_list("pk", flat=True)
    mark_read(distribution.owner, list(items))


@transaction.atomic
def mark_sent(
    distribution: Distribution,
    person: Person,
    *,
    note: str = "",
    sent_to: Iterable[Stakeholder] | None = None,
    link: str = "",
    upload=None,
) -> Distribution:
    """Record that the information was sent: to whom (the row's recipients unless said),
    a note of what was sent, and optionally a link or a file."""
    distribution = _lock_distribution(distribution)
    _require_due(distribution)
    _require_handle(person, distribution)
    row = distribution.row
    recipients = list(row.stakeholders.all()) if sent_to is None else list(dict.fromkeys(sent_to))
    if not recipients:
        raise InvalidInput(_("Say to whom it was sent."))
    for stakeholder in recipients:
        if stakeholder.project_id != row.project_id:
            raise InvalidInput(
                _("%(who)s is not a stakeholder of this project.") % {"who": stakeholder}
            )
    link = (link or "").strip()
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError as exc:
            raise InvalidInput(_("The link must be a web address.")) from exc
    name = checked_upload_name(upload) if upload is not None else ""
    distribution.state = DistributionState.SENT
    distribution.sent_at = timezone.now()
    distribution.sent_by = person
    distribution.note = (note or "").strip()
    distribution.link = link
    if upload is not None:
        distribution.attachment.save(name, upload, save=False)
        distribution.attachment_name = name[:255]
    distribution.save()
    distribution.sent_to.set(recipients)
    event(
        row.project,
        EventType.SENT,
        person,
        row.information,
        distribution=distribution,
        due_at=distribution.due_at,
        to=[str(s) for s in recipients],
        note=distribution.note,
        link=link,
        file=name,
    )
    _done_with(distribution)
    return distribution


@transaction.atomic
def skip(distribution: Distribution, person: Person, *, reason: str) -> Distribution:
    """Record that this time the information is not sent, and why."""
    distribution = _lock_distribution(distribution)
    _require_due(distribution)
    _require_handle(person, distribution)
    reason = require_text(reason, _("Say why it is skipped."))
    distribution.state = DistributionState.SKIPPED
    distribution.skipped_at = timezone.now()
    distribution.skipped_by = person
    distribution.note = reason
    distribution.save()
    event(
        distribution.row.project,
        EventType.SKIPPED,
        person,
        distribution.row.information,
        distribution=distribution,
        due_at=distribution.due_at,
        reason=reason,
    )
    _done_with(distribution)
    return distribution
