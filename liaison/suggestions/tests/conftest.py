import pytest
from django.core.cache import cache

from liaison.matters.tests.factories import build_hospital
from liaison.testing import in_english, media_folder  # noqa: F401 (shared fixtures)


@pytest.fixture
def h(db):
    """The matters' small hospital: 院办 (YB) is the coordinating office (杨主任 its head,
    张三 its staff) and handles the suggestion box; the president 沈院长, titled 院长, also
    reads the leader's mailbox; 孔护士 (儿科) is an ordinary member of staff."""
    hospital = build_hospital()
    president = hospital.p["president"]
    president.title = "院长"
    president.save(update_fields=["title"])
    return hospital


@pytest.fixture(autouse=True)
def empty_cache():
    """Captcha tokens spent and wrong codes counted live in the cache: each test starts
    without any."""
    cache.clear()
    yield
    cache.clear()
