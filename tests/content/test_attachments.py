"""Attachments: type by content, PDFs checked by pypdf, size from settings, storage API."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from content.models import Attachment

from .conftest import PNG_BYTES, pdf_bytes
from .factories import PostFactory


def _upload(client, post, name, content, content_type="application/octet-stream"):
    return client.post(
        f"/api/v1/posts/{post.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        format="multipart",
    )


def test_a_pdf_is_stored_through_the_storage_api_and_downloaded_by_an_addressee(org, api):
    # Given a draft and a clean PDF
    post = PostFactory(author=org.comms, publish=False)
    content = pdf_bytes()

    # When the author uploads it (named .txt: the name does not decide the type)
    response = _upload(api(org.comms), post, "Vagtplan december.txt", content, "text/plain")

    # Then it is stored as a PDF under a random name, and an addressee can download it
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["kind"], body["content_type"], body["size"]) == (
        "Vagtplan december.txt", "pdf", "application/pdf", len(content),
    )  # fmt: skip
    stored = Attachment.objects.get(pk=body["id"])
    assert default_storage.exists(stored.file.name)
    assert "Vagtplan" not in stored.file.name
    from content import services

    services.post_publish(actor=org.comms, post=post)
    download = api(org.employee).get(body["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'attachment; filename="Vagtplan december.txt"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("script.pdf", pdf_bytes(javascript=True), "pdf_javascript"),
        ("bilag.pdf", pdf_bytes(embedded=True), "pdf_embedded_files"),
        ("hemmelig.pdf", pdf_bytes(password="kode"), "pdf_encrypted"),
        ("ødelagt.pdf", b"%PDF-1.7\nikke en rigtig pdf", "pdf_unreadable"),
        ("billede.png", b"<svg onload=alert(1)></svg>", "file_type_unsupported"),
        ("program.pdf", b"MZ\x90\x00 windows program", "file_type_unsupported"),
        ("tom.pdf", b"", "validation_error"),  # DRF refuses an empty file itself
    ],
)
def test_refused_files_get_a_clear_error_and_nothing_is_stored(org, api, name, content, code):
    post = PostFactory(author=org.comms, publish=False)
    response = _upload(api(org.comms), post, name, content)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert "file" in response.json()["fields"]
    assert Attachment.objects.count() == 0


def test_the_size_limit_comes_from_settings(org, api, settings):
    settings.UPLOAD_MAX_BYTES = 200
    post = PostFactory(author=org.comms, publish=False)
    response = _upload(api(org.comms), post, "stor.png", PNG_BYTES + b"\0" * 150)
    assert response.status_code in (400, 413)
    assert response.json()["code"] in ("file_too_large", "request_too_large")
    assert Attachment.objects.count() == 0


def test_only_the_posts_managers_upload(org, api):
    post = PostFactory(author=org.comms)
    for person in (org.employee, org.leader):
        assert _upload(api(person), post, "x.png", PNG_BYTES).status_code == 404
    assert Attachment.objects.count() == 0


def test_an_attachment_is_removed_from_a_draft_and_its_file_deleted(
    org, api, django_capture_on_commit_callbacks
):
    post = PostFactory(author=org.comms, publish=False)
    client = api(org.comms)
    body = _upload(client, post, "x.png", PNG_BYTES).json()
    name = Attachment.objects.get(pk=body["id"]).file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(body["url"]).status_code == 204
    assert Attachment.objects.count() == 0
    assert not default_storage.exists(name)
