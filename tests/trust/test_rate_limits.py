"""Per-route limits: survey responses and attachment uploads, per person and per address."""

from datetime import UTC, datetime

import pytest
import time_machine
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from api.throttling import SubmitAddressThrottle, UploadAddressThrottle
from content.models import Attachment
from surveys.models import Response
from tests.content.factories import PostFactory
from tests.factories import UserFactory
from tests.surveys.factories import everyone, make_survey, open_wave


@pytest.fixture(autouse=True)
def _inside_one_window():
    """The per-address limits count per clock window (api.throttling._PerAddress): start each
    test just after a minute turns, with the clock running, so no test straddles two windows."""
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, 1, tzinfo=UTC)):
        yield


@pytest.fixture
def rates(settings):
    """rates(**scopes) sets per-route rates for this test (the global ones stay high)."""

    def set_rates(**scopes: str) -> None:
        current = dict(api_settings.DEFAULT_THROTTLE_RATES)
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": current | scopes,
        }

    return set_rates


def _assert_rate_limited(response) -> None:
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "rate_limited"
    assert set(body) == {"code", "message", "retry_after"}
    assert 0 < body["retry_after"] <= 60
    assert response["Retry-After"] == str(body["retry_after"])


def _submit(client, wave_id: int):
    # An empty answer list is refused (400) by the view, after the throttles have counted it.
    return client.post(
        f"/api/v1/surveys/waves/{wave_id}/responses/", {"answers": []}, format="json"
    )


def test_response_submission_is_limited_per_person(org, client_for, rates):
    # Given a limit of 2 submissions a minute per person and an open wave for everyone
    rates(submit="2/min", submit_ip="100/min")
    wave = open_wave(make_survey(audience=everyone(), created_by=org.comms))
    client = client_for(org.employee)
    # When the employee submits three times
    statuses = [_submit(client, wave.pk).status_code for _ in range(2)]
    third = _submit(client, wave.pk)
    # Then the first two reach the view and the third is refused with 429, nothing stored
    assert statuses == [400, 400]
    _assert_rate_limited(third)
    assert Response.objects.count() == 0
    # And a colleague is not affected
    assert _submit(client_for(org.other_employee), wave.pk).status_code == 400


def test_response_submission_is_limited_per_address(org, client_for, rates):
    # Given a per-address limit of 2 a minute and three people behind one address
    rates(submit="100/min", submit_ip="2/min")
    wave = open_wave(make_survey(audience=everyone(), created_by=org.comms))
    people = [org.employee, org.other_employee, org.leader]
    # When each submits once from 10.1.1.1 (with a forged X-Forwarded-For on the last)
    statuses = [
        _submit(client_for(p, REMOTE_ADDR="10.1.1.1"), wave.pk).status_code for p in people[:2]
    ]
    forged = client_for(people[2], REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="192.0.2.77")
    third = _submit(forged, wave.pk)
    # Then the third is refused: the address limit holds across accounts and forged headers
    assert statuses == [400, 400]
    _assert_rate_limited(third)
    # And another address is not affected
    other = client_for(people[2], REMOTE_ADDR="10.2.2.2")
    assert _submit(other, wave.pk).status_code == 400


def _upload(client, post_id: int):
    # No file: refused (400) by the view after the throttles have counted the request.
    return client.post(f"/api/v1/posts/{post_id}/attachments/", {}, format="multipart")


def test_attachment_upload_is_limited_per_person(org, client_for, rates):
    # Given a limit of 2 uploads a minute per person and a post by communications
    rates(upload="2/min", upload_ip="100/min")
    post = PostFactory(author=org.comms, publish=False)
    client = client_for(org.comms)
    # When communications uploads three times
    statuses = [_upload(client, post.pk).status_code for _ in range(2)]
    third = _upload(client, post.pk)
    # Then the third is refused with 429 and nothing is stored
    assert statuses == [400, 400]
    _assert_rate_limited(third)
    assert Attachment.objects.count() == 0


def test_attachment_upload_is_limited_per_address(org, client_for, rates):
    # Given a per-address limit of 2 a minute and three writers behind one address
    rates(upload="100/min", upload_ip="2/min")
    post = PostFactory(author=org.comms, publish=False)
    writers = [org.comms, UserFactory(unit=org.root, roles=["communications"]), org.admin]
    # When each uploads once from the same address
    responses = [_upload(client_for(w, REMOTE_ADDR="10.1.1.1"), post.pk) for w in writers]
    # Then the third is refused
    assert [r.status_code for r in responses[:2]] == [400, 400]
    _assert_rate_limited(responses[2])


def test_global_throttles_key_on_the_address_not_a_forged_forwarded_for(rf):
    # Given a request from 10.3.3.3 carrying an X-Forwarded-For the client wrote itself (with
    # no trusted proxy, the middleware leaves REMOTE_ADDR alone)
    request = rf.get("/api/schema/", REMOTE_ADDR="10.3.3.3", HTTP_X_FORWARDED_FOR="192.0.2.7")
    # When the global anonymous throttle and the per-route ones identify the client
    idents = {
        AnonRateThrottle().get_ident(request),
        SubmitAddressThrottle().get_ident(request),
        UploadAddressThrottle().get_ident(request),
    }
    # Then all use the address, so a new forged header per request cannot reset a limit
    assert idents == {"10.3.3.3"}


def test_an_address_limit_opens_again_in_the_next_window(rf, rates, db):
    # Given a per-address submit limit of 2 a minute, used up from 10.4.4.4
    rates(submit_ip="2/min")
    request = rf.post("/api/v1/surveys/waves/1/responses/", REMOTE_ADDR="10.4.4.4")
    with time_machine.travel(datetime(2026, 11, 30, 10, 5, 1, tzinfo=UTC), tick=False) as clock:
        allowed = [SubmitAddressThrottle().allow_request(request, None) for _ in range(3)]
        throttle = SubmitAddressThrottle()
        assert throttle.allow_request(request, None) is False
        # Then the caller is told to wait until the minute turns
        assert throttle.wait() == 59
        # And when it has turned, the address may submit again
        clock.shift(59)
        assert SubmitAddressThrottle().allow_request(request, None) is True
    assert allowed == [True, True, False]
