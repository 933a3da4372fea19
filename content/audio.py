"""Audio attachments: type and duration read from the bytes with mutagen, never from the name."""

import struct
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from mutagen import MutagenError
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus

from backend.errors import ApplicationError

# Broken files make mutagen raise its own errors and, on some inputs, plain Python ones
# (an Ogg page with "OggS" and nothing after it: IndexError).
_PARSE_ERRORS = (
    MutagenError,
    ValueError,
    EOFError,
    OverflowError,
    IndexError,
    KeyError,
    TypeError,
    struct.error,
)


@dataclass(frozen=True)
class CheckedAudio:
    content_type: str
    suffix: str
    duration_seconds: int


def _refuse(message: str, code: str) -> ApplicationError:
    return ApplicationError(message, code=code, fields={"file": [message]})


def sniff(head: bytes) -> str | None:
    """'mp3', 'm4a' or 'opus' from the first bytes, or None."""
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head.startswith(b"OggS"):
        return "opus"
    return None


def check_audio(*, stream: IO[bytes], format: str, max_seconds: int) -> CheckedAudio:
    """Parse the file as `format`; refuse what does not parse, has no length or runs too long."""
    stream.seek(0)
    try:
        if format == "mp3":
            audio, content_type, suffix = MP3(fileobj=stream), "audio/mpeg", ".mp3"
        elif format == "m4a":
            audio, content_type, suffix = MP4(fileobj=stream), "audio/mp4", ".m4a"
            if not str(getattr(audio.info, "codec", "")).startswith("mp4a"):
                raise _refuse(_("M4A-filen skal indeholde AAC-lyd."), "audio_unsupported")
        else:
            audio, content_type, suffix = OggOpus(fileobj=stream), "audio/ogg", ".opus"
    except _PARSE_ERRORS as exc:
        raise _refuse(_("Lydfilen kan ikke læses."), "audio_unreadable") from exc
    finally:
        stream.seek(0)
    length = float(getattr(audio.info, "length", 0) or 0)
    if length <= 0:
        raise _refuse(_("Lydfilen har ingen lyd."), "audio_unreadable")
    if length > max_seconds:
        raise _refuse(
            _("Optagelsen er for lang. Den må højst vare %(minutes)s minutter.")
            % {"minutes": max_seconds // 60},
            "audio_too_long",
        )
    return CheckedAudio(content_type, suffix, max(1, round(length)))
