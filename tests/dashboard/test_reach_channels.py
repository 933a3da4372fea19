"""The reach page's channel columns: notified by push / SMS / e-mail and delivered, per unit,
the same numbers as the API."""

import re

from content import announce
from tests.push.factories import DeviceFactory

from .factories import must_read
from .test_pages import _row, _value

MEASURES = ("notified_push", "notified_sms", "notified_email", "delivered")


def test_reach_page_shows_the_api_counts_per_channel_and_unit(
    dash_org, web, api, django_capture_on_commit_callbacks
):
    # Given a must-read: Mette has the app, the leader has only a phone and gets the SMS reminder
    DeviceFactory(user=dash_org.employee)
    dash_org.leader.phone = "+4512345678"
    dash_org.leader.save(update_fields=["phone"])
    with django_capture_on_commit_callbacks(execute=True):
        post = must_read(dash_org, author=dash_org.leader, units=[dash_org.unit_a])
    with django_capture_on_commit_callbacks(execute=True):
        announce.remind_unacknowledged_readers(post_id=post.pk, user_ids=[dash_org.leader.pk])
    reach = api(dash_org.leader).get(f"/api/v1/posts/{post.pk}/reach/").json()

    # When the leader opens the post's reach
    html = web(dash_org.leader).get(f"/dashboard/raekkevidde/{post.pk}/").content.decode()

    # Then the API counts one by push, one by SMS, none by e-mail; delivered is the push alone
    # (the log SMS sender gets no delivery report)
    assert [reach[m] for m in MEASURES] == [1, 1, 0, 1]
    assert 'data-measure="delivered" data-value="1">1</strong>' in html
    # and every unit's row on the page has the API's numbers
    shown = re.findall(r'<tr data-unit="(\d+)"', html)
    assert [int(u) for u in shown] == [row["unit_id"] for row in reach["per_unit"]]
    for row in reach["per_unit"]:
        cells = _row(html, "data-unit", row["unit_id"])
        assert [_value(cells, m) for m in MEASURES] == [(str(row[m]),) * 2 for m in MEASURES]
