"""The production smoke's HTTP part (.ci/smoke runs it): what a person in a browser and an
API client do, through gunicorn as if behind the TLS proxy (X-Forwarded-Proto: https).

Each step prints its name; the first that fails prints a FATAL line naming it and exits 1.
Standard library only. Environment: SMOKE_URL (where gunicorn listens), SMOKE_HOST (a name
in ALLOWED_HOSTS), SMOKE_PASSWORD (the demo logins'), SMOKE_MAIL (the sink's file),
SMOKE_LEAD_EMAIL (the lead department head's address), SITE_URL.
"""

import email
import email.policy
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

URL = os.environ["SMOKE_URL"].rstrip("/")
HOST = os.environ["SMOKE_HOST"]
PASSWORD = os.environ["SMOKE_PASSWORD"]
MAIL = Path(os.environ["SMOKE_MAIL"])
LEAD_EMAIL = os.environ["SMOKE_LEAD_EMAIL"]
SITE_URL = os.environ["SITE_URL"].rstrip("/")
# From the demo hospital: the liaison officer of 药剂科 raises a contact form to 信息科,
# whose head answers for it.
RAISER, LEAD, LEAD_DEPARTMENT = "lianluo", "zhuren", "XXK"
LINKED_ASSET = re.compile(r"""(?:href|src)="(/static/[^"]+)\"""")
HASHED = re.compile(r"\.[0-9a-f]{12}\.(css|js|svg|png|ico)$")
SERVER_WAIT, MAIL_WAIT = 60, 60  # seconds

step = "start"


class Failed(Exception):
    pass


def check(condition, message: str) -> None:
    if not condition:
        raise Failed(message)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to look at, not to follow


_opener = urllib.request.build_opener(_NoRedirects)


class Answer:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


class Client:
    """Cookies kept by hand: they are Secure (the proxy speaks HTTPS), so urllib's cookie
    jar would not send them back over the plain HTTP between proxy and gunicorn."""

    def __init__(self, *, https: bool = True, token: str | None = None):
        self.https, self.token, self.cookies = https, token, {}

    def request(self, method: str, path: str, *, form=None, body=None) -> Answer:
        headers = {"Host": HOST}
        if self.https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if method != "GET":  # CSRF: a browser's form posts name their origin
            headers["Origin"] = f"https://{HOST}"
            headers["Referer"] = f"https://{HOST}{path}"
        request = urllib.request.Request(URL + path, data=data, headers=headers, method=method)
        try:
            with _opener.open(request, timeout=30) as response:
                answer = Answer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, error.headers, error.read())
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return answer

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def browse(self, path: str) -> Answer:
        """GET, following redirects within the site as a browser does."""
        answer = self.get(path)
        for _ in range(5):
            if answer.status not in (301, 302):
                break
            location = urllib.parse.urlsplit(answer.headers["Location"])
            check(location.netloc in ("", HOST), f"{path} sent elsewhere: {location.geturl()}")
            answer = self.get(location.path + (f"?{location.query}" if location.query else ""))
        return answer


def begin(name: str) -> None:
    global step
    step = name
    print(f"-- {name}", flush=True)


def wait_for_server() -> None:
    begin("gunicorn answers")
    deadline = time.monotonic() + SERVER_WAIT
    while True:
        try:
            Client().get("/accounts/login/")
            return
        except OSError:
            check(time.monotonic() < deadline, f"nothing answers at {URL} after {SERVER_WAIT} s")
            time.sleep(0.5)


def login_page_and_assets(browser: Client) -> None:
    begin("the login page and the stylesheets and scripts it links")
    page = browser.get("/accounts/login/")
    check(page.status == 200, f"GET /accounts/login/ answered {page.status}")
    check("Strict-Transport-Security" in page.headers, "no HSTS header behind the TLS proxy")
    assets = LINKED_ASSET.findall(page.text)
    check(any(a.endswith(".css") for a in assets), f"no stylesheet linked: {assets}")
    check(any(a.endswith(".js") for a in assets), f"no script linked: {assets}")
    for asset in assets:
        check(HASHED.search(asset), f"{asset} is not a collected (hashed) name")
        answer = Client().get(asset)
        check(answer.status == 200 and answer.body, f"GET {asset} answered {answer.status}")
    print(f"   {len(assets)} files: " + ", ".join(a.rsplit("/", 1)[-1] for a in assets))
    plain = Client(https=False).get("/accounts/login/")
    check(plain.status == 301, f"plain HTTP answered {plain.status}, not a redirect to HTTPS")
    check(plain.headers["Location"].startswith("https://"), "plain HTTP not sent to HTTPS")
    for path in ("/admin/login/", "/api/docs/"):
        answer = Client().get(path)
        check(answer.status == 200, f"GET {path} answered {answer.status}")


