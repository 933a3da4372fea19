"""Find active content in a PDF: JavaScript, launch and submit actions, links to other files,
rich media and embedded files.

Two readings, because a viewer may see more than pypdf does:
- `scan_bytes` reads every byte of the file, whatever its cross-reference table lists: names
  (with `#xx` escapes undone), object streams and XFA packets, decoded under a byte budget.
- `walk_objects` follows pypdf's object graph from the trailer, as a viewer does, where
  actions, annotations, forms and files hang, and reads the XFA packets it finds.

Each returns the first finding it meets (or None); `content.files` turns it into the refusal.
Both are bounded: limits on objects, streams, parser steps and decoded bytes, no recursion.
"""

import base64
import binascii
import re
import zlib

from pypdf import PdfReader
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

JAVASCRIPT = "pdf_javascript"
LAUNCH = "pdf_launch"
SUBMIT_FORM = "pdf_submit_form"
IMPORT_DATA = "pdf_import_data"
LINK_TO_FILE = "pdf_link_to_file"
RICH_MEDIA = "pdf_rich_media"
EMBEDDED_FILES = "pdf_embedded_files"
UNPACKED_TOO_LARGE = "pdf_unpacked_too_large"
TOO_COMPLEX = "pdf_too_complex"
UNREADABLE = "pdf_unreadable"

# Every finding, most dangerous first. A scan reports the first it meets; an XFA packet with
# both a script and a submit is reported in this order.
FINDING_ORDER = (
    JAVASCRIPT,
    LAUNCH,
    SUBMIT_FORM,
    IMPORT_DATA,
    LINK_TO_FILE,
    RICH_MEDIA,
    EMBEDDED_FILES,
)

# Names that mark active content, wherever they stand (key or value). Outside stream data a
# name counts unless a string or comment holds it. The long ones occur nowhere else in a PDF
# and do not turn up by chance in binary data (six fixed bytes and a delimiter), so they are
# also looked for in all stream data, compressed or not; `/JS` and `/EF` are too short for
# that and are looked for outside streams and in decoded object streams only.
_NAME_FINDINGS = {
    "JavaScript": JAVASCRIPT,  # action type /S /JavaScript, and the document's names tree
    "JS": JAVASCRIPT,  # the script of a JavaScript or Rendition action
    "Launch": LAUNCH,
    "SubmitForm": SUBMIT_FORM,
    "ImportData": IMPORT_DATA,
    "GoToR": LINK_TO_FILE,  # go to a destination in another file
    "GoToE": LINK_TO_FILE,  # go to an embedded file
    "RichMedia": RICH_MEDIA,
    "RichMediaContent": RICH_MEDIA,
    "RichMediaExecute": RICH_MEDIA,
    "EmbeddedFiles": EMBEDDED_FILES,  # the document's names tree of files
    "EmbeddedFile": EMBEDDED_FILES,  # the type of an embedded file stream
    "FileAttachment": EMBEDDED_FILES,  # an annotation carrying a file
    "EF": EMBEDDED_FILES,  # the embedded stream of a file specification (also /AF)
}
_SHORT_NAMES = frozenset({"JS", "EF"})
_XFA = "XFA"

# Bounds for a 20 MB upload (UPLOAD_MAX_BYTES). Real documents stay far below them: an
# 8.5 MB, 137-page Chromium PDF has 54,451 objects and 141 streams, takes 29 steps and
# decodes nothing (it has no object streams).
MAX_DECODED_BYTES = 32 * 1024 * 1024  # all streams decoded for the check, together
MAX_STREAMS = 50_000
MAX_PARSER_STEPS = 250_000  # names, strings and comments the scan steps over
MAX_OBJECTS = 200_000  # objects in the file, and objects visited in pypdf's graph
MAX_DEPTH = 64  # nesting of direct objects inside one object
_MAX_FILTERS = 4

