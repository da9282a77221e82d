"""The organization pages through the test client, in Chinese (default) and English."""

import pytest
from django.urls import reverse

from liaison.org.models import DepartmentKind

from .factories import (
    PASSWORD,
    DepartmentFactory,
    LeaderInChargeFactory,
    PersonFactory,
    PositionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hospital(organization):
    office = DepartmentFactory(
        organization=organization, code="YB", name="院办", kind=DepartmentKind.FUNCTIONAL
    )
    it = DepartmentFactory(
        organization=organization,
        code="XXK",
        name="信息科",
        kind=DepartmentKind.FUNCTIONAL,
        phone="8001",
        location="行政楼3层",
    )
    surgery = DepartmentFactory(organization=organization, code="WK", name="外科")
    ortho = DepartmentFactory(organization=organization, code="GK", name="骨科", parent=surgery)
    head = PositionFactory(
        person__organization=organization, person__name="张伟", department=it, role="head"
    ).person
    liaison = PositionFactory(
        person__organization=organization,
        person__name="李娜",
        department=it,
        role="liaison_officer",
    ).person
    staff = PositionFactory(
        person__organization=organization, person__name="王磊", department=ortho
    ).person
    president = PersonFactory(organization=organization, name="陈院长", title="院长")
    LeaderInChargeFactory(leader=president, department=it)
    organization.coordinating_department = office
    organization.save()
    return {
        "it": it,
        "surgery": surgery,
        "ortho": ortho,
        "head": head,
        "liaison": liaison,
        "staff": staff,
        "president": president,
    }


def login(client, person):
    assert client.login(username=person.user.username, password=PASSWORD)


def english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


def test_pages_need_a_login(client):
    response = client.get(reverse("org:chart"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_login_page_is_chinese_by_default_and_english_on_request(client):
    assert "登录" in client.get(reverse("login")).content.decode()
    english(client)
    assert "Log in" in client.get(reverse("login")).content.decode()


def test_a_wrong_password_gets_a_clear_message_in_chinese(client, hospital):
    response = client.post(
        reverse("login"), {"username": hospital["staff"].user.username, "password": "wrong"}
    )
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_the_chart_shows_the_tree_with_head_liaison_and_leader(client, hospital):
    login(client, hospital["staff"])
    page = client.get(reverse("org:chart")).content.decode()
    assert "组织架构" in page
    for text in ["信息科", "外科", "骨科", "张伟", "李娜", "陈院长"]:
        assert text in page
    assert page.index("外科") < page.index("骨科")


def test_the_chart_speaks_english_after_switching(client, hospital):
    login(client, hospital["staff"])
    english(client)
    page = client.get(reverse("org:chart")).content.decode()
    assert "Organization chart" in page
    assert "Liaison officer" in page
    assert "组织架构" not in page


def test_the_department_page_lists_people_and_contacts(client, hospital):
    login(client, hospital["staff"])
    page = client.get(reverse("org:department", args=[hospital["it"].pk])).content.decode()
    assert "张伟" in page and "<td>负责人</td>" in page  # a head, whatever the department
    assert "李娜" in page and "联络员" in page
    assert "行政楼3层" in page
    assert "编辑联系方式" not in page


def test_a_department_of_another_organization_is_not_found(client, hospital):
    login(client, hospital["staff"])
    assert client.get(reverse("org:department", args=[DepartmentFactory().pk])).status_code == 404
    assert client.get(reverse("org:person", args=[PersonFactory().pk])).status_code == 404


def test_the_head_edits_contact_details_and_others_are_refused(client, hospital):
    url = reverse("org:department-contacts", args=[hospital["it"].pk])
    login(client, hospital["staff"])
    assert client.post(url, {"phone": "9999", "location": "X"}).status_code == 403
    client.logout()
    login(client, hospital["head"])
    response = client.post(url, {"phone": "8002", "location": "门诊楼1层"}, follow=True)
    assert "联系方式已保存" in response.content.decode()
    hospital["it"].refresh_from_db()
    assert (hospital["it"].phone, hospital["it"].location) == ("8002", "门诊楼1层")


def test_too_long_contact_details_are_refused_with_a_message(client, hospital):
    login(client, hospital["head"])
    response = client.post(
        reverse("org:department-contacts", args=[hospital["it"].pk]),
        {"phone": "1" * 80, "location": ""},
    )
    assert response.status_code == 400
    assert "电话号码过长" in response.content.decode()
    hospital["it"].refresh_from_db()
    assert hospital["it"].phone == "8001"


def test_search_finds_a_department_by_pinyin_initials(client, hospital):
    login(client, hospital["staff"])
    page = client.get(reverse("org:search"), {"q": "xxk"}).content.decode()
    assert "信息科" in page
    assert "外科" not in page


def test_search_finds_people_by_chinese_substring_and_full_pinyin(client, hospital):
    login(client, hospital["staff"])
    assert "李娜" in client.get(reverse("org:search"), {"q": "娜"}).content.decode()
    assert "张伟" in client.get(reverse("org:search"), {"q": "zhangwei"}).content.decode()


def test_live_search_answers_htmx_with_a_fragment(client, hospital):
    login(client, hospital["staff"])
    response = client.get(reverse("org:search"), {"q": "xxk"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "信息科" in page
    assert "<html" not in page


def test_search_with_no_match_says_so(client, hospital):
    login(client, hospital["staff"])
    page = client.get(reverse("org:search"), {"q": "qqqq"}).content.decode()
    assert "没有" in page


def test_the_directory_filters_by_department_and_query(client, hospital):
    login(client, hospital["president"])
    page = client.get(reverse("org:people"), {"department": hospital["it"].pk}).content.decode()
    assert "张伟" in page and "王磊" not in page
    page = client.get(reverse("org:people"), {"q": "wl"}).content.decode()
    assert "王磊" in page and "张伟" not in page


def test_the_profile_shows_my_positions_roles_and_leaders_in_charge(client, hospital):
    login(client, hospital["head"])
    page = client.get(reverse("org:profile")).content.decode()
    assert "信息科" in page and "<td>负责人</td>" in page
    assert "陈院长" in page
    assert "科室负责人" in page


def test_a_user_without_a_person_sees_a_helpful_profile(client, django_user_model):
    django_user_model.objects.create_user("loner", password=PASSWORD)
    client.login(username="loner", password=PASSWORD)
    assert "尚未关联" in client.get(reverse("org:profile")).content.decode()


def test_changing_the_password_works(client, hospital):
    login(client, hospital["staff"])
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Xin-Mima-2026!",
            "new_password2": "Xin-Mima-2026!",
        },
        follow=True,
    )
    assert "密码已修改" in response.content.decode()
    client.logout()
    assert client.login(username=hospital["staff"].user.username, password="Xin-Mima-2026!")


def test_logging_out_returns_to_the_login_page(client, hospital):
    login(client, hospital["staff"])
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("org:chart")).status_code == 302


def test_the_admin_is_translated(client, django_user_model):
    django_user_model.objects.create_superuser("root", password=PASSWORD)
    client.login(username="root", password=PASSWORD)
    page = client.get(reverse("admin:index")).content.decode()
    assert "科室" in page and "分管领导" in page
    assert client.get(reverse("admin:org_department_changelist")).status_code == 200
    assert client.get(reverse("admin:org_position_changelist")).status_code == 200


def test_the_api_lists_departments_with_usernames(client, hospital):
    login(client, hospital["staff"])
    rows = {row["code"]: row for row in client.get("/api/v1/departments/").json()}
    assert rows["XXK"]["head"] == hospital["head"].user.username
    assert rows["XXK"]["liaison"] == hospital["liaison"].user.username
    assert rows["XXK"]["leader_in_charge"] == hospital["president"].user.username
    assert rows["GK"]["parent"] == "WK"
    organization = client.get("/api/v1/organization/").json()
    assert organization["coordinating_department"] == "YB"


def test_the_api_docs_are_served_without_a_cdn(client, hospital):
    login(client, hospital["staff"])
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()