def session_login(browser: Client, username: str) -> None:
    begin(f"{username} logs in (session, CSRF)")
    page = browser.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    check(token and "csrftoken" in browser.cookies, "the login page sets no CSRF token")
    form = {"csrfmiddlewaretoken": token[1], "username": username, "password": PASSWORD}
    answer = browser.request("POST", "/accounts/login/", form=form)
    check(answer.status == 302, f"the login answered {answer.status}, not a redirect")
    check("sessionid" in browser.cookies, "the login set no session cookie")
    home = browser.browse(answer.headers["Location"])
    check(home.status == 200, f"the page after the login answered {home.status}")
    check('action="/accounts/logout/"' in home.text, "the page after the login offers no logout")


def api_client(username: str) -> Client:
    begin(f"{username} gets an API token")
    answer = Client().request(
        "POST", "/api/v1/auth/token/", body={"username": username, "password": PASSWORD}
    )
    check(answer.status == 200, f"POST /api/v1/auth/token/ answered {answer.status}")
    return Client(token=answer.json()["token"])


def raise_matter(api: Client) -> dict:
    begin(f"{RAISER} raises a contact form to {LEAD_DEPARTMENT} through the API")
    stamp = time.strftime("%H:%M:%S")
    draft = api.request(
        "POST",
        "/api/v1/matters/",
        body={
            "title": f"生产环境冒烟检查 {stamp}",
            "description": "CI 的生产冒烟检查所建。",
            "kind": "contact_form",
            "lead_department": LEAD_DEPARTMENT,
        },
    )
    check(draft.status == 201, f"creating answered {draft.status}: {draft.text[:300]}")
    matter_id = draft.json()["id"]
    submitted = api.request("POST", f"/api/v1/matters/{matter_id}/submit/")
    check(submitted.status == 200, f"submitting answered {submitted.status}: {submitted.text}")
    matter = submitted.json()
    check(
        (matter["state"], matter["owner"], matter["responsible_person"])
        == ("dispatched", LEAD_DEPARTMENT, LEAD),
        f"the submitted matter is not dispatched to {LEAD} of {LEAD_DEPARTMENT}: {matter}",
    )
    print(f"   {matter['number']} {matter['title']}")
    return matter


def reaches_the_leads_todo(matter: dict, lead_api: Client, lead_browser: Client) -> None:
    begin(f"the matter is in {LEAD}'s to-do (API and page)")
    answer = lead_api.get("/api/v1/matters/?todo=true")
    check(answer.status == 200, f"GET /api/v1/matters/?todo=true answered {answer.status}")
    check(
        matter["id"] in [m["id"] for m in answer.json()["results"]],
        "the matter is not in the lead's to-do through the API",
    )
    page = lead_browser.browse("/matters/")
    check(page.status == 200, f"GET /matters/ answered {page.status}")
    check(matter["number"] in page.text, "the matter is not on the lead's to-do page")


def mail_reaches_the_lead(matter: dict) -> None:
    begin(f"the worker mails the notification to {LEAD} ({LEAD_EMAIL})")
    link = f"{SITE_URL}/matters/{matter['id']}/"
    deadline = time.monotonic() + MAIL_WAIT
    while time.monotonic() < deadline:
        for line in MAIL.read_text().splitlines() if MAIL.exists() else []:
            sent = json.loads(line)
            message = email.message_from_string(sent["message"], policy=email.policy.default)
            body = message.get_body(("plain",)).get_content()
            if LEAD_EMAIL in sent["to"] and matter["number"] in message["Subject"]:
                check(link in body, f"the e-mail does not link {link}: {body}")
                print(f"   {message['Subject']}")
                return
        time.sleep(1)
    raise Failed(f"no e-mail to {LEAD_EMAIL} about {matter['number']} within {MAIL_WAIT} s")


def main() -> int:
    try:
        wait_for_server()
        lead_browser = Client()
        login_page_and_assets(lead_browser)
        session_login(lead_browser, LEAD)
        matter = raise_matter(api_client(RAISER))
        reaches_the_leads_todo(matter, api_client(LEAD), lead_browser)
        mail_reaches_the_lead(matter)
    except Exception as error:  # any failure, a refused check or a crash, names its step
        detail = str(error) if isinstance(error, Failed) else repr(error)
        print(f"FATAL: production smoke, step '{step}': {detail}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
