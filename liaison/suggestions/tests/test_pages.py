import re

import pytest
from django.test import Client

from liaison.org.tests.factories import PASSWORD
from liaison.suggestions import captcha, services
from liaison.suggestions.models import Kind, Mailbox, Status, Suggestion

from .factories import write

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
CODE = re.compile(r'data-testid="retrieval-code">([2-9A-Z-]{14})<')


def client_of(person) -> Client:
    client = Client(**EN)
    assert client.login(username=person.user.username, password=PASSWORD)
    return client


def letter(**extra) -> dict:
    return {
        "mailbox": "box",
        "kind": "suggestion",
        "subject": "食堂晚餐供应时间太短",
        "body": "夜班同事七点以后到食堂已经没有热菜，建议延长供应到七点半。",
        **extra,
    }


def public_form(client, organization) -> dict:
    """The public form's captcha, solved as a person would."""
    page = client.get(f"/suggestions/public/{organization.code}/")
    token = re.search(r'name="captcha_token" value="([^"]+)"', page.content.decode()).group(1)
    return {"captcha_token": token, "captcha_answer": str(captcha.solve(token))}


# Writing as staff.


def test_staff_write_a_letter_and_see_its_code_once(h):
    client = client_of(h.p["outsider"])

    sent = client.post("/suggestions/new/", letter())

    assert sent.status_code == 302 and sent["Location"] == "/suggestions/sent/"
    assert "no-store" in sent["Cache-Control"]
    response = client.get(sent["Location"])
    code = CODE.search(response.content.decode()).group(1)
    suggestion = Suggestion.objects.get()
    assert services.find_by_code(code) == suggestion
    assert suggestion.writer == h.p["outsider"]
    assert "no-store" in response["Cache-Control"]
    assert code not in str(dict(client.session))
    # Shown once: coming back (a refresh) neither shows the code nor sends it again.
    again = client.get("/suggestions/sent/", follow=True)
    assert code not in again.content.decode()
    assert "shown only once" in again.content.decode()
    assert Suggestion.objects.count() == 1


def test_a_forged_sent_cookie_shows_nothing(h):
    client = client_of(h.p["outsider"])
    client.cookies["liaison_letter_sent"] = "2345-6789-ABCD"

    response = client.get("/suggestions/sent/")

    assert response.status_code == 302 and "retrieval-code" not in response.content.decode()


def test_the_form_says_what_is_kept(h):
    response = client_of(h.p["outsider"]).get("/suggestions/new/")

    page = response.content.decode()
    assert 'data-testid="privacy"' in page
    assert "the day it arrived, not the time" in page
    assert "not your network address (IP)" in page


def test_praise_without_a_department_is_sent_back_with_the_text_kept(h):
    response = client_of(h.p["outsider"]).post("/suggestions/new/", letter(kind="praise"))

    page = response.content.decode()
    assert "Praise is for a department" in page
    assert "夜班同事七点以后到食堂" in page
    assert not Suggestion.objects.exists()


def test_a_login_without_a_person_cannot_write(h, django_user_model):
    user = django_user_model.objects.create_user("robot", password=PASSWORD)
    client = Client(**EN)
    client.force_login(user)

    assert client.get("/suggestions/new/").status_code == 404


# The public form.


def test_the_public_writes_anonymously_past_the_captcha(h):
    client = Client(**EN)

    response = client.post(
        f"/suggestions/public/{h.organization.code}/",
        letter(anonymous="on", **public_form(client, h.organization)),
        follow=True,
    )

    assert response.redirect_chain == [("/suggestions/sent/", 302)]
    assert CODE.search(response.content.decode())
    suggestion = Suggestion.objects.get()
    assert (suggestion.anonymous, suggestion.channel, suggestion.writer) == (True, "public", None)


def test_a_wrong_captcha_keeps_what_was_typed(h):
    client = Client(**EN)
    form = public_form(client, h.organization)
    form["captcha_answer"] = str((int(form["captcha_answer"]) + 1) % 19)

    response = client.post(
        f"/suggestions/public/{h.organization.code}/", letter(writer_name="李女士", **form)
    )

    page = response.content.decode()
    assert 'data-testid="captcha-error"' in page
    assert "夜班同事七点以后到食堂" in page and "李女士" in page
    assert form["captcha_token"] not in page  # a new sum to solve
    assert not Suggestion.objects.exists()


