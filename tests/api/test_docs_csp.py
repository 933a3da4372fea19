"""The API docs work under a Content-Security-Policy with no 'unsafe-inline', served offline."""

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.views import serve
from django.test import Client, RequestFactory

from tests.test_configuration import PRODUCTION

ROOT = Path(__file__).resolve().parent.parent.parent


class _Page(HTMLParser):
    """Collects what a CSP decides about: scripts, stylesheets, inline code and styles."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self._tag = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._tag = tag
        if tag == "script":
            if attrs.get("src"):
                self.urls.append(attrs["src"])
            else:
                self.inline.append("<script> without src")
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if tag == "style":
            self.inline.append("<style>")
        self.inline += [f"{tag} {name}=" for name in attrs if name == "style" or name[:2] == "on"]


def _fetch(client: Client, url: str):
    """GET `url` as the deployment serves it: static files by the static handler."""
    if url.startswith(settings.STATIC_URL):  # "/static/" (the reverse proxy serves these)
        path = url.removeprefix(settings.STATIC_URL)
        return serve(RequestFactory().get(url), path, insecure=True)
    return client.get(url)


def test_the_docs_page_has_no_inline_code_and_every_asset_is_served(db):
    # When the docs page is fetched
    client = Client()
    response = client.get("/api/docs/")
    page = _Page()
    page.feed(response.content.decode())
    # Then it inlines no script, no style block and no style or event attribute
    assert response.status_code == 200
    assert page.inline == []
    # And each script and stylesheet it links is ours (no other host) and answers 200
    assert len(page.urls) == 6  # favicon, 2 stylesheets, 3 scripts
    assert all(url.startswith("/") and not url.startswith("//") for url in page.urls)
    fetched = {url: _fetch(client, url) for url in page.urls}
    assert {url: r.status_code for url, r in fetched.items()} == dict.fromkeys(page.urls, 200)
    # And the start-up script is JavaScript that boots Swagger UI against our schema
    [init] = [url for url in page.urls if url.startswith("/api/docs/")]
    script = fetched[init]
    assert script["Content-Type"].startswith("application/javascript")
    assert 'url: "/api/schema/"' in script.content.decode()


def test_the_docs_page_enforces_a_policy_without_unsafe_inline(db):
    response = Client().get("/api/docs/")
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "Content-Security-Policy-Report-Only" not in response


_PRODUCTION_PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client(SERVER_NAME="bro.example.dk")
out = {}
for path in ("/api/docs/", "/admin/login/"):
    response = client.get(path, secure=True)
    out[path] = {
        "status": response.status_code,
        "csp": response.headers.get("Content-Security-Policy"),
        "report_only": response.headers.get("Content-Security-Policy-Report-Only"),
    }
print(json.dumps(out))
"""


def test_production_sends_a_content_security_policy_on_every_page():
    # Given the production settings (as check --deploy sees them), in a fresh process
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_")) and k not in PRODUCTION
    }
    # Every real part production insists on (the database is never connected to here).
    env.update(PRODUCTION, BRO_PRODUCTION="true", DJANGO_SETTINGS_MODULE="backend.settings")
    # When the docs page and the admin's login page are fetched over HTTPS
    result = subprocess.run(
        [sys.executable, "-c", _PRODUCTION_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout.strip().splitlines()[-1])
    # Then both answer 200 with an enforced policy: scripts only from us, nothing inline
    for path, page in pages.items():
        assert page["status"] == 200, path
        assert page["report_only"] is None, path
        directives = dict(d.strip().split(" ", 1) for d in page["csp"].split(";"))
        assert directives["script-src"] == "'self'", path
        assert directives["frame-ancestors"] == "'none'", path
        assert directives["object-src"] == "'none'", path
