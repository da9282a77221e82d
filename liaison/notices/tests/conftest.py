import pytest
from django.utils import translation

from liaison.matters.tests.factories import build_hospital


@pytest.fixture
def h(db):
    """The matters' small hospital: 信息科 (XXK), 药剂科 (YJK), 门诊部 (MZB) and 总务科
    (ZWK) have a head, a liaison officer and staff; 保卫科 (BWK) has no head; 院办 (YB) is
    the coordinating office."""
    return build_hospital()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
