"""A person's choices of how their inbox reaches them by e-mail."""

import datetime

from django.utils import timezone

from liaison.org.models import Person

from ..models import NotificationPreference


def preferences_for(person: Person) -> NotificationPreference:
    """The person's preferences; the defaults (unsaved) when they never set any."""
    return NotificationPreference.objects.filter(person=person).first() or NotificationPreference(
        person=person
    )


def save_preferences(
    preference: NotificationPreference, *, now: datetime.datetime | None = None
) -> NotificationPreference:
    """Save a person's choices. Switching the digest on starts collecting now; if today's
    digest time has passed, the first digest comes tomorrow."""
    now = now or timezone.now()
    stored = (
        NotificationPreference.objects.filter(pk=preference.pk)
        .values_list("digest_enabled", flat=True)
        .first()
        if preference.pk
        else None
    )
    if preference.digest_enabled and not stored:
        preference.digest_from = now
        local = timezone.localtime(now)
        preference.last_digest_on = local.date() if local.hour >= preference.digest_hour else None
    preference.full_clean()
    preference.save()
    return preference
