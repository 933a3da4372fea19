"""Attachment checks: the type comes from the bytes, not the name; PDFs are parsed and refused
when they are encrypted, carry active content (scripts, launch, submit or import actions, links
to other files, rich media) or embed files."""

import zlib
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from backend.errors import ApplicationError

from . import audio, pdf_scan
from .models import AttachmentKind

# Signatures of the formats we accept. SVG is not among them: it is a script carrier.
_IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)
# Broken PDFs make pypdf raise its own errors and, on some inputs, plain Python ones.
_PDF_PARSE_ERRORS = (
    PyPdfError,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    RecursionError,
    zlib.error,
)


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    suffix: str
    duration_seconds: int | None = None


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


def _pdf_refusals() -> dict[str, str]:
    return {
        pdf_scan.JAVASCRIPT: _("PDF-filen indeholder JavaScript og kan ikke bruges."),
        pdf_scan.LAUNCH: _(
            "PDF-filen kan starte programmer eller åbne andre filer og kan ikke bruges."
        ),
        pdf_scan.SUBMIT_FORM: _(
            "PDF-filen indeholder en formular, der sender data videre, og kan ikke bruges."
        ),
        pdf_scan.IMPORT_DATA: _("PDF-filen henter data fra andre filer og kan ikke bruges."),
        pdf_scan.LINK_TO_FILE: _(
            "PDF-filen indeholder henvisninger, der åbner andre filer, og kan ikke bruges."
        ),
        pdf_scan.RICH_MEDIA: _(
            "PDF-filen indeholder indlejret multimedie (RichMedia) og kan ikke bruges."
        ),
        pdf_scan.EMBEDDED_FILES: _("PDF-filen indeholder indlejrede filer og kan ikke bruges."),
        pdf_scan.UNPACKED_TOO_LARGE: _(
            "PDF-filen fylder for meget, når den pakkes ud, og kan ikke bruges."
        ),
        pdf_scan.TOO_COMPLEX: _("PDF-filen er for kompleks til at blive kontrolleret."),
        pdf_scan.UNREADABLE: _("PDF-filen kan ikke læses."),
    }


def check_pdf(stream: IO[bytes]) -> None:
    """Refuse a PDF that cannot be read, is encrypted, or carries active content or files.

    The raw bytes are scanned as well as pypdf's object graph: a viewer repairing the file sees
    objects that the cross-reference table does not list (content/pdf_scan.py).
    """
    data = stream.read()
    stream.seek(0)
    finding = pdf_scan.count_objects(data)
    if finding is None:
        try:
            reader = PdfReader(stream, strict=False)
            if reader.is_encrypted:
                raise _refuse(
                    _("PDF-filen er krypteret eller beskyttet med adgangskode. Gem den uden."),
                    "pdf_encrypted",
                )
            finding = pdf_scan.scan_bytes(data) or pdf_scan.walk_objects(reader)
            if finding is None and len(reader.pages) == 0:
                finding = pdf_scan.UNREADABLE
        except _PDF_PARSE_ERRORS as exc:
            raise _refuse(_("PDF-filen kan ikke læses."), pdf_scan.UNREADABLE) from exc
    if finding is not None:
        raise _refuse(_pdf_refusals()[finding], finding)


def check_upload(
    *,
    stream: IO[bytes],
    size: int,
    max_bytes: int,
    audio_max_bytes: int | None = None,
    audio_max_seconds: int = 0,
) -> CheckedFile:
    """Check size and type of an upload; the stream is left at its start."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    audio_format = audio.sniff(head) if audio_max_bytes is not None else None
    if audio_format is not None:
        max_bytes = audio_max_bytes
    if size > max_bytes:
        raise _refuse(
            _("Filen er for stor. Den må højst fylde %(mb)s MB.")
            % {"mb": round(max_bytes / (1024 * 1024), 1)},
            "file_too_large",
        )
    if size == 0:
        raise _refuse(_("Filen er tom."), "file_empty")
    if audio_format is not None:
        heard = audio.check_audio(stream=stream, format=audio_format, max_seconds=audio_max_seconds)
        return CheckedFile(
            AttachmentKind.AUDIO, heard.content_type, heard.suffix, heard.duration_seconds
        )
    checked = sniff(head)
    if checked is None:
        raise _refuse(
            _(
                "Filtypen understøttes ikke. Brug PDF, PNG, JPEG, GIF, WebP eller lyd "
                "(MP3, M4A, Ogg Opus)."
            ),
            "file_type_unsupported",
        )
    if checked.kind == AttachmentKind.PDF:
        check_pdf(stream)
        stream.seek(0)
    return checked
