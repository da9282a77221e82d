"""The unread count in the navigation bar: one COUNT query for a signed-in person, made
only when a template shows it; none for anonymous visitors."""

from django.utils.functional import SimpleLazyObject

from .models import Notification


def inbox(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    return {
        "inbox_unread": SimpleLazyObject(
            lambda: Notification.objects.filter(recipient__user=user, read_at__isnull=True).count()
        )
    }