_DELIMITER = rb"\x00\t\n\x0c\r ()<>\[\]{}/%"
_NAME_ALTERNATIVES = b"|".join(
    re.escape(name.encode()) for name in sorted([*_NAME_FINDINGS, _XFA], key=len, reverse=True)
)
_LONG_NAME = re.compile(
    rb"/("
    + b"|".join(
        re.escape(name.encode())
        for name in sorted(_NAME_FINDINGS.keys() - _SHORT_NAMES | {_XFA}, key=len, reverse=True)
    )
    + rb")(?=["
    + _DELIMITER
    + rb"]|\Z)"
)
_ESCAPED_NAME = re.compile(rb"/([^" + _DELIMITER + rb"]*#[^" + _DELIMITER + rb"]*)")
_OBJECT_BOUNDARY = rb"endobj|\d+\s+\d+\s+obj\b"
# Outside stream data: the names that matter (a fast pass, every match starts with `/`), and
# what may hold them without being syntax: strings, comments and hex strings (a lone `<`, not
# a dictionary's `<<`).
_CANDIDATE = re.compile(
    rb"/(?:(?P<name>"
    + _NAME_ALTERNATIVES
    + rb")(?=["
    + _DELIMITER
    + rb"]|\Z)|(?P<escaped>[^"
    + _DELIMITER
    + rb"]*#[^"
    + _DELIMITER
    + rb"]*))"
)
_BOUNDARY = re.compile(_OBJECT_BOUNDARY)
_XREF_ROW = re.compile(rb" [nf]\b")
_SKIPPED = re.compile(rb"[(%]|(?<!<)<(?!<)")
_STRING_PART = re.compile(rb"\\.|[()]|" + _OBJECT_BOUNDARY, re.DOTALL)
_COMMENT_END = re.compile(rb"[\r\n]|(?=" + _OBJECT_BOUNDARY + rb")")
_HEX_END = re.compile(rb">|(?=" + _OBJECT_BOUNDARY + rb")")
_FIRST = re.compile(rb"/First\s+(\d+)")
_STREAM = re.compile(rb"\bstream(?:\r\n|\n|\r)")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^" + _DELIMITER + rb"]*)")
_NAME = re.compile(rb"/([^" + _DELIMITER + rb"]*)")
_PREDICTOR = re.compile(rb"/Predictor\s+(\d+)")
# An XFA script element (<script>, <xfa:script …>), and XFA's own submit and web-service calls.
_XFA_SCRIPT = re.compile(rb"<\s*(?:[\w.-]+:)?script[\s>/]", re.IGNORECASE)
_XFA_SUBMIT = re.compile(rb"<\s*(?:[\w.-]+:)?(?:submit|execute)[\s>/]", re.IGNORECASE)
# A link whose address is a script: `/URI (javascript:…)`.
_SCRIPT_URI = re.compile(rb"/URI\s*\(\s*(?:java|vb)script:", re.IGNORECASE)
_SCRIPT_URI_TEXT = re.compile(r"\s*(?:java|vb)script:", re.IGNORECASE)
_IMAGE_FILTERS = frozenset(
    {"DCTDecode", "DCT", "JPXDecode", "CCITTFaxDecode", "CCF", "JBIG2Decode"}
)


class Refused(Exception):
    """Ends the scan: a finding met, a bound hit or an object stream that cannot be decoded."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _unescape(name: bytes) -> str:
    """A name's text with its #xx escapes undone (PDF 1.2+, 7.3.5)."""
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), name).decode("latin-1")


def _first(found: set[str]) -> str | None:
    return next((code for code in FINDING_ORDER if code in found), None)


class _Budget:
    def __init__(self) -> None:
        self.decoded = 0
        self.steps = 0

    def take_bytes(self, count: int) -> None:
        self.decoded += count
        if self.decoded > MAX_DECODED_BYTES:
            raise Refused(UNPACKED_TOO_LARGE)

    def left(self) -> int:
        return MAX_DECODED_BYTES - self.decoded

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_PARSER_STEPS:
            raise Refused(TOO_COMPLEX)


# --- Decoding ---------------------------------------------------------------------------


def _inflate(data: bytes, budget: _Budget, *, strict: bool) -> bytes:
    """Inflate at most the budget's bytes (one byte more proves the bomb)."""
    inflater = zlib.decompressobj()
    limit = budget.left() + 1
    parts, size = [], 0
    for start in range(0, len(data), 65536):
        try:
            part = inflater.decompress(data[start : start + 65536], limit - size)
        except zlib.error as exc:
            if strict:
                raise Refused(UNREADABLE) from exc
            break  # some producers end a stream with bad bytes: keep what came before them
        parts.append(part)
        size += len(part)
        if size >= limit or inflater.unconsumed_tail or inflater.eof:
            break
    budget.take_bytes(size)
    return b"".join(parts)


