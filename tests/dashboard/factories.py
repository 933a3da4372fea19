"""Test data for the dashboard: results, journeys and posts, made through the owning services."""

from datetime import timedelta

from django.utils import timezone

from content import services as content_services
from content.models import PostKind
from onboarding import services as onboarding_services
from onboarding.models import Doer, StepKind
from surveys.demo_strategy import Indicator, Pillar
from surveys.models import QuestionKind
from tests.factories import UserFactory
from tests.onboarding.factories import TrackFactory, step
from tests.surveys.factories import close, make_survey, open_wave, people_in, respond

# One Likert, one eNPS and one knowledge question: a unit's favourable share and eNPS on the
# dashboard are then exactly the API's numbers for the one question of that kind.
QUESTIONS = [
    {"kind": QuestionKind.LIKERT, "text": "Vi deler viden.", "indicator": Indicator.VIDENDELING},
    {"kind": QuestionKind.SCALE, "text": "Vil du anbefale os?", "indicator": Indicator.ENPS},
    {
        "kind": QuestionKind.KNOWLEDGE,
        "text": "Hvad siger Kernefortællingen om beliggenheden?",
        "indicator": Indicator.KERNEFORTAELLING,
        "pillar": Pillar.BELIGGENHED,
        "options": [
            {"text": "Midt i landet", "is_correct": True},
            {"text": "Langt fra alt"},
        ],
    },
]


def answered_survey(org, audience, *, title: str = "Pulsmåling", extra_in_team_a: int = 0):
    """A wave answered so that, in the leader's scope, Team Korsør is shown and Team Slagelse
    (2 answers) is suppressed, with the leader's own unit shown (its own atom holds 5).

    Team Korsør: 4 answer 4 (scale 8), 2 answer 2 (scale 4) → 66.7 % favourable, eNPS −33.
    Hjemmeplejen Vest directly: 3 answer 5 (scale 10). Køkkenet (the other leader's): 5.
    """
    survey = make_survey(audience=audience, questions=QUESTIONS, title=title)
    team_a_people = people_in(org.team_a, 6 + extra_in_team_a, prefix="Korsør")
    direct = people_in(org.unit_a, 3, prefix="Vest")
    small = people_in(org.team_s, 2, prefix="Slagelse")
    kitchen = people_in(org.team_b, 5, prefix="Køkken")
    wave = open_wave(survey)
    respond(wave, team_a_people[:4] + team_a_people[6:], value=4)
    respond(wave, team_a_people[4:6], value=2)
    respond(wave, direct, value=5)
    respond(wave, small, value=3)
    respond(wave, kitchen, value=4, correct=False)
    close(wave)  # results are shown once the wave has closed
    return survey, wave


def hires_with_journeys(
    org, *, count: int = 2, in_other_scope: int = 1, track_name="Ny i kommunen"
):
    """New hires in the leader's team, the first `count - 1` started 10 days ago (overdue
    steps), the last starting in 5 days; and hires in the other leader's kitchen."""
    track = TrackFactory(
        name=track_name,
        steps=[
            step("Velkommen", -3, StepKind.ACKNOWLEDGE),
            step("Mød din leder", 0, StepKind.MEETING, meet_with="leader"),
            step("Opret i vagtplan", 1, doer=Doer.LEADER),
            step("Opfølgning", 30, StepKind.MEETING, meet_with="leader"),
        ],
    )
    today = timezone.localdate()
    journeys = []
    for i in range(count):
        started = today - timedelta(days=10) if i < count - 1 else today + timedelta(days=5)
        hire = UserFactory(name=f"{track_name} {i:02d}", unit=org.team_a, start_date=started)
        journeys.append(onboarding_services.journey_assign(actor=org.hr, user=hire, track=track))
    for i in range(in_other_scope):
        hire = UserFactory(
            name=f"Køkkenhjælp {track_name} {i}",
            unit=org.team_b,
            start_date=today - timedelta(days=3),
        )
        onboarding_services.journey_assign(actor=org.hr, user=hire, track=track)
    return journeys


def must_read(org, *, author, units, title: str = "Ny hygiejneinstruks"):
    """A published news post that must be acknowledged, for `units` and below."""
    post = content_services.post_create(
        author=author,
        kind=PostKind.NEWS,
        title=title,
        body="Læs den nye instruks.",
        requires_acknowledgement=True,
        audience=content_services.AudienceSpec(units=[(unit, True) for unit in units]),
    )
    return content_services.post_publish(actor=author, post=post)
