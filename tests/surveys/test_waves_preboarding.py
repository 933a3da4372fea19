"""A wave does not invite people who have not started yet (they only see their journey)."""

from datetime import timedelta

from django.utils import timezone

from org import services as org_services
from surveys import services
from surveys.models import Invitation
from surveys.templates import TEMPLATES
from tests.factories import UserFactory


def test_a_wave_skips_people_who_start_after_it_opens(org):
    new_hire = UserFactory(unit=org.team_a, start_date=timezone.localdate() + timedelta(days=10))
    audience = org_services.audience_create(created_by=org.comms, everyone=True)
    survey = services.survey_create_from_template(
        created_by=org.comms, key=next(iter(TEMPLATES)), audience=audience
    )
    wave = services.wave_open(survey=survey, number=1, opens_at=timezone.now(), announce_it=False)
    invited = set(Invitation.objects.filter(wave=wave).values_list("user_id", flat=True))
    assert org.employee.pk in invited
    assert new_hire.pk not in invited
