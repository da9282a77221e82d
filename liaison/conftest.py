import pytest
from django.conf import settings
from django.test import override_settings

from liaison.org.tests.factories import OrganizationFactory


@pytest.fixture
def organization(db):
    return OrganizationFactory(code="demo", name="示范人民医院")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Strong hashing is slow by design; tests only need passwords to round-trip."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Queued tasks run at once, in process, through the real backend (huey in immediate
    mode): tests need no worker. Tests of the queue itself configure a real one."""
    settings.TASKS = {
        "default": {"BACKEND": "liaison.core.queue.HueyBackend", "OPTIONS": {"immediate": True}}
    }


@pytest.fixture(autouse=True)
def own_cache_and_no_lockout(settings, request):
    """Each test counts its throttles in a cache of its own. The login lock-out needs the
    request at every login, which the test client's `login()` does not pass: it is off
    unless a test turns it on (settings.AXES_ENABLED = True)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def no_content_security_policy_violations(request, monkeypatch):
    """A browser journey fails if any page it opens reports a Content-Security-Policy
    violation (checked after its browser has closed; the list is what was reported)."""
    if request.node.get_closest_marker("browser") is None:
        yield None
        return
    from liaison.browser import watch_csp_violations

    violations = watch_csp_violations(monkeypatch)
    yield violations
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture(scope="session", autouse=True)
def plain_http_and_static():
    """Tests talk plain HTTP (test client and live server) and serve static files from the
    finders (production's manifest storage needs a collectstatic run). Session-wide, so the
    live server's middleware, built once, sees it too."""
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield
