"""Group-robot delivery against a stand-in for WeCom, DingTalk and Feishu on 127.0.0.1: it
checks each platform's message format, recomputes the signatures, and can be told to fail
the ways the real services do (5xx, rate limits, no answer)."""

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from liaison.inbox.models import Ask, Notification, WebhookChannel, WebhookPlatform
from liaison.inbox.webhooks import Message, Outcome, backoff, deliver, message_for
from liaison.org.tests.factories import DepartmentFactory, OrganizationFactory, PersonFactory

WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DINGTALK_TOKEN = "dd-token"
DINGTALK_SECRET = "SECd5e7bd12345678901234567890abcdef"
FEISHU_HOOK = "2f4b7c1e-feishu-hook"
FEISHU_SECRET = "fs-secret-xyz"

RATE_LIMITS = {"wecom": 45009, "dingtalk": 130101, "feishu": 11232}

MESSAGE = Message(
    title="XT-2026-000001 门诊叫号屏黑屏",
    text="请信息科派人到门诊二楼处理：叫号屏无显示。",
    url="https://liaison.example/matters/1/",
)


class Robot(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), RobotHandler)
        self.mode = "normal"  # or "500", "rate_limit", "hang", "html"
        self.received = []  # (platform, headers, parsed body)
        self.release = threading.Event()

    @property
    def base(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def channel(self, platform, *, secret=None, **kwargs):
        urls = {
            "wecom": f"{self.base}/cgi-bin/webhook/send?key={WECOM_KEY}",
            "dingtalk": f"{self.base}/robot/send?access_token={DINGTALK_TOKEN}",
            "feishu": f"{self.base}/open-apis/bot/v2/hook/{FEISHU_HOOK}",
        }
        secrets = {"wecom": "", "dingtalk": DINGTALK_SECRET, "feishu": FEISHU_SECRET}
        return WebhookChannel(
            platform=platform,
            name=f"{platform} 群",
            url=urls[platform],
            secret=secrets[platform] if secret is None else secret,
            **kwargs,
        )


def _hmac_b64(key: str, message: str) -> str:
    return base64.b64encode(
        hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()
    ).decode()


class RobotHandler(BaseHTTPRequestHandler):
    server: Robot

    def log_message(self, *args):
        pass

    def answer(self, payload, status=200):
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_POST(self):
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        if parts.path == "/cgi-bin/webhook/send":
            platform = "wecom"
        elif parts.path == "/robot/send":
            platform = "dingtalk"
        else:
            platform = "feishu"
        body = json.loads(raw.decode("utf-8"))
        self.server.received.append((platform, dict(self.headers), body))
        mode = self.server.mode
        if mode == "hang":
            self.server.release.wait(5)
            return
        if mode == "500":
            self.send_error(502, "Bad Gateway")
            return
        if mode == "html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>portal</html>")
            return
        if mode == "rate_limit":
            code = RATE_LIMITS[platform]
            if platform == "feishu":
                self.answer({"code": code, "msg": "frequency limited", "data": {}})
            else:
                self.answer({"errcode": code, "errmsg": "send too fast"})
            return
        getattr(self, f"check_{platform}")(query, body)

    def check_wecom(self, query, body):
        if query.get("key") != [WECOM_KEY]:
            return self.answer({"errcode": 93000, "errmsg": "invalid webhook url"})
        content = body.get("markdown", {}).get("content")
        if body.get("msgtype") != "markdown" or not isinstance(content, str) or not content:
            return self.answer({"errcode": 40008, "errmsg": "invalid message type"})
        if len(content.encode()) > 4096:
            return self.answer({"errcode": 40058, "errmsg": "markdown.content exceed max length"})
        self.answer({"errcode": 0, "errmsg": "ok"})

    def check_dingtalk(self, query, body):
        if query.get("access_token") != [DINGTALK_TOKEN]:
            return self.answer({"errcode": 300001, "errmsg": "token is not exist"})
        (timestamp,), (sign,) = query.get("timestamp", [""]), query.get("sign", [""])
        if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > 3600_000:
            return self.answer({"errcode": 310000, "errmsg": "invalid timestamp"})
        expected = _hmac_b64(DINGTALK_SECRET, f"{timestamp}\n{DINGTALK_SECRET}")
        if not hmac.compare_digest(sign, expected):
            return self.answer({"errcode": 310000, "errmsg": "sign not match"})
        markdown = body.get("markdown", {})
        if (
            body.get("msgtype") != "markdown"
            or not markdown.get("title")
            or not markdown.get("text")
        ):
            return self.answer({"errcode": 40035, "errmsg": "缺少参数 json"})
        self.answer({"errcode": 0, "errmsg": "ok"})

    def check_feishu(self, query, body):
        timestamp, sign = body.get("timestamp", ""), body.get("sign", "")
        # Feishu's quirk: the string to sign is the HMAC key, the message is empty.
        expected = _hmac_b64(f"{timestamp}\n{FEISHU_SECRET}", "")
        if (
            not isinstance(timestamp, str)
            or not timestamp.isdigit()
            or abs(time.time() - int(timestamp)) > 3600
            or not hmac.compare_digest(sign, expected)
        ):
            return self.answer(
                {
                    "code": 19021,
                    "msg": "sign match fail or timestamp is not within one hour from current time",
                    "data": {},
                },
                status=400,
            )
        post = body.get("content", {}).get("post", {}).get("zh_cn", {})
        tags = [tag for line in post.get("content", []) for tag in line]
        links = [t for t in tags if t.get("tag") == "a" and t.get("href")]
        if body.get("msg_type") != "post" or not post.get("title") or not links:
            return self.answer({"code": 9499, "msg": "Bad Request", "data": {}})
        self.answer({"code": 0, "msg": "success", "data": {}})


