"""The comment list's query count does not grow with the page; comments in the GDPR export and
anonymised on erasure."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dialogue import services
from org.erasure import user_erase
from org.selectors import personal_data_export
from tests.factories import UserFactory

from .conftest import comments_url


def _threads(post, n: int, org) -> None:
    for i in range(n):
        people = [UserFactory(name=f"Kollega {i}", unit=org.team_a) for _ in range(2)]
        top = services.comment_create(author=people[0], post=post, text=f"Kommentar {i}")
        services.comment_create(author=people[1], post=post, text=f"Svar {i}", parent=top)


# The token's session, the person and their roles (3, every API call), the post with its
# dialogue row (1), the page's count (1), the page with authors (1), its replies with their
# authors (1); a leader adds one: the units it leads, for `can_moderate`.
@pytest.mark.parametrize(("who", "queries"), [("employee", 7), ("leader", 8)])
def test_the_comment_list_costs_the_same_for_2_and_20_threads(org, news, client_for, who, queries):
    client = client_for(getattr(org, who))
    counts = []
    for n in (2, 18):
        _threads(news, n, org)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(comments_url(news))
        assert response.status_code == 200
        counts.append(len(captured))
    assert response.json()["count"] == 20
    assert len(response.json()["results"]) == 20
    assert counts == [queries, queries]


def test_comments_are_in_the_export_and_anonymised_on_erasure(org, news, client_for):
    comment = services.comment_create(author=org.employee, post=news, text="Mit indlæg")
    services.reaction_set(user=org.employee, post=news, kind="heart")
    services.comment_report(
        reporter=org.employee,
        comment=services.comment_create(author=org.leader, post=news, text="Leder"),
        reason="Forkert",
    )
    export = personal_data_export(user=org.employee)["categories"]
    assert [(c["id"], c["text"], c["title"]) for c in export["comments"]] == [
        (comment.pk, "Mit indlæg", "Ny kantine")
    ]
    assert export["reactions"] == [{"post": news.pk, "title": "Ny kantine", "reaction": "heart"}]
    assert [r["reason"] for r in export["comment_reports"]] == ["Forkert"]
    # When the person is erased
    user_erase(actor=org.hr, user=org.employee)
    # Then the comment stays, under "Tidligere medarbejder", and the report reason is gone
    [first, _leader] = client_for(org.comms).get(comments_url(news)).json()["results"]
    assert (first["text"], first["author"]["name"]) == ("Mit indlæg", "Tidligere medarbejder")
    assert (
        personal_data_export(user=org.employee)["categories"]["comment_reports"][0]["reason"] == ""
    )
