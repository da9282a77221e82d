"""Copies of notifications for group chats, through the custom group robots of WeCom
(企业微信), DingTalk (钉钉) and Feishu/Lark (飞书).

A delivery never raises for network trouble: it returns a DeliveryResult that says whether
trying again later can help, and backoff() says when. Retrying is the caller's business.
Only the standard library is used, so nothing is added to the dependencies.
"""

import base64
import hashlib
import hmac
import http.client
import json
import random
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlencode, urljoin

from django.utils.translation import gettext as _

from .models import Ask, Notification, WebhookPlatform


@dataclass(frozen=True)
class Message:
    """What a robot posts: a title, a line of text and a link. The URL must be absolute."""

    title: str
    text: str
    url: str


def message_for(notification: Notification, base_url: str) -> Message:
    """A notification as a robot message; its URL is relative, so it is joined to the site."""
    return Message(
        title=notification.shown_title,
        text=notification.shown_detail or str(Ask(notification.ask).label),
        url=urljoin(base_url, notification.url),
    )


def _markdown_lines(message: Message) -> list[str]:
    return [message.text, f"[{_('Open in Liaison')}]({message.url})"]


def wecom_body(message: Message) -> dict:
    """WeCom group robot (群机器人), POSTed to
    https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY. Per the WeCom developer
    documentation (document/path/91770): msgtype "markdown" with markdown.content, at most
    4096 bytes of UTF-8, a link written [text](url). WeCom robots have no signing; the key
    in the URL is the credential. Success is {"errcode": 0, "errmsg": "ok"}."""
    return {
        "msgtype": "markdown",
        "markdown": {"content": "\n".join([f"**{message.title}**", *_markdown_lines(message)])},
    }


def dingtalk_body(message: Message) -> dict:
    """DingTalk custom robot (自定义机器人), POSTed to
    https://oapi.dingtalk.com/robot/send?access_token=TOKEN. Per the DingTalk open platform
    documentation (custom-robot-access): msgtype "markdown" with markdown.title (shown in
    the chat list) and markdown.text. Signing (加签) goes in the URL, see dingtalk_sign().
    Success is {"errcode": 0, "errmsg": "ok"}."""
    return {
        "msgtype": "markdown",
        "markdown": {
            "title": message.title,
            "text": "\n\n".join([f"#### {message.title}", *_markdown_lines(message)]),
        },
    }


