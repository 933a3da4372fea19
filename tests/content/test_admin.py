"""The admin: communications writes everything, HR writes staff info pages, through services."""

import pytest
from django.test import Client

from content.models import Decision, Post, PostKind, PostStatus
from org import selectors as org_selectors


def _admin(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("comms", "/admin/content/post/add/", 200),
        ("comms", "/admin/content/minutespost/add/", 200),
        ("comms", "/admin/content/eventpost/add/", 200),
        ("comms", "/admin/content/pagepost/add/", 200),
        ("hr", "/admin/content/pagepost/add/", 200),
        ("hr", "/admin/content/pagepost/", 200),
        ("hr", "/admin/content/post/add/", 403),
        ("hr", "/admin/content/minutespost/", 403),
    ],
)
def test_who_may_open_which_admin_page(org, who, path, status):
    assert _admin(getattr(org, who)).get(path).status_code == status


def test_hr_writes_a_staff_info_page_with_an_audience_picked_on_the_form(org):
    response = _admin(org.hr).post(
        "/admin/content/pagepost/add/",
        {
            "title": "Ferieregler 2027",
            "summary": "Sådan søger du ferie.",
            "body": "## Ferie\n\nSøg senest 1. marts.",
            "language": "da",
            "audience_units": [org.unit_a.pk],
            "audience_units_subtree": "on",
            "audience_job_titles": ["Kok"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    post = Post.objects.get()
    assert (post.kind, post.status, post.author) == (PostKind.PAGE, PostStatus.DRAFT, org.hr)
    assert post.body_html == "<h2>Ferie</h2>\n<p>Søg senest 1. marts.</p>"
    members = set(org_selectors.audience_members(audience=post.audience))
    assert members == {org.employee, org.leader, org.other_employee}


def test_communications_writes_minutes_with_decisions_and_publishes_them(org):
    client = _admin(org.comms)
    response = client.post(
        "/admin/content/minutespost/add/",
        {
            "title": "Referat MED-udvalg",
            "body": "Punkter",
            "language": "da",
            "unit": org.unit_a.pk,
            "meeting_name": "MED-udvalg",
            "meeting_date": "2026-11-24",
            "audience_everyone": "on",
            "decisions-TOTAL_FORMS": "2",
            "decisions-INITIAL_FORMS": "0",
            "decisions-MIN_NUM_FORMS": "0",
            "decisions-MAX_NUM_FORMS": "1000",
            "decisions-0-text": "Ny ordning for kørsel",
            "decisions-0-owner": org.leader.pk,
            "decisions-0-deadline": "2027-01-15",
            "decisions-1-text": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    post = Post.objects.get()
    assert list(Decision.objects.values_list("text", "owner", "post")) == [
        ("Ny ordning for kørsel", org.leader.pk, post.pk)
    ]
    client.post(
        "/admin/content/minutespost/",
        {"action": "publish_now", "_selected_action": [post.pk]},
    )
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