def _ascii_hex(data: bytes) -> bytes:
    digits = re.sub(rb"[^0-9A-Fa-f]", b"", data.split(b">", 1)[0])
    return binascii.unhexlify(digits + b"0" * (len(digits) % 2))


def _ascii85(data: bytes) -> bytes:
    body = data.split(b"~>", 1)[0]
    body = body[2:] if body.lstrip().startswith(b"<~") else body
    return base64.a85decode(re.sub(rb"\s", b"", body).replace(b"<~", b""))


def _run_length(data: bytes, budget: _Budget) -> bytes:
    out = bytearray()
    index = 0
    limit = budget.left()
    while index < len(data) and len(out) <= limit:
        budget.step()
        length = data[index]
        if length == 128:
            break
        if length < 128:
            out += data[index + 1 : index + 2 + length]
            index += length + 2
        else:
            out += data[index + 1 : index + 2] * (257 - length)
            index += 2
    budget.take_bytes(len(out))
    return bytes(out)


def _lzw(data: bytes, budget: _Budget) -> bytes:
    from pypdf._codecs._codecs import LzwCodec

    try:
        out = LzwCodec(max_output_length=budget.left() + 1).decode(data)
    except LimitReachedError as exc:
        raise Refused(UNPACKED_TOO_LARGE) from exc
    except (ValueError, IndexError, KeyError, PyPdfError) as exc:
        raise Refused(UNREADABLE) from exc
    budget.take_bytes(len(out))
    return out


def _filters(dictionary: bytes) -> list[str]:
    match = _FILTER.search(dictionary)
    if not match:
        return []
    return [_unescape(name) for name in _NAME.findall(match[1])]


def _decode(
    data: bytes, filters: list[str], budget: _Budget, *, strict: bool = False
) -> bytes | None:
    """The stream's decoded bytes, or None when a filter is one we do not decode."""
    if len(filters) > _MAX_FILTERS:
        raise Refused(TOO_COMPLEX)
    for name in filters:
        if name in ("FlateDecode", "Fl"):
            data = _inflate(data, budget, strict=strict)
        elif name in ("ASCIIHexDecode", "AHx"):
            data = _ascii_hex(data)
            budget.take_bytes(len(data))
        elif name in ("ASCII85Decode", "A85"):
            data = _ascii85(data)
            budget.take_bytes(len(data))
        elif name in ("RunLengthDecode", "RL"):
            data = _run_length(data, budget)
        elif name in ("LZWDecode", "LZW"):
            data = _lzw(data, budget)
        else:
            return None
    return data


# --- Reading bytes ----------------------------------------------------------------------


class _Names:
    """What the names read so far add up to: whether the file has an XFA form; the first
    finding ends the scan (a hostile file full of them costs no more than one)."""

    def __init__(self) -> None:
        self.xfa = False

    def add(self, name: str) -> None:
        if name == _XFA:
            self.xfa = True
        elif name in _NAME_FINDINGS:
            raise Refused(_NAME_FINDINGS[name])

    def add_findings(self, findings: set[str]) -> None:
        if findings:
            raise Refused(_first(findings))


def _names_in_binary(data: bytes, start: int, end: int, names: _Names, budget: _Budget) -> None:
    """Long and escaped names in stream data, read as bytes: no strings to step over there."""
    for match in _LONG_NAME.finditer(data, start, end):
        budget.step()
        names.add(match[1].decode("latin-1"))
    for match in _ESCAPED_NAME.finditer(data, start, end):
        budget.step()
        name = _unescape(match[1])
        if name not in _SHORT_NAMES:
            names.add(name)


