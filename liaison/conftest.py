import pytest

from liaison.org.tests.factories import OrganizationFactory


@pytest.fixture
def organization(db):
    return OrganizationFactory(code="demo", name="示范人民医院")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Strong hashing is slow by design; tests only need passwords to round-trip."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def plain_http_and_static(settings):
    """Tests talk plain HTTP to the test client and serve static files from the finders
    (production's manifest storage needs a collectstatic run)."""
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