def test_a_solved_captcha_sends_one_letter(h):
    client = Client(**EN)
    form = public_form(client, h.organization)
    url = f"/suggestions/public/{h.organization.code}/"

    client.post(url, letter(anonymous="on", **form))
    response = client.post(url, letter(anonymous="on", **form))

    assert 'data-testid="captcha-error"' in response.content.decode()
    assert Suggestion.objects.count() == 1


def test_a_robot_filling_the_trap_is_refused(h):
    client = Client(**EN)

    response = client.post(
        f"/suggestions/public/{h.organization.code}/",
        letter(
            anonymous="on", website="http://spam.example", **public_form(client, h.organization)
        ),
    )

    assert "could not be sent" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_a_signed_public_letter_needs_a_name(h):
    client = Client(**EN)

    response = client.post(
        f"/suggestions/public/{h.organization.code}/",
        letter(**public_form(client, h.organization)),
    )

    assert "Give your name" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_an_unknown_organization_has_no_public_form(h):
    assert Client(**EN).get("/suggestions/public/nowhere/").status_code == 404


# Reading the reply with the code.


def test_the_code_shows_the_reply_without_login(h):
    suggestion, code = write(h, anonymous=True)
    services.reply(suggestion, h.p["office"], text="已协调总务科增加座椅二十张。")

    response = Client(**EN).post("/suggestions/code/", {"code": code})

    page = response.content.decode()
    assert 'data-testid="reply"' in page
    assert "已协调总务科增加座椅二十张。" in page
    assert 'data-status="answered"' in page


def test_the_code_shows_the_matter_opened(h):
    suggestion, code = write(h, anonymous=True)
    matter = services.route(suggestion, h.p["office"], lead_department=h.d["ZWK"])

    page = Client(**EN).post("/suggestions/code/", {"code": code}).content.decode()

    assert matter.number in page
    assert 'data-testid="no-reply"' in page


def test_a_wrong_code_says_so(h):
    write(h, anonymous=True)

    page = Client(**EN).post("/suggestions/code/", {"code": "2345-6789-ABCD"}).content.decode()

    assert 'data-testid="code-error"' in page
    assert 'data-testid="letter"' not in page


def test_guessing_codes_is_stopped_for_a_while(h):
    _suggestion, code = write(h, anonymous=True)
    client = Client(**EN)
    for _ in range(10):
        client.post("/suggestions/code/", {"code": "2345-6789-ABCD"})

    page = client.post("/suggestions/code/", {"code": code}).content.decode()

    assert "Too many wrong codes" in page
    assert 'data-testid="letter"' not in page


# The office.


def test_the_list_is_the_offices_and_others_go_to_their_own(h):
    write(h, subject="食堂晚餐供应时间太短")
    write(h, mailbox=Mailbox.LEADER, subject="建议院长接待日改到周四")

    office = client_of(h.p["office"]).get("/suggestions/")
    leader = client_of(h.p["president"]).get("/suggestions/")
    staff = client_of(h.p["xxk_staff"]).get("/suggestions/")

    assert office.content.decode().count('data-testid="letter-row"') == 2
    assert leader.content.decode().count('data-testid="letter-row"') == 1
    assert "建议院长接待日改到周四" in leader.content.decode()
    assert staff.status_code == 302 and staff.url == "/suggestions/mine/"


def test_the_list_filters_by_status_and_kind(h):
    answered, _code = write(h, subject="食堂晚餐供应时间太短")
    services.reply(answered, h.p["office"], text="已延长。")
    write(h, kind=Kind.COMPLAINT, subject="挂号窗口态度差")

    client = client_of(h.p["office"])
    new = client.get("/suggestions/?status=new").content.decode()
    complaints = client.get("/suggestions/?kind=complaint&status=bogus").content.decode()

    assert "挂号窗口态度差" in new and "食堂晚餐供应时间太短" not in new
    assert "挂号窗口态度差" in complaints and "食堂晚餐供应时间太短" not in complaints


def test_others_cannot_open_a_letter(h):
    suggestion, _code = write(h, writer="outsider")

    assert client_of(h.p["xxk_head"]).get(f"/suggestions/{suggestion.pk}/").status_code == 404
    assert client_of(h.p["president"]).get(f"/suggestions/{suggestion.pk}/").status_code == 404
    assert client_of(h.p["outsider"]).get(f"/suggestions/{suggestion.pk}/").status_code == 200


