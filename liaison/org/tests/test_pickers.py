"""The people pickers' search (name, pinyin, initials, employee number, one department,
one organization only), their fields' markup, and the department tree's order."""

import re

import pytest
from django import forms
from django.urls import reverse

from liaison.matters.forms import DepartmentChoiceField
from liaison.matters.tests.factories import PASSWORD, build_hospital
from liaison.meetings.forms import PeopleChoiceField, PersonChoiceField
from liaison.org.models import Department, Person
from liaison.testing import small_hospital  # noqa: F401 (the fixture h)

from .factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def picked(client, h, **params):
    assert client.login(username=h.p["office"].user.username, password=PASSWORD)
    response = client.get(reverse("org:people-search"), params)
    assert response.status_code == 200
    return response.json()["results"]


def test_people_are_found_by_name_pinyin_initials_and_employee_number(client, h):
    zhao = str(h.p["xxk_head"].pk)
    assert [r["value"] for r in picked(client, h, q="赵信")] == [zhao]
    assert [r["value"] for r in picked(client, h, q="zhaoxinxi")] == [zhao]
    assert [r["value"] for r in picked(client, h, q="zxx")] == [zhao]
    number = h.p["xxk_head"].employee_number
    assert [r["value"] for r in picked(client, h, q=number)] == [zhao]
    (found,) = picked(client, h, q="zxx")
    assert found["text"] == "赵信息" and "信息科" in found["where"]


def test_a_department_narrows_the_people_to_those_working_there(client, h):
    pharmacy = picked(client, h, department=h.d["YJK"].pk)
    assert {r["text"] for r in pharmacy} == {"周药师", "吴联络", "郑药剂"}
    assert all(r["where"].startswith("药剂科") for r in pharmacy)
    assert picked(client, h, department=h.d["YJK"].pk, q="zxx") == []
    assert [r["text"] for r in picked(client, h, department=h.d["YJK"].pk, q="zyj")] == ["郑药剂"]


def test_nobody_of_another_organization_is_offered(client, h):
    other = build_hospital("h2")  # the same names, in another hospital
    found = picked(client, h, q="zxx")
    assert [r["value"] for r in found] == [str(h.p["xxk_head"].pk)]
    everyone = {int(r["value"]) for r in picked(client, h)}
    assert everyone and not everyone & set(
        Person.objects.filter(organization=other.organization).values_list("pk", flat=True)
    )
    response = client.get(reverse("org:people-search"), {"department": other.d["YJK"].pk})
    assert response.status_code == 404


def test_the_search_needs_a_login(client, h):
    response = client.get(reverse("org:people-search"), {"q": "zxx"})
    assert response.status_code == 302


class ResponsibleForm(forms.Form):
    department = DepartmentChoiceField(queryset=Department.objects.all())
    responsible = PersonChoiceField(queryset=Person.objects.all(), filter_by="department")
    people = PeopleChoiceField(queryset=Person.objects.all())


def test_a_person_field_holds_the_chosen_only_and_says_where_to_search_and_filter(h):
    form = ResponsibleForm(initial={"responsible": h.p["yjk_head"].pk})
    html = str(form["responsible"])
    assert 'data-picker="people"' in html
    assert f'data-people-url="{reverse("org:people-search")}"' in html
    assert 'data-filter-by="department"' in html
    assert "周药师" in html and "郑药剂" not in html  # not the whole staff
    assert "data-filter-by" not in str(form["people"])


def test_a_bad_choice_keeps_the_chosen_and_validates_against_everyone(h):
    form = ResponsibleForm(
        data={
            "department": h.d["YJK"].pk,
            "responsible": h.p["zwk_staff"].pk,
            "people": [h.p["xxk_staff"].pk, 0],
        }
    )
    assert not form.is_valid() and "people" in form.errors and "responsible" not in form.errors
    assert "孙技术" in str(form["people"])


def test_departments_are_offered_as_a_tree(h):
    radiology = DepartmentFactory(
        organization=h.organization, code="FSK", name="放射科", sort_order=20
    )
    # Sorted alone it would come first: in the tree it follows its parent.
    ct = DepartmentFactory(
        organization=h.organization, code="CT", name="CT室", parent=radiology, sort_order=0
    )
    field = DepartmentChoiceField(queryset=Department.objects.filter(organization=h.organization))
    order = [label for value, label in field.choices if value]
    assert order.index("CT室") == order.index("放射科") + 1
    html = str(ResponsibleForm()["department"])
    (option,) = re.findall(rf'<option value="{ct.pk}"[^>]*>', html)
    assert "&quot;level&quot;: 1" in option
