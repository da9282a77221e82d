"""E-mail and group-robot copies go through the outbox: quiet hours defer them, a daily
digest collects them, failures are retried with backoff, and nothing that goes wrong in
sending reaches or rolls back the change that notified."""

import datetime
import smtplib
import sqlite3
import threading
import time
from types import SimpleNamespace

import pytest
import time_machine
from django.core.mail import EmailMessage
from django.core.mail.backends import locmem
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from liaison.inbox import outbox, services, tasks
from liaison.inbox.models import (
    Ask,
    Delivery,
    DeliveryKind,
    DeliveryState,
    Notification,
    NotificationPreference,
    WebhookChannel,
)
from liaison.inbox.services import digests
from liaison.org.tests.factories import DepartmentFactory, PersonFactory, PositionFactory

from .test_webhooks import Robot

pytestmark = pytest.mark.django_db

SITE = "https://liaison.example"


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=timezone.get_current_timezone())


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def robot():
    server = Robot()
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def zhang(organization):
    return PersonFactory(organization=organization, name="张三", email="zhang@hospital.example")


@pytest.fixture
def li(organization):
    return PersonFactory(organization=organization, name="李四", email="li@hospital.example")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """notify() inside a transaction that then commits: the on-commit work runs."""

    def run(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.notify(*args, **kwargs)

    return run


def tell(run, people, title="XT-2026-000001 叫号屏黑屏", **kwargs):
    kwargs.setdefault("ask", Ask.ACCEPT)
    return run(people, title=title, detail="请签收", url="/matters/1/", **kwargs)


def quiet(person, start=datetime.time(22), end=datetime.time(7)):
    return NotificationPreference.objects.create(person=person, quiet_start=start, quiet_end=end)


# Right away


def test_an_email_goes_out_after_commit_with_an_absolute_link(zhang, run_on_commit, mailoutbox):
    [item] = tell(run_on_commit, [zhang])
    [message] = mailoutbox
    assert message.to == ["zhang@hospital.example"]
    assert f"{SITE}/matters/1/" in message.body
    delivery = Delivery.objects.get()
    assert (delivery.kind, delivery.state, delivery.attempts) == ("email", "sent", 1)
    assert delivery.notification == item and delivery.recipient == zhang
    assert delivery.sent_at is not None and delivery.last_error == ""


def test_a_delivery_task_also_sends_what_else_is_due(zhang, li, run_on_commit, mailoutbox):
    tell(services.notify, [zhang])  # its task never ran: the row waits in the outbox
    assert mailoutbox == []
    tell(run_on_commit, [li])
    assert sorted(m.to[0] for m in mailoutbox) == ["li@hospital.example", "zhang@hospital.example"]
    assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}


def test_nothing_is_written_to_the_outbox_when_the_change_rolls_back(
    zhang, django_capture_on_commit_callbacks, mailoutbox
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        tell(services.notify, [zhang])
        raise RuntimeError("the action failed")
    assert callbacks == [] and mailoutbox == []
    assert not Delivery.objects.exists()


def test_switched_off_email_sends_nothing(zhang, li, run_on_commit, mailoutbox):
    NotificationPreference.objects.create(person=zhang, email_enabled=False)
    tell(run_on_commit, [zhang, li], urgent=True)
    assert [m.to for m in mailoutbox] == [["li@hospital.example"]]
    assert Notification.objects.filter(recipient=zhang).exists()


# Quiet hours


def test_quiet_hours_defer_an_ordinary_email_to_their_end(zhang, run_on_commit, mailoutbox):
    quiet(zhang)  # 22:00–07:00, across midnight
    with time_machine.travel(local(2026, 3, 2, 23, 30), tick=False):
        [item] = tell(run_on_commit, [zhang])
    assert mailoutbox == []
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.PENDING and delivery.attempts == 0
    assert delivery.next_attempt_at == local(2026, 3, 3, 7, 0)
    assert item.pk  # the inbox item is there at once

    with time_machine.travel(local(2026, 3, 3, 6, 59), tick=False):
        assert services.sweep()["deliveries_due"] == 0
    assert mailoutbox == []
    with time_machine.travel(local(2026, 3, 3, 7, 0, 30), tick=False):
        assert services.sweep()["deliveries_due"] == 1
    assert [m.to for m in mailoutbox] == [["zhang@hospital.example"]]
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT


def test_quiet_hours_do_not_hold_an_urgent_email(zhang, run_on_commit, mailoutbox):
    quiet(zhang)
    with time_machine.travel(local(2026, 3, 2, 2, 0), tick=False):
        tell(run_on_commit, [zhang], ask=Ask.OVERDUE, urgent=True)
    assert len(mailoutbox) == 1
    assert Delivery.objects.get().state == DeliveryState.SENT


def test_outside_quiet_hours_email_goes_at_once(zhang, run_on_commit, mailoutbox):
    quiet(zhang)
    with time_machine.travel(local(2026, 3, 2, 7, 0), tick=False):
        tell(run_on_commit, [zhang])
    assert len(mailoutbox) == 1


# Daily digest


def digest_person(person, *, at, hour=8):
    preference = NotificationPreference(person=person, digest_enabled=True, digest_hour=hour)
    return services.save_preferences(preference, now=at)


def test_the_digest_collects_ordinary_items_and_is_sent_once(zhang, li, run_on_commit, mailoutbox):
    digest_person(zhang, at=local(2026, 3, 2, 9, 0))  # after 08:00: first digest tomorrow
    with time_machine.travel(local(2026, 3, 2, 10, 0), tick=False):
        tell(run_on_commit, [zhang, li], title="XT-2026-000001 叫号屏黑屏")
        tell(run_on_commit, [zhang], title="XT-2026-000002 打印机卡纸", ask=Ask.CONFIRM)
        tell(run_on_commit, [zhang], title="XT-2026-000003 停电", ask=Ask.URGED, urgent=True)
    # Li gets his own at once; Zhang only the urgent one.
    assert sorted((m.to[0], m.subject.split("] ")[1]) for m in mailoutbox) == [
        ("li@hospital.example", "XT-2026-000001 叫号屏黑屏"),
        ("zhang@hospital.example", "XT-2026-000003 停电"),
    ]
    mailoutbox.clear()

    assert services.sweep(local(2026, 3, 2, 23, 0))["digests"] == 0  # today's time has passed
    assert services.sweep(local(2026, 3, 3, 7, 59))["digests"] == 0  # not yet
    stale = list(NotificationPreference.objects.filter(person=zhang))
    with time_machine.travel(local(2026, 3, 3, 8, 0, 30), tick=False):
        assert services.sweep()["digests"] == 1
        assert services.sweep()["digests"] == 0
        # A second sweep that read the row before the first one claimed it writes nothing.
        assert digests.write_digest(stale[0], timezone.now(), local(2026, 3, 3).date()) is False
    [digest] = mailoutbox
    assert digest.to == ["zhang@hospital.example"]
    assert "XT-2026-000001" in digest.body and "XT-2026-000002" in digest.body
    assert "XT-2026-000003" not in digest.body  # already sent on its own
    assert f"{SITE}/matters/1/" in digest.body
    assert f"{SITE}{reverse('inbox:preferences')}" in digest.body
    assert Delivery.objects.filter(notification=None, recipient=zhang, state="sent").count() == 1

    # The next day lists only what came since.
    with time_machine.travel(local(2026, 3, 3, 12, 0), tick=False):
        tell(run_on_commit, [zhang], title="XT-2026-000004 空调漏水")
    mailoutbox.clear()
    assert services.sweep(local(2026, 3, 4, 9, 0))["digests"] == 1
    [digest] = mailoutbox
    assert "XT-2026-000004" in digest.body and "XT-2026-000001" not in digest.body


def test_a_day_without_items_sends_no_digest(zhang, mailoutbox):
    digest_person(zhang, at=local(2026, 3, 2, 7, 0))
    assert services.sweep(local(2026, 3, 2, 8, 5)) == {"digests": 0, "deliveries_due": 0}
    assert mailoutbox == []
    assert NotificationPreference.objects.get(person=zhang).last_digest_on == datetime.date(
        2026, 3, 2
    )


def test_a_digest_switched_on_before_its_hour_comes_the_same_day(zhang, run_on_commit, mailoutbox):
    digest_person(zhang, at=local(2026, 3, 2, 6, 0))
    with time_machine.travel(local(2026, 3, 2, 7, 0), tick=False):
        tell(run_on_commit, [zhang])
    assert mailoutbox == []
    assert services.sweep(local(2026, 3, 2, 8, 0))["digests"] == 1
    assert len(mailoutbox) == 1


# Failures and retries


@pytest.fixture
def failing_smtp(monkeypatch):
    """The locmem backend, made to fail the way an SMTP server does, `times` times."""
    state = {"times": 0, "calls": 0, "error": smtplib.SMTPServerDisconnected("gone")}
    send = locmem.EmailBackend.send_messages

    def maybe_fail(self, messages):
        state["calls"] += 1
        if state["times"]:
            state["times"] -= 1
            raise state["error"]
        return send(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", maybe_fail)
    return state


def test_a_failing_mail_server_is_retried_with_backoff_and_keeps_the_change(
    zhang, failing_smtp, django_capture_on_commit_callbacks, mailoutbox
):
    failing_smtp["times"] = 2
    started = local(2026, 3, 2, 10, 0)
    with (
        time_machine.travel(started, tick=False),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        [item] = tell(services.notify, [zhang])
    assert Notification.objects.filter(pk=item.pk).exists()  # not rolled back
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 1)
    assert "gone" in delivery.last_error
    # First retry after 5–10 s (webhooks.backoff(1)).
    wait = delivery.next_attempt_at - started
    assert datetime.timedelta(seconds=5) <= wait <= datetime.timedelta(seconds=10)

    with time_machine.travel(started + datetime.timedelta(seconds=4), tick=False):
        assert services.sweep()["deliveries_due"] == 0
    with time_machine.travel(started + datetime.timedelta(seconds=11), tick=False):
        services.sweep()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 2)
    wait = delivery.next_attempt_at - (started + datetime.timedelta(seconds=11))
    assert datetime.timedelta(seconds=10) <= wait <= datetime.timedelta(seconds=20)

    with time_machine.travel(started + datetime.timedelta(seconds=40), tick=False):
        services.sweep()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 3)
    assert len(mailoutbox) == 1 and failing_smtp["calls"] == 3


def test_after_eight_attempts_a_delivery_is_given_up(zhang, failing_smtp, run_on_commit, caplog):
    failing_smtp["times"] = 100
    moment = timezone.now()
    tell(run_on_commit, [zhang])
    for _ in range(10):
        moment += datetime.timedelta(hours=1)
        services.sweep(moment)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, outbox.MAX_ATTEMPTS)
    assert failing_smtp["calls"] == outbox.MAX_ATTEMPTS
    assert "Gave up delivery" in caplog.text


@pytest.mark.parametrize(
    ("error", "state"),
    [
        (ValueError("bad header"), DeliveryState.FAILED),
        (smtplib.SMTPRecipientsRefused({"z": (550, b"no such user")}), DeliveryState.FAILED),
        (smtplib.SMTPRecipientsRefused({"z": (450, b"mailbox busy")}), DeliveryState.PENDING),
        (smtplib.SMTPAuthenticationError(535, b"bad password"), DeliveryState.PENDING),
        (TimeoutError("timed out"), DeliveryState.PENDING),
    ],
)
def test_only_failures_that_may_heal_are_retried(zhang, failing_smtp, run_on_commit, error, state):
    failing_smtp.update(times=1, error=error)
    tell(run_on_commit, [zhang])
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (state, 1)
    assert delivery.last_error == repr(error)


def test_a_queue_that_cannot_be_reached_loses_nothing(
    zhang, monkeypatch, run_on_commit, caplog, mailoutbox
):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks, "deliver_deliveries", SimpleNamespace(enqueue=down))
    [item] = tell(run_on_commit, [zhang])
    assert Notification.objects.filter(pk=item.pk).exists()
    assert Delivery.objects.get().state == DeliveryState.PENDING
    assert "the sweep will send them" in caplog.text
    monkeypatch.undo()
    services.sweep()
    assert Delivery.objects.get().state == DeliveryState.SENT
    assert len(mailoutbox) == 1


def test_one_mail_connection_serves_a_batch(organization, monkeypatch, run_on_commit, mailoutbox):
    people = [
        PersonFactory(organization=organization, email=f"p{i}@hospital.example") for i in range(60)
    ]
    opened = []
    real = outbox.get_connection
    monkeypatch.setattr(outbox, "get_connection", lambda **kw: opened.append(1) or real(**kw))
    tell(run_on_commit, people)
    assert len(mailoutbox) == 60
    assert len(opened) == 2  # batches of outbox.BATCH (50)
    assert Delivery.objects.filter(state="sent").count() == 60


# Concurrency


