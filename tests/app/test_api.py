"""The API the staff app needs beyond the apps' own: web push config and link tokens."""

from django.test import override_settings
from rest_framework.test import APIClient

from content.models import ReadReceipt
from push import links
from surveys.models import Participation
from tests.content.factories import PostFactory
from tests.surveys.factories import answers_for, everyone, make_survey, open_wave

PUSH_CONFIG = "/api/v1/app/push-config/"
WEB = {
    "FCM_WEB_API_KEY": "AIzaSy-test",
    "FCM_PROJECT_ID": "bro-slagelse",
    "FCM_WEB_MESSAGING_SENDER_ID": "123456789",
    "FCM_WEB_APP_ID": "1:123456789:web:abc",
    "FCM_WEB_VAPID_KEY": "BExampleVapidPublicKey",
}


def test_the_push_config_says_off_until_every_value_is_set(org, api):
    client = api(org.employee)
    assert client.get(PUSH_CONFIG).json() == {"enabled": False}
    with override_settings(**{**WEB, "FCM_WEB_VAPID_KEY": ""}):
        assert client.get(PUSH_CONFIG).json() == {"enabled": False}
    with override_settings(**WEB):
        assert client.get(PUSH_CONFIG).json() == {
            "enabled": True,
            "api_key": "AIzaSy-test",
            "project_id": "bro-slagelse",
            "messaging_sender_id": "123456789",
            "app_id": "1:123456789:web:abc",
            "vapid_key": "BExampleVapidPublicKey",
        }


def test_the_push_config_needs_a_login(db):
    assert APIClient().get(PUSH_CONFIG).status_code == 401


def _link(kind: str, object_id: int, user) -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_X_LINK_TOKEN=links.link_token(kind=kind, object_id=object_id, user_id=user.pk)
    )
    return client


def test_a_post_link_opens_that_post_and_its_acknowledgement_and_nothing_else(org):
    post = PostFactory(author=org.comms, requires_acknowledgement=True, title="Ny vagtplan")
    other = PostFactory(author=org.comms, title="Andet")
    client = _link("post", post.pk, org.employee)
    # The app learns what the link opens, and the person's language
    assert client.get("/api/v1/app/link/").json() == {"kind": "post", "object_id": post.pk}
    assert client.get("/api/v1/me/").json()["id"] == org.employee.pk
    # Reading and acknowledging go through the same API as the app's, as that person
    assert client.get(f"/api/v1/posts/{post.pk}/").json()["title"] == "Ny vagtplan"
    assert client.post(f"/api/v1/posts/{post.pk}/acknowledge/").status_code == 200
    receipt = ReadReceipt.objects.get(post=post, user=org.employee)
    assert receipt.read_at is not None and receipt.acknowledged_at is not None
    # Anything else is refused: another post, the feed, a profile change, allauth's account API
    refused = [
        client.get(f"/api/v1/posts/{other.pk}/"),
        client.get("/api/v1/feed/"),
        client.patch("/api/v1/me/", {"language": "en"}, format="json"),
        client.get("/api/v1/push/preferences/"),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert refused[0].json()["code"] == "permission_denied"
    assert not ReadReceipt.objects.filter(post=other).exists()
    assert client.get("/_allauth/app/v1/auth/session").status_code == 401


def test_a_wave_link_answers_that_wave_once(org):
    survey = make_survey(audience=everyone(), created_by=org.comms)
    wave = open_wave(survey)
    client = _link("wave", wave.pk, org.employee)
    assert client.get("/api/v1/app/link/").json() == {"kind": "wave", "object_id": wave.pk}
    assert [w["id"] for w in client.get("/api/v1/surveys/open/").json()["results"]] == [wave.pk]
    path = f"/api/v1/surveys/waves/{wave.pk}/responses/"
    answers = {"answers": answers_for(survey)}
    assert client.post(path, answers, format="json").status_code == 201
    assert Participation.objects.filter(wave=wave, user=org.employee).count() == 1
    other = open_wave(make_survey(audience=everyone(), created_by=org.comms))
    response = client.post(f"/api/v1/surveys/waves/{other.pk}/responses/", answers, format="json")
    assert response.status_code == 403
    assert not Participation.objects.filter(wave=other).exists()


def test_a_forged_expired_or_deactivated_link_is_401(org, settings):
    post = PostFactory(author=org.comms)
    token = links.link_token(kind="post", object_id=post.pk, user_id=org.employee.pk)
    forged = APIClient(HTTP_X_LINK_TOKEN=token[:-2] + "xx")
    assert forged.get(f"/api/v1/posts/{post.pk}/").status_code == 401
    settings.NOTIFY_LINK_MAX_AGE_DAYS = -1
    expired = APIClient(HTTP_X_LINK_TOKEN=token)
    assert expired.get(f"/api/v1/posts/{post.pk}/").status_code == 401
    settings.NOTIFY_LINK_MAX_AGE_DAYS = 14
    org.employee.is_active = False
    org.employee.save(update_fields=["is_active"])
    assert APIClient(HTTP_X_LINK_TOKEN=token).get(f"/api/v1/posts/{post.pk}/").status_code == 401
    assert not ReadReceipt.objects.filter(post=post).exists()


def test_link_without_a_link_token_is_404(org, api):
    response = api(org.employee).get("/api/v1/app/link/")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_a_wave_link_sent_by_sms_or_e_mail_opens_the_app(org, client):
    # Given an open wave Mette is invited to, and her link to it
    wave = open_wave(make_survey(audience=everyone(), created_by=org.comms))
    token = links.link_token(kind="wave", object_id=wave.pk, user_id=org.employee.pk)
    # When she opens the link, it is the app, opened with the same token
    response = client.get(f"/l/{token}/")
    assert (response.status_code, response["Location"]) == (302, f"/app/#/l/{token}")
    assert response["Cache-Control"] == "no-store"
    # And once she has answered, the link shows the invalid-link page
    _link("wave", wave.pk, org.employee).post(
        f"/api/v1/surveys/waves/{wave.pk}/responses/",
        {"answers": answers_for(wave.survey)},
        format="json",
    )
    assert client.get(f"/l/{token}/").status_code == 404