def _names_in_syntax(data: bytes, start: int, end: int, names: _Names, budget: _Budget) -> None:
    """Every name that matters in data[start:end], unless it stands in a string or comment.

    Names are found first (one fast pass); only for one that matters is its object read, from
    its start, to see whether a string or comment holds it. Reading every string of a
    54,000-object file took seconds; this takes milliseconds. Each object is read once however
    many names it holds.
    """
    cursor, previous = start, start
    for match in _CANDIDATE.finditer(data, start, end):
        budget.step()
        name = match["name"].decode("latin-1") if match["name"] else _unescape(match["escaped"])
        if name != _XFA and name not in _NAME_FINDINGS:
            continue
        boundary = None
        for boundary in _BOUNDARY.finditer(data, previous, match.start()):  # noqa: B007
            pass
        previous = match.start()
        if boundary is not None:
            cursor = boundary.end()
        if cursor <= match.start():
            cursor = _read_to(data, cursor, match.start(), budget)
        if cursor <= match.start():
            names.add(name)


def _read_to(data: bytes, position: int, target: int, budget: _Budget) -> int:
    """Step over strings, hex strings and comments from position towards target; the position
    reached is past target when target lies inside one of them.

    A string or comment also ends where an object starts or ends (`N G obj`, `endobj`), so one
    cannot hide the objects after it: a cross-reference offset may point into the middle of it.
    """
    while position < target:
        match = _SKIPPED.search(data, position, target)
        if match is None:
            return target
        budget.step()
        if match[0] == b"(":
            position = _string_end(data, match.end(), len(data), budget)
        else:
            stop = (_COMMENT_END if match[0] == b"%" else _HEX_END).search(data, match.end())
            position = stop.end() if stop else len(data)
    return position


def _string_end(data: bytes, position: int, end: int, budget: _Budget) -> int:
    """Where the literal string that opened before position ends (nested, escaped)."""
    depth = 1
    while depth:
        match = _STRING_PART.search(data, position, end)
        if match is None:
            return end
        budget.step()
        if match[0] == b"(":
            depth += 1
        elif match[0] == b")":
            depth -= 1
        elif not match[0].startswith(b"\\"):
            return match.start()  # an object boundary
        position = match.end()
    return position


def _streams(data: bytes) -> list[tuple[int, int, int]]:
    """(dictionary start, data start, data end) of every stream, found by its keywords."""
    streams: list[tuple[int, int, int]] = []
    position = 0
    while True:
        keyword = _STREAM.search(data, position)
        if keyword is None:
            return streams
        if len(streams) >= MAX_STREAMS:
            raise Refused(TOO_COMPLEX)
        end = data.find(b"endstream", keyword.end())
        end = len(data) if end == -1 else end
        # The stream's dictionary: from its object header (at most 64 KB back) to the keyword.
        window = max(streams[-1][2] if streams else 0, keyword.start() - 65536)
        header = data.rfind(b"obj", window, keyword.start())
        dictionary_start = header + 3 if header != -1 else window
        streams.append((dictionary_start, keyword.end(), end))
        position = end


def _object_stream(dictionary: bytes, content: bytes, names: _Names, budget: _Budget) -> None:
    """Read each object of an object stream from its own offset, as a viewer does."""
    first = _FIRST.search(dictionary)
    if first is None or int(first[1]) > len(content):
        raise Refused(UNREADABLE)
    first = int(first[1])
    numbers = content[:first].split()
    if len(numbers) % 2 or not all(number.isdigit() for number in numbers):
        raise Refused(UNREADABLE)
    starts = sorted({min(first + int(offset), len(content)) for offset in numbers[1::2]})
    for start, end in zip([first, *starts], [*starts, len(content)], strict=True):
        _names_in_syntax(content, start, end, names, budget)
    if _SCRIPT_URI.search(content):
        raise Refused(JAVASCRIPT)


def count_objects(data: bytes) -> str | None:
    """TOO_COMPLEX when the file has more objects than the check reads; run before pypdf,
    whose cross-reference parsing costs ~25 µs an entry (7.5 s for 300,000 on a loaded
    machine). Counted roughly and fast: `obj` twice an object, ` n`/` f` once an xref row."""
    if data.count(b"obj") > 2 * MAX_OBJECTS or len(_XREF_ROW.findall(data)) > MAX_OBJECTS:
        return TOO_COMPLEX
    return None