@pytest.fixture
def robot():
    server = Robot()
    # A short poll interval so that shutdown() does not wait half a second per test.
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


PLATFORMS = ["wecom", "dingtalk", "feishu"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_each_platform_accepts_the_message(robot, platform):
    result = deliver(robot.channel(platform), MESSAGE)
    assert result.ok, result
    assert (result.outcome, result.code, result.status) == (Outcome.OK, 0, 200)
    assert not result.retryable
    [(received_platform, _headers, _body)] = robot.received
    assert received_platform == platform


@pytest.mark.parametrize("platform", PLATFORMS)
def test_chinese_text_arrives_intact(robot, platform):
    deliver(robot.channel(platform), MESSAGE)
    [(_platform, headers, body)] = robot.received
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    sent = json.dumps(body, ensure_ascii=False)
    assert MESSAGE.title in sent and MESSAGE.text in sent and MESSAGE.url in sent


def test_the_formats_are_the_documented_ones(robot):
    for platform in PLATFORMS:
        deliver(robot.channel(platform), MESSAGE)
    bodies = {platform: body for platform, _headers, body in robot.received}
    assert bodies["wecom"]["msgtype"] == "markdown"
    assert f"({MESSAGE.url})" in bodies["wecom"]["markdown"]["content"]
    assert bodies["dingtalk"]["markdown"]["title"] == MESSAGE.title
    assert f"({MESSAGE.url})" in bodies["dingtalk"]["markdown"]["text"]
    feishu = bodies["feishu"]
    assert feishu["msg_type"] == "post" and isinstance(feishu["timestamp"], str)
    post = feishu["content"]["post"]["zh_cn"]
    assert post["title"] == MESSAGE.title
    assert post["content"][0] == [{"tag": "text", "text": MESSAGE.text}]
    assert post["content"][1][0]["href"] == MESSAGE.url


@pytest.mark.parametrize(
    ("platform", "code"),
    [("dingtalk", 310000), ("feishu", 19021)],
)
def test_a_bad_signature_is_refused_and_not_retried(robot, platform, code):
    result = deliver(robot.channel(platform, secret="not-the-secret"), MESSAGE)
    assert not result.ok and not result.retryable
    assert result.code == code
    assert "sign" in result.detail


def test_unsigned_robots_get_no_signature(robot):
    deliver(robot.channel("feishu", secret=""), MESSAGE)
    deliver(robot.channel("wecom"), MESSAGE)
    assert all("sign" not in body for _platform, _headers, body in robot.received)


def test_a_wrong_key_is_not_retried(robot):
    channel = robot.channel("wecom")
    channel.url = channel.url.replace(WECOM_KEY, "revoked")
    result = deliver(channel, MESSAGE)
    assert (result.outcome, result.code, result.retryable) == (
        Outcome.PLATFORM_ERROR,
        93000,
        False,
    )


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_rate_limit_is_retried(robot, platform):
    robot.mode = "rate_limit"
    result = deliver(robot.channel(platform), MESSAGE)
    assert (result.outcome, result.code) == (Outcome.PLATFORM_ERROR, RATE_LIMITS[platform])
    assert result.retryable


def test_a_server_error_is_retried(robot):
    robot.mode = "500"
    result = deliver(robot.channel("dingtalk"), MESSAGE)
    assert (result.outcome, result.status, result.retryable) == (Outcome.HTTP_ERROR, 502, True)


def test_an_answer_that_is_not_a_robot_is_not_retried(robot):
    robot.mode = "html"
    result = deliver(robot.channel("wecom"), MESSAGE)
    assert (result.outcome, result.retryable) == (Outcome.BAD_RESPONSE, False)
    assert "portal" in result.detail


def test_no_answer_in_time_is_retried(robot):
    robot.mode = "hang"
    started = time.monotonic()
    result = deliver(robot.channel("feishu"), MESSAGE, timeout=0.3)
    assert time.monotonic() - started < 2
    assert (result.outcome, result.retryable) == (Outcome.TIMEOUT, True)


def test_nobody_listening_is_retried():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    channel = WebhookChannel(platform="wecom", url=f"http://127.0.0.1:{port}/cgi-bin/webhook/send")
    result = deliver(channel, MESSAGE, timeout=1)
    assert (result.outcome, result.retryable) == (Outcome.CONNECTION_ERROR, True)


def test_backoff_grows_with_jitter_up_to_the_cap():
    for attempt, ceiling in [(1, 10), (2, 20), (3, 40), (7, 640), (8, 900), (500, 900)]:
        waits = [backoff(attempt) for _ in range(50)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits), attempt
        assert len(set(waits)) > 1


@pytest.mark.django_db
def test_a_notification_becomes_a_message_with_an_absolute_link(organization):
    person = PersonFactory(organization=organization)
    item = Notification.objects.create(
        recipient=person, ask=Ask.ACCEPT, title="XT-2026-000002 打印机卡纸", url="/matters/2/"
    )
    message = message_for(item, "https://liaison.example/")
    assert message.url == "https://liaison.example/matters/2/"
    assert message.title == "XT-2026-000002 打印机卡纸"
    assert message.text == str(Ask.ACCEPT.label)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"url": "http://oapi.dingtalk.com/robot/send?access_token=x"}, "url"),
        ({"url": "http://127.0.0.1:80@evil.example/robot/send"}, "url"),
        ({"platform": "wecom", "secret": "SECxyz"}, "secret"),
    ],
)
def test_channels_are_validated(organization, changes, field):
    values = {
        "organization": organization,
        "platform": WebhookPlatform.DINGTALK,
        "name": "信息科值班群",
        "url": "https://oapi.dingtalk.com/robot/send?access_token=x",
        **changes,
    }
    with pytest.raises(ValidationError) as error:
        WebhookChannel(**values).full_clean()
    assert set(error.value.message_dict) == {field}


