"""The channel rules in the admin: per category its channels and when SMS or e-mail step in."""

import re

import pytest
from django.test import Client
from django.utils.html import strip_tags

pytestmark = pytest.mark.django_db

URL = "/admin/push/notification/kanalregler/"


def _rows(html: str) -> dict[str, list[str]]:
    table = re.search(r'<table id="channel-rules">.*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr><td>(.*?)</td></tr>", table, re.S)
    return {
        cells[0]: cells[1:]
        for cells in ([strip_tags(c).strip() for c in row.split("</td><td>")] for row in rows)
    }


def test_the_admin_shows_the_channel_rules_from_the_settings(org, settings):
    # Given an operator, and a crisis ladder and survey fallback set on the server
    org.comms.is_staff = org.comms.is_superuser = True
    org.comms.save(update_fields=["is_staff", "is_superuser"])
    settings.PUSH_ALERT_SMS_MINUTES = 15
    settings.NOTIFY_SURVEY_SMS_FALLBACK = False
    client = Client()
    client.force_login(org.comms)

    # When they open Kanalregler from the notifications list
    listing = client.get("/admin/push/notification/").content.decode()
    page = client.get(URL)

    # Then every category has its channels, its fallback and its SMS budget
    assert URL in listing
    assert page.status_code == 200
    rows = _rows(page.content.decode())
    assert list(rows) == [
        "Nyheder",
        "Referater",
        "Arrangementer",
        "Onboarding",
        "Undersøgelser",
        "Krisebeskeder",
        "Driftsbeskeder",
    ]
    assert rows["Nyheder"] == [
        "Push, SMS",
        "Skal-læses: efter første påmindelse får personer uden aktiv enhed en SMS med link.",
        "3000",
    ]
    assert rows["Undersøgelser"] == ["Push, SMS", "Kun push.", "5000"]
    assert rows["Krisebeskeder"][0] == "Push, SMS, E-mail"
    assert "SMS efter 15 min." in rows["Krisebeskeder"][1]
    assert rows["Krisebeskeder"][2] == "Undtaget"
    assert rows["Driftsbeskeder"] == [
        "Push, E-mail",
        "Push og e-mail til kommunikation.",
        "Ingen grænse",
    ]


def test_people_without_the_admin_do_not_see_the_rules(org):
    client = Client()
    client.force_login(org.employee)

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
