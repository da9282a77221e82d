"""The client's address: the one answer shared by every per-client limit.

Login lock-outs (axes), the API's throttles and the suggestion-code throttle all count per
address, so they must agree on what the address is. `X-Forwarded-For` is believed only as
far as `TRUSTED_PROXIES` reverse proxies of ours append to it: each appends the address it
saw, so with N proxies the client is the N-th entry from the right, and anything further
left was written by the client. With no proxy, the header is the client's own invention.

Written here rather than with django-ipware: ipware's proxy count counts the addresses in
the header (a client who sends its own header changes the count) and answers nothing at
all when the chain is longer than expected.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The address the request came from, as far as our own proxies vouch for it."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    candidate = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # a proxy that wrote no address: the connection is all we know
        return remote