def test_an_anonymous_letter_shows_no_writer_to_the_office(h):
    suggestion, _code = write(h, writer="outsider", anonymous=True)

    page = client_of(h.p["office"]).get(f"/suggestions/{suggestion.pk}/").content.decode()

    assert "Anonymous: nothing about the writer is kept" in page
    assert h.p["outsider"].name not in page


def test_the_office_replies_routes_and_publishes_from_the_letters_page(h):
    suggestion, _code = write(h, kind=Kind.PRAISE, department="YJK", subject="药剂科送药上门")
    client = client_of(h.p["office"])
    url = f"/suggestions/{suggestion.pk}/"

    client.post(f"{url}reply/", {"text": "感谢肯定，已转告药剂科。"})
    client.post(f"{url}route/", {"title": "", "lead_department": h.d["YJK"].pk})
    response = client.post(f"{url}publish/", {"published": "1"}, follow=True)

    suggestion.refresh_from_db()
    assert suggestion.status == Status.ANSWERED
    assert suggestion.matter.lead_department == h.d["YJK"]
    assert suggestion.published
    assert "published" in response.content.decode()


def test_staff_cannot_reply_to_their_own_letter(h):
    suggestion, _code = write(h, writer="outsider")

    response = client_of(h.p["outsider"]).post(
        f"/suggestions/{suggestion.pk}/reply/", {"text": "自问自答"}, follow=True
    )

    assert "Only the office" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.reply == ""


def test_publishing_without_a_reply_says_why(h):
    suggestion, _code = write(h)

    response = client_of(h.p["office"]).post(
        f"/suggestions/{suggestion.pk}/publish/", {"published": "1"}, follow=True
    )

    assert "Reply before publishing" in response.content.decode()


def test_my_letters_lists_the_signed_ones_only(h):
    write(h, writer="outsider", subject="签名的信")
    write(h, writer="outsider", anonymous=True, subject="匿名的信")

    page = client_of(h.p["outsider"]).get("/suggestions/mine/").content.decode()

    assert "签名的信" in page and "匿名的信" not in page


# Published replies and praise.


@pytest.fixture
def published_praise(h):
    suggestion, _code = write(
        h, writer="outsider", kind=Kind.PRAISE, department="YJK", subject="药剂科送药上门"
    )
    services.reply(suggestion, h.p["office"], text="感谢肯定，已转告药剂科。")
    services.publish(suggestion, h.p["office"])
    return suggestion


def test_published_replies_show_without_the_writer(h, published_praise):
    staff = client_of(h.p["xxk_staff"]).get("/suggestions/published/").content.decode()
    public = (
        Client(**EN).get(f"/suggestions/public/{h.organization.code}/published/").content.decode()
    )

    for page in (staff, public):
        assert "药剂科送药上门" in page and "感谢肯定，已转告药剂科。" in page
        assert h.p["outsider"].name not in page


def test_praise_appears_on_the_department_page(h, published_praise):
    client = client_of(h.p["xxk_staff"])

    praised = client.get(f"/org/departments/{h.d['YJK'].pk}/").content.decode()
    other = client.get(f"/org/departments/{h.d['XXK'].pk}/").content.decode()

    assert 'data-testid="department-praise"' in praised and "药剂科送药上门" in praised
    assert 'data-testid="department-praise"' not in other


def test_the_list_is_safe_for_a_login_without_a_person(h, django_user_model):
    client = Client(**EN)
    client.force_login(django_user_model.objects.create_user("robot", password=PASSWORD))

    response = client.get("/suggestions/", follow=True)

    assert response.status_code == 200
    assert "You have sent no signed letters." in response.content.decode()


def test_the_admin_shows_letters_read_only(h, django_user_model):
    suggestion, _code = write(h, anonymous=True)
    client = Client(**EN)
    client.force_login(django_user_model.objects.create_superuser("root", password=PASSWORD))

    page = client.get(f"/admin/suggestions/suggestion/{suggestion.pk}/change/")

    assert page.status_code == 200
    assert suggestion.code_hash not in page.content.decode()
    assert client.get("/admin/suggestions/suggestion/add/").status_code == 403
