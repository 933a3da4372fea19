"""The browser tests' live server holds when a page makes requests at once (tests/live.py).

On SQLite the live server's threads share the test's one in-memory connection; before
tests/live.py, requests at once broke each other ("bad parameter or other API misuse", a 500, or
a token that /me/ refused afterwards). The staff app's start and its work-account hand-off make
such requests, so their browser tests failed now and then. This test makes them on purpose.
"""

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import Client

from tests import live
from tests.conftest import login_token

pytestmark = pytest.mark.django_db(transaction=True)

THREADS, EACH = 12, 8


def _me(url: str, token: str) -> tuple[int, int | None]:
    request = urllib.request.Request(url + "/api/v1/me/", headers={"X-Session-Token": token})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())["id"]
    except urllib.error.HTTPError as error:
        return error.code, None


def test_requests_at_once_each_get_their_answer(org, live_server):
    # Given a logged-in employee's token (made before any request runs)
    token = login_token(org.employee)

    # When many requests for /me/ arrive at the live server at once
    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(lambda _: _me(live_server.url, token), range(THREADS * EACH)))
    live.idle()

    # Then every one is answered for that person, and the token still works afterwards
    assert answers == [(200, org.employee.pk)] * (THREADS * EACH)
    assert Client().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code == 200
