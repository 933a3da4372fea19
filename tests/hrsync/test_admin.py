"""HR's admin: upload → difference → confirm, the history, and SCIM clients' tokens."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hrsync.models import ImportRun, ScimClient
from hrsync.services import token_hash
from org.models import User

from .conftest import csv_file


@pytest.fixture
def hr_client(client, hr_org):
    from tests.factories import UserFactory

    hr = UserFactory(name="Hanne HR", roles=["hr"], unit=hr_org.root)
    client.force_login(hr)
    client.hr = hr
    return client


def test_hr_uploads_sees_the_difference_then_confirms(hr_client):
    # Given a file with a new hire
    upload = SimpleUploadedFile("hr.csv", csv_file("E9;Ida Holm;ida@example.dk;;111;;;;;;da"))
    # When HR uploads it
    response = hr_client.post(
        "/admin/hrsync/importrun/upload/", {"file": upload, "mode": "incremental"}
    )
    run = ImportRun.objects.get()
    # Then the preview shows the new hire and nothing has changed yet
    assert response.status_code == 302
    page = hr_client.get(f"/admin/hrsync/importrun/{run.pk}/preview/").content.decode()
    assert "Nyansatte (1)" in page and "Ida Holm" in page
    assert not User.objects.filter(employee_number="E9").exists()
    # When HR confirms
    hr_client.post(f"/admin/hrsync/importrun/{run.pk}/preview/", {"confirm": "1"})
    # Then the person exists, and the history says who ran it, with the counts; the file is gone
    run.refresh_from_db()
    assert User.objects.filter(employee_number="E9").exists()
    assert (run.status, run.started_by, run.counts["new_hires"], run.content) == (
        "applied",
        hr_client.hr,
        1,
        None,
    )
    history = hr_client.get("/admin/hrsync/importrun/").content.decode()
    assert "hr.csv" in history and "new_hires: 1" in history


def test_a_discarded_preview_changes_nothing(hr_client):
    upload = SimpleUploadedFile("hr.csv", csv_file("E9;Ida Holm;ida@example.dk;;111;;;;;;da"))
    hr_client.post("/admin/hrsync/importrun/upload/", {"file": upload, "mode": "incremental"})
    run = ImportRun.objects.get()
    hr_client.post(f"/admin/hrsync/importrun/{run.pk}/preview/", {"discard": "1"})
    run.refresh_from_db()
    assert (run.status, run.content) == ("discarded", None)
    assert not User.objects.filter(employee_number="E9").exists()


def test_an_admin_creates_a_scim_client_and_sees_the_token_once(client, org):
    # When an admin adds a provisioning client
    client.force_login(org.admin)
    response = client.post("/admin/hrsync/scimclient/add/", {"name": "Entra ID"}, follow=True)
    # Then the token is shown once in the message, and only its hash is stored
    [message] = [str(m) for m in response.context["messages"] if "bro_scim_" in str(m)]
    token = message.rsplit(" ", 1)[1]
    scim = ScimClient.objects.get()
    assert (scim.name, scim.token_hash, scim.created_by) == (
        "Entra ID",
        token_hash(token),
        org.admin,
    )
    assert token not in client.get("/admin/hrsync/scimclient/").content.decode()


def test_hr_cannot_make_scim_clients(client, org):
    client.force_login(org.hr)
    response = client.post("/admin/hrsync/scimclient/add/", {"name": "Entra ID"})
    assert response.status_code == 403
    assert ScimClient.objects.count() == 0
