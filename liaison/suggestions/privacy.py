"""Keeping the writer out of logs, and guessing of codes slow.

Django logs every answer of 400 and above with its path and request (`django.request`);
the submit and retrieval views mark their answers as logged already, so that neither the
writer's request nor a code in a path reaches a log. Guessing is limited per client with
a counter in the cache under a keyed hash of the address: nothing is written to the
database, and the address itself is kept nowhere.
"""

import functools

from django.core.cache import cache
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import salted_hmac

from liaison.core.clientip import client_address

#: Wrong codes a client may try per window before it must wait.
WRONG_CODES = 10
WINDOW = 15 * 60


def quiet(response):
    """Keep Django from logging this answer, and browsers and proxies from keeping it."""
    response._has_been_logged = True
    add_never_cache_headers(response)
    return response


def unlogged(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return quiet(view(request, *args, **kwargs))

    return wrapper


def _key(request) -> str:
    address = client_address(request)
    digest = salted_hmac("liaison.suggestions.guesses", address, algorithm="sha256").hexdigest()
    return f"suggestions:guesses:{digest[:32]}"


def guessing_blocked(request) -> bool:
    return (cache.get(_key(request)) or 0) >= WRONG_CODES


def count_wrong_code(request) -> None:
    key = _key(request)
    if not cache.add(key, 1, WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, WINDOW)