def test_a_second_worker_does_not_send_what_the_first_is_sending(
    zhang, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False):
        tell(services.notify, [zhang])
    delivery = Delivery.objects.get()
    second = []
    real = EmailMessage.send

    def while_sending(*args, **kwargs):
        second.append(outbox.send_deliveries([delivery.pk]))  # another worker, same moment
        second.append(outbox.send_due(timezone.now() + datetime.timedelta(minutes=1)))
        return real(*args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", while_sending)
    assert outbox.send_deliveries([delivery.pk])["sent"] == 1
    assert [counts["sent"] for counts in second] == [0, 0]
    assert len(mailoutbox) == 1
    assert outbox.send_deliveries([delivery.pk])["sent"] == 0  # already sent


# Group robots


@pytest.fixture
def wards(organization, robot):
    """Two departments with a robot each, one organization-wide robot and one switched off."""
    cardiology = DepartmentFactory(organization=organization, name="心内科")
    it = DepartmentFactory(organization=organization, name="信息科")
    channels = {}
    for key, platform, department, active in [
        ("cardiology", "wecom", cardiology, True),
        ("it", "dingtalk", it, True),
        ("hospital", "feishu", None, True),
        ("off", "wecom", it, False),
    ]:
        channel = robot.channel(platform, organization=organization, department=department)
        channel.name, channel.is_active = key, active
        channel.full_clean()
        channel.save()
        channels[key] = channel
    return {"cardiology": cardiology, "it": it, "channels": channels}


def staff(organization, department, **kwargs):
    person = PersonFactory(organization=organization, **kwargs)
    PositionFactory(person=person, department=department)
    return person


def test_each_department_robot_gets_one_message_per_notification(
    organization, wards, robot, run_on_commit
):
    nurses = [staff(organization, wards["cardiology"]) for _ in range(3)]
    engineer = staff(organization, wards["it"])
    outsider = PersonFactory(organization=organization)
    tell(run_on_commit, [*nurses, engineer, outsider], title="XT-2026-000009 输液泵报警")
    platforms = sorted(platform for platform, _headers, _body in robot.received)
    assert platforms == ["dingtalk", "wecom"]  # no organization robot: not urgent
    bodies = {platform: body for platform, _headers, body in robot.received}
    assert bodies["wecom"]["msgtype"] == "markdown"
    assert "XT-2026-000009 输液泵报警" in bodies["wecom"]["markdown"]["content"]
    assert f"({SITE}/matters/1/)" in bodies["wecom"]["markdown"]["content"]
    assert bodies["dingtalk"]["markdown"]["title"] == "XT-2026-000009 输液泵报警"
    sent = Delivery.objects.filter(kind=DeliveryKind.WEBHOOK)
    assert sorted(sent.values_list("channel__name", "state")) == [
        ("cardiology", "sent"),
        ("it", "sent"),
    ]


def test_urgent_notifications_also_reach_the_organization_robot(
    organization, wards, robot, run_on_commit
):
    engineer = staff(organization, wards["it"])
    tell(run_on_commit, [engineer], ask=Ask.OVERDUE, urgent=True)
    assert sorted(platform for platform, _headers, _body in robot.received) == [
        "dingtalk",
        "feishu",
    ]
    [feishu] = [body for platform, _headers, body in robot.received if platform == "feishu"]
    assert feishu["msg_type"] == "post"
    assert feishu["content"]["post"]["zh_cn"]["content"][1][0]["href"] == f"{SITE}/matters/1/"


def test_a_batch_of_notices_costs_a_few_queries_and_one_robot_message_each(
    organization,
    wards,
    robot,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
    mailoutbox,
):
    nurses = [
        staff(organization, wards["cardiology"], email=f"n{i}@hospital.example") for i in range(5)
    ]
    notices = [
        {
            "recipients": nurses,
            "ask": Ask.REMINDER,
            "title": f"XT-2026-00000{i} 提醒",
            "url": f"/matters/{i}/",
            "urgent": i == 0,
        }
        for i in range(10)
    ]
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        django_assert_max_num_queries(6),
    ):
        items = services.notify_many(notices)
    assert len(items) == 50 and len(callbacks) == 1  # one task for all
    assert len(mailoutbox) == 50
    rows = Delivery.objects.filter(kind=DeliveryKind.WEBHOOK)
    assert sorted(rows.values_list("channel__name", flat=True)) == ["cardiology"] * 10 + [
        "hospital"
    ]
    assert len(robot.received) == 11
    assert not Delivery.objects.exclude(state=DeliveryState.SENT).exists()


def test_a_past_position_does_not_bring_its_department_robot(
    organization, wards, robot, run_on_commit
):
    former = PersonFactory(organization=organization)
    PositionFactory(person=former, department=wards["it"], end=datetime.date(2025, 6, 1))
    tell(run_on_commit, [former])
    assert robot.received == []
    assert not Delivery.objects.filter(kind=DeliveryKind.WEBHOOK).exists()