@pytest.mark.django_db
def test_a_department_of_another_organization_is_refused(organization):
    other = DepartmentFactory(organization=OrganizationFactory(code="other"))
    channel = WebhookChannel(
        organization=organization,
        department=other,
        platform=WebhookPlatform.FEISHU,
        name="群",
        url="https://open.feishu.cn/open-apis/bot/v2/hook/x",
    )
    with pytest.raises(ValidationError) as error:
        channel.full_clean()
    assert set(error.value.message_dict) == {"department"}


@pytest.mark.django_db
def test_the_database_refuses_plain_http_to_another_host(organization):
    with pytest.raises(IntegrityError):
        WebhookChannel.objects.create(
            organization=organization,
            platform=WebhookPlatform.WECOM,
            name="群",
            url="http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",
        )


@pytest.mark.django_db
def test_the_admin_sends_a_test_message_and_shows_the_result(
    robot, organization, client, django_user_model
):
    django_user_model.objects.create_superuser("root", password="pass-1234-word")
    client.login(username="root", password="pass-1234-word")
    good = robot.channel("dingtalk", organization=organization)
    good.name = "信息科钉钉群"
    bad = robot.channel("feishu", organization=organization, secret="wrong")
    bad.name = "门诊部飞书群"
    for channel in (good, bad):
        channel.full_clean()
        channel.save()
    changelist = reverse("admin:inbox_webhookchannel_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:inbox_webhookchannel_add")).status_code == 200
    page = client.post(
        changelist,
        {"action": "send_test_message", "_selected_action": [good.pk, bad.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    shown = {(m.level_tag, m.message) for m in page.context["messages"]}
    assert ("success", "信息科钉钉群: test message sent.") in shown
    [error] = [text for level, text in shown if level == "error"]
    assert error.startswith("门诊部飞书群: not sent (error 19021: sign match fail")
    assert len(robot.received) == 2
    assert all(body for _platform, _headers, body in robot.received)
