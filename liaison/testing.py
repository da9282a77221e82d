"""Test fixtures shared by the areas built on the matters' small hospital.

An area's tests/conftest.py switches them on by importing them (`from liaison.testing
import in_english, media_folder, small_hospital`): the fixtures `english` and `media` then
apply to each of its tests, and `h` is there to ask for. They are not a global plugin
because other areas test the Chinese default and keep their own hospitals. (The functions
have names other than their fixtures', so that the fixtures' arguments do not shadow the
imports.)
"""

import pytest
from django.utils import translation

from liaison.matters.tests.factories import build_hospital


@pytest.fixture(name="h")
def small_hospital(db):
    """The matters' small hospital (liaison.matters.tests.factories.Hospital): 院办 (YB)
    the coordinating office, 督查办 (DCB) the supervision office, 信息科 (XXK), 药剂科 (YJK),
    门诊部 (MZB) and 总务科 (ZWK) with a head, a liaison officer and staff, 保卫科 (BWK)
    without a head, 儿科 (EK) unrelated, leaders in charge and a leading group."""
    return build_hospital()


@pytest.fixture(name="english", autouse=True)
def in_english():
    """Messages in English, whatever the default language."""
    with translation.override("en"):
        yield


@pytest.fixture(name="media", autouse=True)
def media_folder(settings, tmp_path):
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
