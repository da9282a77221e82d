from django.utils.functional import SimpleLazyObject

from liaison.core.people import person_of


class CurrentPersonMiddleware:
    """Puts the signed-in user's person record on `request.person` (None if they have none)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.person = SimpleLazyObject(lambda: person_of(request.user))
        return self.get_response(request)
