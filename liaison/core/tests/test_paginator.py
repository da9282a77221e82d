import pytest

from liaison.core.paginator import CappedPaginator
from liaison.org.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def twelve():
    Organization.objects.bulk_create(
        Organization(code=f"o{i:02d}", name=f"医院{i}") for i in range(12)
    )
    return Organization.objects.order_by("code")


def test_a_short_list_is_counted_exactly(twelve):
    paginator = CappedPaginator(twelve, 5, cap=20)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (12, False, 3)


def test_a_long_list_stops_counting_at_the_cap(twelve, django_assert_num_queries):
    paginator = CappedPaginator(twelve, 5, cap=10)
    with django_assert_num_queries(1):  # the count and every page come from one read
        assert (paginator.count, paginator.capped, paginator.num_pages) == (10, True, 2)
        last = paginator.page(2)
        assert (last.start_index(), last.end_index(), last.has_next()) == (6, 10, False)
        assert [o.code for o in last] == ["o05", "o06", "o07", "o08", "o09"]
