"""HTTP Range requests on attachments (RFC 9110 §14), so a phone can seek in a recording."""

import re
from collections.abc import Iterator
from typing import IO

_SINGLE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK_BYTES = 64 * 1024


class Unsatisfiable(Exception):
    """The range lies outside the file: answer 416 with `Content-Range: bytes */size`."""


def parse(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single `bytes=` range; None: send the whole file.

    Several ranges, or a header that is not a byte range, are answered with the whole file,
    as RFC 9110 allows; a range starting past the end is unsatisfiable.
    """
    match = _SINGLE_RANGE.match(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            raise Unsatisfiable
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size:
        raise Unsatisfiable
    if end < start:
        return None
    return start, end


def read_slice(stream: IO[bytes], first: int, last: int) -> Iterator[bytes]:
    """The bytes first..last of the stream, in chunks; closes it at the end."""
    try:
        stream.seek(first)
        remaining = last - first + 1
        while remaining > 0:
            chunk = stream.read(min(CHUNK_BYTES, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        stream.close()
