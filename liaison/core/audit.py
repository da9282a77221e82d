"""Writing the audit trail. Services call `record` inside their transaction, so an
event exists exactly when its change was committed."""

from django.contrib.contenttypes.models import ContentType

from .models import AuditAction, AuditEvent
from .plain import plain


def record(action: AuditAction, *, actor=None, organization=None, target=None, **data):
    """Append one event: `actor` is a user (None for the system), `target` any model
    instance the change was made to, `data` the details worth keeping."""
    event = AuditEvent(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        organization=organization,
        data=plain(data),
    )
    if target is not None:
        event.content_type = ContentType.objects.get_for_model(target)
        event.object_id = str(target.pk)
        event.target_repr = str(target)[:200]
    event.save()
    return event
