import re

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from liaison.inbox.models import Ask, Notification
from liaison.matters.models import MatterKind, State
from liaison.matters.services import InvalidInput, NotAllowed, WrongState
from liaison.suggestions import selectors, services
from liaison.suggestions.models import (
    Channel,
    EventType,
    Kind,
    Mailbox,
    Status,
    Suggestion,
    SuggestionEvent,
)

from .factories import write


def notices_for(person, ask=None):
    items = Notification.objects.filter(recipient=person)
    return items.filter(ask=ask) if ask else items


# Writing.


def test_a_signed_letter_names_its_writer_and_gives_a_code(h):
    suggestion, code = write(h)

    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code)
    assert suggestion.writer == h.p["outsider"]
    assert suggestion.status == Status.NEW
    assert suggestion.code_hash == services.hash_code(code)
    assert code not in str(Suggestion.objects.filter(pk=suggestion.pk).values().get())


def test_an_anonymous_letter_keeps_nobody_and_only_the_day(h):
    suggestion, _code = write(h, anonymous=True)

    suggestion.refresh_from_db()
    assert suggestion.writer is None
    assert suggestion.writer_name == suggestion.writer_contact == ""
    local = suggestion.created_at.astimezone(services.timezone.get_current_timezone())
    assert (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)


def test_the_code_finds_its_letter_however_it_is_typed(h):
    suggestion, code = write(h, anonymous=True)

    assert services.find_by_code(code) == suggestion
    assert services.find_by_code(code.lower().replace("-", " ")) == suggestion
    assert services.find_by_code("2222-2222-2222") is None
    assert services.find_by_code("not a code") is None


def test_praise_names_a_department(h):
    with pytest.raises(InvalidInput, match="Praise is for a department"):
        write(h, kind=Kind.PRAISE)

    suggestion, _code = write(h, kind=Kind.PRAISE, department="YJK", subject="药剂科送药上门")
    assert suggestion.department == h.d["YJK"]


def test_a_letter_needs_a_subject_and_text(h):
    with pytest.raises(InvalidInput, match="subject"):
        write(h, subject="  ")
    with pytest.raises(InvalidInput, match="Write what"):
        write(h, body="")
    assert not Suggestion.objects.exists()


def test_an_external_unit_is_not_a_department_concerned(h):
    with pytest.raises(InvalidInput, match="department of this organization"):
        write(h, department="SWJW")


def test_a_public_writer_signs_with_a_name_or_writes_anonymously(h):
    with pytest.raises(InvalidInput, match="Give your name"):
        write(h, writer=None)

    signed, _code = write(h, writer=None, writer_name="李女士")
    anonymous, _code = write(h, writer=None, anonymous=True)

    assert (signed.writer, signed.signed_by, signed.channel) == (None, "李女士", Channel.PUBLIC)
    assert anonymous.signed_by == ""


def test_the_office_is_asked_to_answer_a_new_letter(h):
    suggestion, _code = write(h)

    for key in ("office_head", "office"):
        (item,) = notices_for(h.p[key], Ask.ANSWER)
        assert item.url == f"/suggestions/{suggestion.pk}/"
        assert suggestion.subject in item.title
    assert not notices_for(h.p["president"]).exists()  # the box is the office's


def test_the_leaders_mailbox_also_reaches_the_leader(h):
    write(h, mailbox=Mailbox.LEADER)

    assert notices_for(h.p["president"], Ask.ANSWER).count() == 1
    assert notices_for(h.p["office"], Ask.ANSWER).count() == 1
    assert not notices_for(h.p["vp"]).exists()


def test_an_anonymous_writer_in_the_office_is_told_like_everyone_else(h):
    """Leaving the writer out of the office's notice would name them."""
    write(h, writer="office", anonymous=True)

    assert notices_for(h.p["office"], Ask.ANSWER).count() == 1


def test_a_signed_writer_in_the_office_is_not_told_of_their_own_letter(h):
    write(h, writer="office")

    assert not notices_for(h.p["office"]).exists()
    assert notices_for(h.p["office_head"]).count() == 1