def feishu_body(message: Message) -> dict:
    """Feishu/Lark custom bot (自定义机器人), POSTed to
    https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN. Per the Feishu open platform
    documentation (bot-v2/use-custom-bots-in-a-group): msg_type "post", rich text under
    content.post.<locale> with a title and lines of tags ("text", "a" with href). Signing
    (签名校验) goes in the body, see feishu_sign(). Success is {"code": 0}; older
    deployments answer {"StatusCode": 0}."""
    return {
        "msg_type": "post",
        "content": {
            "post": {
                # One locale is enough: Feishu shows it to readers of every language.
                "zh_cn": {
                    "title": message.title,
                    "content": [
                        [{"tag": "text", "text": message.text}],
                        [{"tag": "a", "text": _("Open in Liaison"), "href": message.url}],
                    ],
                }
            }
        },
    }


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签: HMAC-SHA256 of "timestamp\\nsecret" keyed with the secret, base64.
    (URL-encoding happens when it is put in the query string.)"""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu 签名校验: HMAC-SHA256 keyed with "timestamp\\nsecret" over an empty message,
    base64 (the documented quirk: the string to sign is the key, not the message)."""
    string_to_sign = f"{timestamp_s}\n{secret}".encode()
    digest = hmac.new(string_to_sign, b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def prepare(channel, message: Message, *, now: float | None = None) -> tuple[str, dict]:
    """The URL to POST to and the JSON body, signed when the channel has a secret."""
    now = time.time() if now is None else now
    url = channel.url
    if channel.platform == WebhookPlatform.WECOM:
        return url, wecom_body(message)
    if channel.platform == WebhookPlatform.DINGTALK:
        body = dingtalk_body(message)
        if channel.secret:
            timestamp = int(now * 1000)
            query = urlencode(
                {"timestamp": timestamp, "sign": dingtalk_sign(channel.secret, timestamp)}
            )
            url = f"{url}{'&' if '?' in url else '?'}{query}"
        return url, body
    if channel.platform == WebhookPlatform.FEISHU:
        body = feishu_body(message)
        if channel.secret:
            timestamp = int(now)
            body = {
                "timestamp": str(timestamp),
                "sign": feishu_sign(channel.secret, timestamp),
                **body,
            }
        return url, body
    raise ValueError(f"Unknown webhook platform {channel.platform!r}")


class Outcome(StrEnum):
    OK = "ok"
    PLATFORM_ERROR = "platform_error"  # HTTP went fine, the platform refused the message
    HTTP_ERROR = "http_error"
    TIMEOUT = "timeout"
    CONNECTION_ERROR = "connection_error"
    BAD_RESPONSE = "bad_response"  # an answer that is not the platform's JSON


@dataclass(frozen=True)
class DeliveryResult:
    outcome: Outcome
    retryable: bool
    status: int | None = None  # HTTP status, when there was an answer
    code: int | None = None  # the platform's errcode / code
    detail: str = ""  # the platform's message or the network error, for logs and admins

    @property
    def ok(self) -> bool:
        return self.outcome == Outcome.OK


# Codes worth trying again later: rate limits and "system busy". Everything else (bad key
# or token, bad signature or stale timestamp, keyword or IP filter, malformed message)
# fails the same way until an administrator fixes the channel.
RETRYABLE_CODES = {
    # 45009: api freq out of limit (20 messages a minute per robot); -1: system busy.
    WebhookPlatform.WECOM: {45009, -1},
    # 130101 (older) and 410100: sending too fast (20 a minute, then a 10-minute pause).
    WebhookPlatform.DINGTALK: {130101, 410100, -1},
    # 9499: too many requests; 11232: frequency limited (100 a minute, 5 a second).
    WebhookPlatform.FEISHU: {9499, 11232},
}
RETRYABLE_STATUSES = {408, 429}


def _platform_code(platform: str, payload: dict) -> tuple[int | None, str]:
    if platform == WebhookPlatform.FEISHU:
        if "code" in payload:
            return payload["code"], str(payload.get("msg", ""))
        if "StatusCode" in payload:
            return payload["StatusCode"], str(payload.get("StatusMessage", ""))
        return None, ""
    if "errcode" in payload:
        return payload["errcode"], str(payload.get("errmsg", ""))
    return None, ""


def _parse(platform: str, raw: bytes) -> tuple[int | None, str]:
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, ""
    if not isinstance(payload, dict):
        return None, ""
    code, detail = _platform_code(platform, payload)
    return (code, detail) if isinstance(code, int) else (None, "")


def deliver(channel, message: Message, *, timeout: float = 5) -> DeliveryResult:
    """POST the message to the channel's robot and say how it went; never raises for
    network trouble. `channel` is a WebhookChannel (or anything with platform, url and
    secret)."""
    url, body = prepare(channel, message)
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    retry_codes = RETRYABLE_CODES.get(channel.platform, set())
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        # Some platforms put their JSON error in a 4xx/5xx answer; keep its code.
        try:
            raw = error.read()
        except (OSError, http.client.HTTPException):
            raw = b""
        code, detail = _parse(channel.platform, raw)
        return DeliveryResult(
            Outcome.HTTP_ERROR,
            retryable=error.code >= 500 or error.code in RETRYABLE_STATUSES or code in retry_codes,
            status=error.code,
            code=code,
            detail=detail or str(error.reason),
        )
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            return DeliveryResult(Outcome.TIMEOUT, retryable=True, detail=str(reason))
        # A certificate the platform does not present will not appear by waiting.
        retryable = not isinstance(reason, ssl.SSLCertVerificationError)
        return DeliveryResult(Outcome.CONNECTION_ERROR, retryable=retryable, detail=str(reason))
    except TimeoutError as error:
        return DeliveryResult(Outcome.TIMEOUT, retryable=True, detail=str(error) or "timed out")
    except (OSError, http.client.HTTPException) as error:
        return DeliveryResult(Outcome.CONNECTION_ERROR, retryable=True, detail=repr(error))

    code, detail = _parse(channel.platform, raw)
    if code is None:
        return DeliveryResult(
            Outcome.BAD_RESPONSE,
            retryable=False,
            status=status,
            detail=raw[:200].decode("utf-8", "replace"),
        )
    if code != 0:
        return DeliveryResult(
            Outcome.PLATFORM_ERROR,
            retryable=code in retry_codes,
            status=status,
            code=code,
            detail=detail,
        )
    return DeliveryResult(Outcome.OK, retryable=False, status=status, code=code, detail=detail)


def backoff(attempt: int, *, base: float = 10.0, cap: float = 900.0) -> float:
    """Seconds to wait before retry number `attempt` (1 for the first): exponential, capped
    (the default cap outlasts DingTalk's 10-minute throttle), with jitter so that robots
    throttled together do not retry together. The wait is between half and all of
    min(cap, base * 2 ** (attempt - 1))."""
    ceiling = min(cap, base * 2 ** min(max(attempt, 1) - 1, 32))
    return ceiling / 2 + random.uniform(0, ceiling / 2)
