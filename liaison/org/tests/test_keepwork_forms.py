"""Contact details that are refused come back on the department page with what was typed,
the reason under the field, and nothing saved."""

import pytest
from django.urls import reverse

from .test_pages import hospital, login  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_a_too_long_phone_keeps_both_fields_and_says_why(client, hospital):  # noqa: F811
    login(client, hospital["head"])
    response = client.post(
        reverse("org:department-contacts", args=[hospital["it"].pk]),
        {"phone": "8" * 60, "location": "门诊楼二层东侧"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'value="{"8" * 60}"' in html and 'value="门诊楼二层东侧"' in html
    assert '<div class="invalid-feedback d-block">电话号码过长' in html
    assert '<details class="mt-3" open>' in html
    hospital["it"].refresh_from_db()
    assert (hospital["it"].phone, hospital["it"].location) == ("8001", "行政楼3层")
