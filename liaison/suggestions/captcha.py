"""An arithmetic captcha that works offline (intranets have no captcha service).

The challenge travels with the form as a signed, timed token holding a keyed hash of the
answer, so nothing is kept on the server (no session: the public form stays anonymous)
and the answer cannot be read from the page. A solved token is spent in the cache, so one
solution sends one letter.
"""

import dataclasses
import secrets

from django.core import signing
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "liaison.suggestions.captcha"
#: A challenge may be answered within this many seconds of showing the form.
MAX_AGE = 2 * 60 * 60
#: Answers lie in 0..MAX_ANSWER.
MAX_ANSWER = 18


@dataclasses.dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def _digest(nonce: str, answer: int) -> str:
    return salted_hmac(SALT, f"{nonce}:{answer}", algorithm="sha256").hexdigest()


def new_challenge() -> Challenge:
    """A sum or difference of two digits, the answer never negative."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    if secrets.randbelow(2):
        question, answer = f"{a} + {b}", a + b
    else:
        a, b = max(a, b), min(a, b)
        question, answer = f"{a} − {b}", a - b
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps({"n": nonce, "h": _digest(nonce, answer)}, salt=SALT, compress=True)
    return Challenge(question=f"{question} = ?", token=token)


def _payload(token: str) -> dict | None:
    try:
        payload = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # also expired tokens
        return None
    return payload if isinstance(payload, dict) and {"n", "h"} <= payload.keys() else None


def check(token: str, answer: str) -> bool:
    """Whether `answer` solves the challenge; a correct answer spends the token."""
    payload = _payload(token)
    if payload is None:
        return False
    try:
        value = int(str(answer).strip())
    except ValueError:
        return False
    if not 0 <= value <= MAX_ANSWER or not constant_time_compare(
        _digest(payload["n"], value), payload["h"]
    ):
        return False
    return cache.add(f"suggestions:captcha:{payload['n']}", 1, MAX_AGE)


def solve(token: str) -> int | None:
    """The answer to a challenge (for tests and the browser journey), by trying them all."""
    payload = _payload(token)
    if payload is None:
        return None
    for value in range(MAX_ANSWER + 1):
        if constant_time_compare(_digest(payload["n"], value), payload["h"]):
            return value
    return None
