"""Attachment checks: the type comes from the bytes, not the name; PDFs are parsed and refused
when they are encrypted, carry JavaScript or embed files."""

from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from backend.errors import ApplicationError

from .models import AttachmentKind

# Signatures of the formats we accept. SVG is not among them: it is a script carrier.
_IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)
_JAVASCRIPT_KEYS = frozenset({"/JS", "/JavaScript"})
_EMBEDDED_KEYS = frozenset({"/EmbeddedFiles", "/EF"})
# Nested direct objects deeper than this are refused rather than walked.
_MAX_DEPTH = 64
# Broken PDFs make pypdf raise its own errors and, on some inputs, plain Python ones.
_PDF_PARSE_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, IndexError, RecursionError)


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    suffix: str


def _refuse(message: str, code: str) -> ApplicationError:
    return ApplicationError(message, code=code, fields={"file": [message]})


def sniff(head: bytes) -> CheckedFile | None:
    """The file's type from its first bytes, or None when it is none we accept."""
    if head.startswith(b"%PDF-"):
        return CheckedFile(AttachmentKind.PDF, "application/pdf", ".pdf")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return CheckedFile(AttachmentKind.IMAGE, "image/webp", ".webp")
    for signature, content_type, suffix in _IMAGE_SIGNATURES:
        if head.startswith(signature):
            return CheckedFile(AttachmentKind.IMAGE, content_type, suffix)
    return None


def _danger_in(obj, depth: int = 0) -> str | None:
    """'javascript' or 'embedded' when this object (not following references) carries it."""
    if depth > _MAX_DEPTH:
        return "too_deep"
    if isinstance(obj, DictionaryObject):
        keys = set(obj.keys())
        if keys & _JAVASCRIPT_KEYS or obj.get("/S") == NameObject("/JavaScript"):
            return "javascript"
        if keys & _EMBEDDED_KEYS or obj.get("/Type") == NameObject("/EmbeddedFile"):
            return "embedded"
        values = obj.values()
    elif isinstance(obj, ArrayObject):
        values = obj
    else:
        return None
    for value in values:
        if isinstance(value, IndirectObject):
            continue  # visited on its own in _pdf_danger
        found = _danger_in(value, depth + 1)
        if found:
            return found
    return None


def _pdf_danger(reader: PdfReader) -> str | None:
    found = _danger_in(reader.trailer)
    if found:
        return found
    references = [(idnum, gen) for gen, ids in reader.xref.items() for idnum in ids]
    references += [(idnum, 0) for idnum in reader.xref_objStm]
    for idnum, gen in references:
        found = _danger_in(reader.get_object(IndirectObject(idnum, gen, reader)))
        if found:
            return found
    return None


def check_pdf(stream: IO[bytes]) -> None:
    """Refuse a PDF that cannot be read, is encrypted, or carries JavaScript or files."""
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            raise _refuse(
                _("PDF-filen er krypteret eller beskyttet med adgangskode. Gem den uden."),
                "pdf_encrypted",
            )
        danger = _pdf_danger(reader)
        page_count = len(reader.pages)
    except _PDF_PARSE_ERRORS as exc:
        raise _refuse(_("PDF-filen kan ikke læses."), "pdf_unreadable") from exc
    if danger == "javascript":
        raise _refuse(_("PDF-filen indeholder JavaScript og kan ikke bruges."), "pdf_javascript")
    if danger == "embedded":
        raise _refuse(
            _("PDF-filen indeholder indlejrede filer og kan ikke bruges."), "pdf_embedded_files"
        )
    if danger == "too_deep" or page_count == 0:
        raise _refuse(_("PDF-filen kan ikke læses."), "pdf_unreadable")


def check_upload(*, stream: IO[bytes], size: int, max_bytes: int) -> CheckedFile:
    """Check size and type of an upload; the stream is left at its start."""
    if size > max_bytes:
        raise _refuse(
            _("Filen er for stor. Den må højst fylde %(mb)s MB.")
            % {"mb": round(max_bytes / (1024 * 1024), 1)},
            "file_too_large",
        )
    if size == 0:
        raise _refuse(_("Filen er tom."), "file_empty")
    stream.seek(0)
    checked = sniff(stream.read(16))
    stream.seek(0)
    if checked is None:
        raise _refuse(
            _("Filtypen understøttes ikke. Brug PDF, PNG, JPEG, GIF eller WebP."),
            "file_type_unsupported",
        )
    if checked.kind == AttachmentKind.PDF:
        check_pdf(stream)
        stream.seek(0)
    return checked