def scan_bytes(data: bytes) -> str | None:
    """The first finding in the file's bytes, listed in the cross-reference table or not."""
    budget = _Budget()
    names = _Names()
    try:
        if _SCRIPT_URI.search(data):
            raise Refused(JAVASCRIPT)
        streams = _streams(data)
        position = 0
        for _dictionary_start, data_start, data_end in [*streams, (0, len(data), len(data))]:
            _names_in_syntax(data, position, data_start, names, budget)
            _names_in_binary(data, data_start, data_end, names, budget)
            position = data_end
        others = []
        for dictionary_start, data_start, data_end in streams:
            dictionary = data[dictionary_start:data_start]
            if "ObjStm" not in {_unescape(name) for name in _NAME.findall(dictionary)}:
                others.append((dictionary, data_start, data_end))
                continue
            predictor = _PREDICTOR.search(dictionary)
            content = _decode(data[data_start:data_end], _filters(dictionary), budget, strict=True)
            if content is None or (predictor and int(predictor[1]) > 1):
                # No producer writes objects through a predictor or an image filter.
                raise Refused(UNREADABLE)
            _object_stream(dictionary, content, names, budget)
        if names.xfa:
            # The form's XML packets are plain streams: read each one a viewer could parse.
            for dictionary, data_start, data_end in others:
                filters = _filters(dictionary)
                if _IMAGE_FILTERS & set(filters):
                    continue
                content = _decode(data[data_start:data_end], filters, budget)
                if content is not None:
                    names.add_findings(_xfa_findings(content))
    except Refused as refused:
        return refused.code
    except ValueError:  # binascii.Error included
        return UNREADABLE
    return None


def _xfa_findings(packet: bytes) -> set[str]:
    found = set()
    if _XFA_SCRIPT.search(packet):
        found.add(JAVASCRIPT)
    if _XFA_SUBMIT.search(packet):
        found.add(SUBMIT_FORM)
    return found


# --- Walking pypdf's graph --------------------------------------------------------------


def _name_finding(value) -> str | None:
    if isinstance(value, NameObject):
        return _NAME_FINDINGS.get(value[1:])
    return None


def _is_script_uri(value) -> bool:
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return isinstance(value, str) and bool(_SCRIPT_URI_TEXT.match(value))


def _xfa_packets(value) -> list[StreamObject]:
    value = value.get_object()
    if isinstance(value, StreamObject):
        return [value]
    if isinstance(value, ArrayObject):
        return [
            item.get_object() for item in value[1::2] if isinstance(item.get_object(), StreamObject)
        ]
    return []


# Entries that hold no action, annotation or file, and lead into the big parts of a file
# (structure tree, fonts, content streams, back-links): not followed. Tagged PDFs from
# Chromium keep most of their objects in the structure tree; a 137-page one has 54,000. What
# these entries hold is still read by scan_bytes.
_NOT_FOLLOWED = frozenset(
    {
        "/StructTreeRoot",
        "/Resources",
        "/Contents",
        "/Metadata",
        "/Parent",
        "/P",
        "/Thumb",
        "/PieceInfo",
        "/Dests",
        "/Threads",
    }
)


def walk_objects(reader: PdfReader) -> str | None:
    """The first finding among the objects pypdf reaches from the trailer, as a viewer does;
    pypdf's parse errors pass through."""
    visited: set[tuple[int, int]] = set()
    pending: list[tuple[object, int]] = [(reader.trailer, 0)]
    while pending:
        obj, depth = pending.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in visited:
                continue
            visited.add(key)
            if len(visited) > MAX_OBJECTS:
                return TOO_COMPLEX
            obj, depth = reader.get_object(obj), 0
        if depth > MAX_DEPTH:
            return TOO_COMPLEX
        if isinstance(obj, DictionaryObject):
            items = obj.items()
        elif isinstance(obj, ArrayObject):
            items = ((None, value) for value in obj)
        else:
            continue
        for key, value in items:
            finding = _name_finding(key) or _name_finding(value) or _action_finding(key, value)
            if finding:
                return finding
            if key not in _NOT_FOLLOWED:
                pending.append((value, depth + 1))
    return None


def _action_finding(key, value) -> str | None:
    """What an XFA form's packets or a link's address carry."""
    if key == "/XFA":
        try:
            return _first(set().union(*(_xfa_findings(p.get_data()) for p in _xfa_packets(value))))
        except LimitReachedError:
            return UNPACKED_TOO_LARGE
    if key == "/URI" and _is_script_uri(value.get_object()):
        return JAVASCRIPT
    return None
