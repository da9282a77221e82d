"""Limits on logging in and on the API, per client address (liaison.core.clientip).

- Login lock-out (django-axes, configured in settings): every door that checks a password
  (the login page, the admin's, the API token endpoint) answers a locked-out client with
  `lockout_response`: the page in our layout, or JSON for the API, both with status 429.
- API throttles (DRF): anonymous clients per address, signed-in people per user, and a
  strict "token" scope on the token endpoint; the counters live in the shared CACHES.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from .clientip import client_address


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed logins for this username from this address. Try again in "
        "%(minutes)s minutes, or ask the administrator to unlock the account."
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out client is answered (axes' AXES_LOCKOUT_CALLABLE)."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=status)
    context = {"message": lockout_message()}
    return render(request, "registration/locked_out.html", context, status=status)


class ClientAddress:
    """Throttles count per the address our proxies vouch for, not any X-Forwarded-For."""

    def get_ident(self, request):
        return client_address(request)


class AnonThrottle(ClientAddress, AnonRateThrottle):
    pass


class UserThrottle(ClientAddress, UserRateThrottle):
    pass


class TokenLoginThrottle(ClientAddress, AnonRateThrottle):
    """Password guesses at the token endpoint, per address, whatever the username."""

    scope = "token"