def test_the_database_refuses_a_named_anonymous_letter(h):
    suggestion, _code = write(h, anonymous=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.filter(pk=suggestion.pk).update(writer=h.p["outsider"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.filter(pk=suggestion.pk).update(writer_name="孔护士")


def test_the_database_refuses_praise_without_a_department(h):
    suggestion, _code = write(h, kind=Kind.PRAISE, department="YJK")

    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.filter(pk=suggestion.pk).update(department=None)


# The office's work.


def test_the_office_replies_and_a_signed_writer_is_told(h):
    suggestion, _code = write(h)

    suggestion = services.reply(suggestion, h.p["office"], text="已协调总务科增加座椅二十张。")

    suggestion.refresh_from_db()
    assert suggestion.status == Status.ANSWERED
    assert suggestion.replied_by == h.p["office"]
    (item,) = notices_for(h.p["outsider"], Ask.INFO)
    assert item.url == f"/suggestions/{suggestion.pk}/"
    (event,) = SuggestionEvent.objects.filter(suggestion=suggestion)
    assert (event.type, event.actor) == (EventType.REPLIED, h.p["office"])


def test_a_changed_reply_is_on_the_record(h):
    suggestion, _code = write(h, anonymous=True)
    services.reply(suggestion, h.p["office"], text="已转总务科。")

    services.reply(suggestion, h.p["office_head"], text="总务科已增加座椅二十张。")

    types = list(suggestion.events.values_list("type", flat=True))
    assert types == [EventType.REPLIED, EventType.REPLY_CHANGED]
    suggestion.refresh_from_db()
    assert suggestion.reply == "总务科已增加座椅二十张。"


def test_only_the_handlers_reply(h):
    suggestion, _code = write(h)
    leader_letter, _code = write(h, mailbox=Mailbox.LEADER)

    for key in ("outsider", "xxk_head", "president"):
        with pytest.raises(NotAllowed):
            services.reply(suggestion, h.p[key], text="收到")
    services.reply(leader_letter, h.p["president"], text="院长已阅，请院办落实。")

    suggestion.refresh_from_db()
    assert suggestion.status == Status.NEW


def test_an_empty_reply_is_refused(h):
    suggestion, _code = write(h)

    with pytest.raises(InvalidInput, match="Write the reply"):
        services.reply(suggestion, h.p["office"], text=" ")


def test_routing_opens_a_suggestion_matter_that_does_not_name_the_writer(h):
    suggestion, _code = write(h, writer="outsider", department="MZB")

    matter = services.route(suggestion, h.p["office"], lead_department=h.d["ZWK"])

    suggestion.refresh_from_db()
    assert suggestion.matter == matter
    assert suggestion.status == Status.ROUTED
    assert matter.kind.code == "suggestion"
    assert matter.state == State.DISPATCHED
    assert matter.lead_department == h.d["ZWK"]
    assert matter.originator == h.p["office"]
    assert suggestion.body in matter.description
    day = timezone.localtime(suggestion.created_at).date()
    with translation.override("zh-hans"):  # the day the letter came, as Chinese writes it
        described = services.matter_description(suggestion)
    assert f"{day.year}年{day.month}月{day.day}日" in described
    assert h.p["outsider"].name not in f"{matter.title} {matter.description}"
    assert suggestion.events.get().data == {"matter": matter.number}


def test_routing_without_a_lead_leaves_it_to_the_office_to_dispatch(h):
    suggestion, _code = write(h, anonymous=True)

    matter = services.route(suggestion, h.p["office"], title="候诊区增设座椅")

    assert matter.state == State.SUBMITTED
    assert matter.title == "候诊区增设座椅"


def test_a_letter_is_routed_once(h):
    suggestion, _code = write(h)
    services.route(suggestion, h.p["office"])

    with pytest.raises(WrongState, match="already opened"):
        services.route(suggestion, h.p["office"])


def test_an_answered_and_routed_letter_stays_answered(h):
    suggestion, _code = write(h)
    services.reply(suggestion, h.p["office"], text="已交总务科办理。")

    services.route(suggestion, h.p["office"], lead_department=h.d["ZWK"])

    suggestion.refresh_from_db()
    assert suggestion.status == Status.ANSWERED


def test_routing_needs_the_suggestion_kind(h):
    MatterKind.objects.filter(organization=h.organization, code="suggestion").update(
        is_active=False
    )
    suggestion, _code = write(h)

    with pytest.raises(InvalidInput, match="suggestion"):
        services.route(suggestion, h.p["office"])
    suggestion.refresh_from_db()
    assert suggestion.matter is None


def test_publishing_needs_a_reply_and_can_be_withdrawn(h):
    suggestion, _code = write(h, kind=Kind.PRAISE, department="YJK")
    with pytest.raises(WrongState, match="Reply before publishing"):
        services.publish(suggestion, h.p["office"])

    services.reply(suggestion, h.p["office"], text="感谢您的肯定，已转告药剂科。")
    services.publish(suggestion, h.p["office"])
    assert list(selectors.praise_for(h.d["YJK"])) == [suggestion]

    services.unpublish(suggestion, h.p["office"])
    assert not selectors.praise_for(h.d["YJK"]).exists()
    types = list(suggestion.events.values_list("type", flat=True))
    assert types == [EventType.REPLIED, EventType.PUBLISHED, EventType.UNPUBLISHED]


# Who sees what.


def test_staff_see_only_their_own_signed_letters(h):
    own, _code = write(h, writer="outsider")
    write(h, writer="xxk_staff")
    write(h, writer="outsider", anonymous=True)

    assert list(selectors.visible_to(h.p["outsider"])) == [own]
    assert list(selectors.written_by(h.p["outsider"])) == [own]


def test_the_leader_sees_only_the_leaders_mailbox(h):
    box, _code = write(h)
    leader, _code = write(h, mailbox=Mailbox.LEADER)

    assert list(selectors.handled_by(h.p["president"])) == [leader]
    assert set(selectors.handled_by(h.p["office"])) == {box, leader}
