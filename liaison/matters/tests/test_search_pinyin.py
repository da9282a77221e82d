"""The top search finds a matter by its title's pinyin initials (zzj → 自助机) or full
pinyin among all the matters the person may see, however old, and only those."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from liaison.matters import services
from liaison.matters.models import Matter, State
from liaison.matters.services import MatterInput
from liaison.org import search
from liaison.testing import small_hospital  # noqa: F401 (the fixture h)

from .factories import MatterFactory, seeded_kind

pytestmark = pytest.mark.django_db


def found(person, query: str) -> set[str]:
    return {hit.url for hit in search.find(person, query)}


def link(matter) -> str:
    return reverse("matters:detail", args=[matter.pk])


def newer_drafts(h, person, count: int) -> None:
    """`count` drafts of `person`, newer than anything else and about something else."""
    kind = seeded_kind(h.organization)
    now = timezone.now()
    Matter.objects.bulk_create(
        Matter(
            organization=h.organization,
            number=f"CG-2099-{n:06d}",
            title=f"病区呼叫器故障{n}",
            kind=kind,
            originator=person,
            originator_department=h.d["MZB"],
            created_at=now + datetime.timedelta(seconds=n + 1),
        )
        for n in range(count)
    )


@pytest.fixture
def kiosk(h):
    """门诊部's matter about the self-service kiosks, led by 信息科, followed by 600 newer
    matters of its originator: 儿科's nurse (outsider) may not see it."""
    matter = MatterFactory(
        originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED, title="门诊自助机无法打印发票"
    )
    newer_drafts(h, h.p["mzb_staff"], 600)
    return matter


@pytest.mark.parametrize("query", ["zzj", "ZZJ", "mzzzj", "zizhuji", "zi zhu ji", "menzhen"])
def test_a_matter_older_than_the_newest_hundreds_is_found_by_pinyin(h, kiosk, query):
    assert link(kiosk) in found(h.p["mzb_staff"], query)
    assert link(kiosk) in found(h.p["xxk_head"], query)  # the lead department's head


@pytest.mark.parametrize("query", ["zzj", "zizhuji"])
def test_a_matter_the_person_may_not_see_is_not_found_by_pinyin(h, kiosk, query):
    assert link(kiosk) not in found(h.p["outsider"], query)
    assert link(kiosk) not in found(h.p["yjk_head"], query)


def test_letters_of_no_title_find_no_matter(h, kiosk):
    assert not any("/matters/" in url for url in found(h.p["mzb_staff"], "qqqq"))
    assert link(kiosk) not in found(h.p["mzb_staff"], "z")  # one letter is too little


def test_a_renamed_matter_is_found_by_its_new_pinyin_only(h):
    person = h.p["yjk_liaison"]
    kind = seeded_kind(h.organization)
    draft = services.create_matter(person, MatterInput(title="药房冷库温度报警", kind=kind))
    assert link(draft) in found(person, "lkwd")
    services.edit_draft(draft, person, MatterInput(title="门诊自助机无法打印发票", kind=kind))
    assert link(draft) in found(person, "zzj")
    assert link(draft) in found(person, "zizhuji")
    assert link(draft) not in found(person, "lkwd")


def test_a_title_saved_alone_gets_its_new_pinyin(h):
    matter = MatterFactory(originator=h.p["mzb_staff"], by=h, title="药房冷库温度报警")
    matter.title = "门诊自助机无法打印发票"
    matter.save(update_fields=["title"])
    assert link(matter) in found(h.p["mzb_staff"], "zzj")
    assert link(matter) not in found(h.p["mzb_staff"], "lkwd")


def test_the_migration_fills_the_pinyin_of_matters_already_there(h, kiosk):
    Matter.objects.update(title_pinyin="", title_initials="")
    assert link(kiosk) not in found(h.p["mzb_staff"], "zzj")
    migration = importlib.import_module("liaison.matters.migrations.0014_title_pinyin")
    migration.fill(apps, None)
    assert link(kiosk) in found(h.p["mzb_staff"], "zzj")
    assert link(kiosk) in found(h.p["mzb_staff"], "zizhuji")
