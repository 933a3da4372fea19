"""Audience correctness: each targeting rule × a person inside and outside, for the feed, the
detail view, attachment download and acknowledging. Outside answers 404 and changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from content import services
from content.models import ReadReceipt
from content.services import AudienceSpec
from org.models import Role

from .conftest import PNG_BYTES
from .factories import PostFactory

# (rule, audience spec from the org fixture, person inside, person outside)
CASES = [
    ("unit with subtree", lambda o: AudienceSpec(units=[(o.unit_a, True)]), "employee",
     "other_employee"),
    ("unit alone", lambda o: AudienceSpec(units=[(o.unit_a, False)]), "leader", "employee"),
    ("role", lambda o: AudienceSpec(roles=[Role.HR]), "hr", "employee"),
    ("job title", lambda o: AudienceSpec(job_titles=["kok"]), "other_employee", "employee"),
    ("named people", lambda o: AudienceSpec(people=[o.employee]), "employee", "other_employee"),
]  # fmt: skip
TABLE = [
    pytest.param(make_spec, person, inside, id=f"{rule}-{'inside' if inside else 'outside'}")
    for rule, make_spec, person_in, person_out in CASES
    for person, inside in ((person_in, True), (person_out, False))
]


@pytest.mark.parametrize(("make_spec", "person_name", "inside"), TABLE)
def test_audience_rule_decides_feed_detail_download_and_acknowledge(
    org, api, make_spec, person_name, inside
):
    # Given a must-read with an attachment, targeted by one rule
    post = PostFactory(
        author=org.comms, title="Ny procedure", requires_acknowledgement=True,
        audience=make_spec(org), publish=False,
    )  # fmt: skip
    attachment = services.attachment_add(
        actor=org.comms,
        post=post,
        upload=SimpleUploadedFile("procedure.png", PNG_BYTES, content_type="image/png"),
    )
    services.post_publish(actor=org.comms, post=post)
    person = getattr(org, person_name)
    client = api(person)
    expected = 200 if inside else 404

    # When the person uses the feed, the detail view, the download and the acknowledgement
    feed_ids = [i["id"] for i in client.get("/api/v1/feed/").json()["results"]]
    detail = client.get(f"/api/v1/posts/{post.pk}/")
    download = client.get(f"/api/v1/posts/{post.pk}/attachments/{attachment.pk}/")
    acknowledge = client.post(f"/api/v1/posts/{post.pk}/acknowledge/")

    # Then everything answers as the audience says
    assert (post.pk in feed_ids) is inside
    assert detail.status_code == expected
    assert download.status_code == expected
    assert acknowledge.status_code == expected
    receipt = ReadReceipt.objects.filter(post=post, user=person).first()
    if inside:
        assert b"".join(download.streaming_content) == PNG_BYTES
        assert receipt.acknowledged_at is not None
    else:
        assert download.json()["code"] == "not_found"
        assert receipt is None
