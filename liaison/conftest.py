import pytest

from liaison.org.tests.factories import OrganizationFactory


@pytest.fixture
def organization(db):
    return OrganizationFactory(code="demo", name="示范人民医院")
