"""What every matter page needs: the signed-in person."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from liaison.org.models import Person


def person_or_404(request) -> Person:
    """The signed-in person; a login without a person record has no matters (404)."""
    if not request.person:  # a lazy object: test what it wraps
        raise Http404
    return request.person


def no_person(request):
    messages.warning(request, _("Your login is not linked to a person, so it has no matters."))
    return redirect("org:profile")


def max_mb() -> int:
    return settings.MATTER_ATTACHMENT_MAX_BYTES // (1024 * 1024)
