"""`active: false` over SCIM, for a person from the HR file with a whole history in Bro:
offboarded as an HR deactivation is, and the anonymous survey answers are left exactly as
they were."""

import json
from datetime import timedelta

from django.utils import timezone

from hrsync.services import scim_client_create
from push.models import Device
from surveys.models import Response
from surveys.results import survey_results
from tests.factories import UserFactory
from tests.gdpr.factories import give_history

PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def test_a_scim_deactivation_retires_devices_and_leaves_anonymous_answers(org, client):
    # Given a person from the HR file who has a device and answered an anonymous survey
    person = UserFactory(
        name="Zacharias Quistgaard",
        email="zacharias.quistgaard@example.dk",
        employee_number="ZQ-4711",
        unit=org.team_a,
        start_date=timezone.localdate() - timedelta(days=10),
    )
    history = give_history(org, person, rows=1)
    results_before = survey_results(survey=history.survey, viewer=org.comms)
    answers_before = sorted(Response.objects.values_list("pk", flat=True))
    _client, token = scim_client_create(name="Microsoft Entra ID", created_by=None)
    # When Entra ID disables them
    response = client.patch(
        f"/scim/v2/Users/{person.pk}",
        data=json.dumps(
            {
                "schemas": [PATCH],
                "Operations": [{"op": "replace", "path": "active", "value": False}],
            }
        ),
        content_type="application/scim+json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    # Then they are offboarded: inactive, devices retired
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert person.is_active is False
    assert Device.objects.filter(user=person, retired_at__isnull=True).count() == 0
    # And the anonymous answers and the results built on them are exactly what they were
    assert sorted(Response.objects.values_list("pk", flat=True)) == answers_before
    assert survey_results(survey=history.survey, viewer=org.comms) == results_before