def test_a_failing_robot_is_retried(organization, wards, robot, run_on_commit):
    engineer = staff(organization, wards["it"])
    robot.mode = "500"
    tell(run_on_commit, [engineer])
    delivery = Delivery.objects.get(kind=DeliveryKind.WEBHOOK)
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 1)
    assert "502" in delivery.last_error
    robot.mode = "normal"
    services.sweep(timezone.now() + datetime.timedelta(minutes=1))
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 2)
    assert len(robot.received) == 2


def test_a_robot_that_refuses_for_good_is_not_retried(organization, wards, robot, run_on_commit):
    engineer = staff(organization, wards["cardiology"])
    robot.mode = "html"
    tell(run_on_commit, [engineer])
    delivery = Delivery.objects.get(kind=DeliveryKind.WEBHOOK)
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 1)


def test_a_robot_switched_off_after_queueing_is_not_called(
    organization, wards, robot, django_capture_on_commit_callbacks
):
    engineer = staff(organization, wards["it"])
    with django_capture_on_commit_callbacks(execute=False):
        tell(services.notify, [engineer])
    WebhookChannel.objects.filter(name="it").update(is_active=False)
    outbox.send_due()
    assert robot.received == []
    assert Delivery.objects.get().state == DeliveryState.FAILED


# Admin


def test_the_admin_lists_deliveries_and_retries_failed_ones(
    zhang,
    failing_smtp,
    run_on_commit,
    client,
    django_user_model,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    failing_smtp.update(times=1, error=ValueError("bad header"))
    tell(run_on_commit, [zhang])
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.FAILED
    django_user_model.objects.create_superuser("root", password="pass-1234-word")
    client.login(username="root", password="pass-1234-word")
    changelist = reverse("admin:inbox_delivery_changelist")
    assert client.get(changelist, {"state": "failed"}).status_code == 200
    assert client.get(reverse("admin:inbox_delivery_change", args=[delivery.pk])).status_code == 200
    assert client.get(reverse("admin:inbox_notificationpreference_changelist")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist, {"action": "retry_now", "_selected_action": [delivery.pk]}, follow=True
        )
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT
    assert len(mailoutbox) == 1


# Real concurrency: two workers, each with its own connection, claim the same row.


@pytest.fixture
def concurrent_db(transactional_db, tmp_path):
    """SQLite's shared-cache in-memory test database locks tables instead of waiting;
    copy it to a file so that threads behave as in production (see
    liaison/matters/tests/test_concurrency.py)."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    memory = connections["default"]
    memory.ensure_connection()
    path = tmp_path / "concurrency.sqlite3"
    copy = sqlite3.connect(path)
    memory.connection.backup(copy)
    copy.close()
    original = connections.settings["default"]
    on_file = {**original, "NAME": str(path)}
    connections.settings["default"] = on_file
    main = memory.__class__(on_file, "default")
    connections["default"] = main
    try:
        yield
    finally:
        main.close()
        connections["default"] = memory
        connections.settings["default"] = original


def in_threads(count, target):
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        try:
            barrier.wait()
            results[index] = target()
        except Exception as error:  # reported by the assertion below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_send_once(concurrent_db, organization, monkeypatch):
    person = PersonFactory(organization=organization, email="zhang@hospital.example")
    delivery = Delivery.objects.create(
        kind=DeliveryKind.EMAIL,
        recipient=person,
        address=person.email,
        payload={"subject": "s", "body": "b"},
    )
    sent = []

    def slow_send(*args, **kwargs):
        time.sleep(0.2)  # a slow mail server, while the other worker tries
        sent.append(args)
        return 1

    monkeypatch.setattr(EmailMessage, "send", slow_send)
    results = in_threads(2, lambda: outbox.send_deliveries([delivery.pk]))
    assert all(isinstance(r, dict) for r in results), results
    assert sorted(r["sent"] for r in results) == [0, 1]
    assert len(sent) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgres" not in connection.settings_dict["ENGINE"],
    reason="skip_locked row locks exist on PostgreSQL; SQLite has one writer at a time",
)
def test_a_locked_row_is_skipped_not_waited_for(organization):
    person = PersonFactory(organization=organization, email="zhang@hospital.example")
    delivery = Delivery.objects.create(
        kind=DeliveryKind.EMAIL,
        recipient=person,
        address=person.email,
        payload={"subject": "s", "body": "b"},
    )
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock():
        with transaction.atomic():
            Delivery.objects.select_for_update().get(pk=delivery.pk)
            locked.set()
            release.wait(5)
        connections.close_all()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert locked.wait(5)
        started = time.monotonic()
        assert outbox.send_due()["sent"] == 0
        assert time.monotonic() - started < 1
    finally:
        release.set()
        holder.join(5)
    assert outbox.send_due()["sent"] == 1
