"""The person behind a login, read without importing the organization's models.

Core sits below every area, so it reaches the person through the user's reverse relation
(`user.person`, from org.Person's one-to-one field) rather than through org's code.
"""

from django.core.exceptions import ObjectDoesNotExist


def person_of(user):
    """The person (an org.Person) behind a login, or None (anonymous, or no person)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.person
    except ObjectDoesNotExist:
        return None
