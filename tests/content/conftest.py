"""Fixtures for the content tests: posts, uploaded files kept in a temporary media root."""

import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from .factories import PostFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Attachments go through the storage API into a directory thrown away after the test."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def post_factory(db):
    return PostFactory


def pdf_bytes(*, javascript: bool = False, embedded: bool = False, password: str = "") -> bytes:
    """A one-page PDF, optionally with an open-action script, an embedded file or a password."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('hej');"),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if embedded:
        writer.add_attachment("vedhæftet.txt", b"indhold")
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# The smallest valid PNG: 1x1 pixel.
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4"
    "890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
