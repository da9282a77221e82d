"""E-mail copies are built after commit, from plain text."""

import pytest
from django.utils.translation import gettext_lazy

from liaison.inbox.models import Ask
from liaison.inbox.services import notify
from liaison.org.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_lazy_translated_detail_is_mailed_as_text(
    organization, mailoutbox, django_capture_on_commit_callbacks
):
    person = PersonFactory(organization=organization, email="zhang@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [person],
            ask=Ask.INFO,
            title="XT-2026-000001 热水",
            detail=gettext_lazy("Open"),
            url="/matters/1/",
        )
    assert len(mailoutbox) == 1
    assert "XT-2026-000001" in mailoutbox[0].subject
