from django.conf import settings
from django.http import Http404
from django.utils.functional import SimpleLazyObject
from django.views.defaults import page_not_found

from liaison.core.people import person_of


class CurrentPersonMiddleware:
    """Puts the signed-in user's person record on `request.person` (None if they have none)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.person = SimpleLazyObject(lambda: person_of(request.user))
        return self.get_response(request)


class OwnNotFoundPageMiddleware:
    """With DEBUG on (`make run`), Django answers an unknown address with its English
    technical page; people trying the demo get the app's own page, in their language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and response.get("Content-Type", "").startswith("text/html")
        ):
            response = page_not_found(request, Http404())
        return response
