"""The follow-up lists cost a fixed number of queries: more actions or leaders add none."""

from datetime import timedelta

import pytest
from django.utils import timezone

from followup import services
from followup.models import FollowUp
from tests.followup.factories import closed_wave_with_followups

# Session lookup and the person (2), then count and page (2); the unit's actions also read the
# active strategy once for the indicators' names (2); the overview reads the waves' wave, the
# latest wave, the follow-ups and the areas.
TASKS_QUERIES = 4
ACTIONS_QUERIES = 6
OVERVIEW_QUERIES = 6


def _more_actions(org, n: int) -> None:
    task = FollowUp.objects.filter(leader=org.leader).latest("pk")
    for k in range(n):
        services.action_create(
            actor=org.leader,
            followup=task,
            question=task.wave.survey.questions.order_by("position").first().pk,
            what=f"Handling {k}",
            who="Lone",
            due_on=timezone.localdate() + timedelta(days=10 + k),
        )
    services.followup_publish(actor=org.leader, followup=task)


@pytest.mark.parametrize(
    ("who", "url", "expected"),
    [
        ("leader", "/api/v1/followup/tasks/", TASKS_QUERIES),
        ("employee", "/api/v1/followup/actions/", ACTIONS_QUERIES),
        ("comms", "/api/v1/followup/overview/", OVERVIEW_QUERIES),
    ],
)
def test_follow_up_lists_do_not_query_per_row(
    org, client_for, django_assert_num_queries, who, url, expected
):
    # Given one wave followed up with one shared action
    closed_wave_with_followups(org)
    client = client_for(getattr(org, who))
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    # When there are five more actions and a second wave with four more leaders
    _more_actions(org, 5)
    closed_wave_with_followups(org, extra_teams=4)
    # Then the same request costs the same
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
