"""Audio: MP3 and Ogg Opus checked from their bytes, streamed with Range, podcast episodes.

The machine has no ffmpeg or sox, so the recordings are written here byte by byte, as the
format specifications lay them out: real files that players decode as silence.
- MP3: MPEG-1 Layer III frames, 128 kbit/s, 44.1 kHz, no padding: 144 × 128000 / 44100 = 417
  bytes each, 1152 samples (26.1 ms) each, all-zero side info and main data (silence).
- Ogg Opus (RFC 7845): an OpusHead page, an OpusTags page, then one page of 20 ms packets that
  are a single TOC byte 0xF8 (CELT, fullband, 20 ms, mono, one frame of length 0: silence by
  RFC 6716 §3.2.1); the last granule position is pre-skip + 960 samples per packet.
"""

import io
import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from backend.errors import ApplicationError
from content import files, services
from content.models import Attachment, AttachmentKind, Post

from .conftest import PNG_BYTES, pdf_bytes
from .factories import PostFactory


def mp3_bytes(frames: int) -> bytes:
    header = bytes([0xFF, 0xFB, 0x90, 0x00])  # sync, MPEG-1, Layer III, 128k, 44.1k, stereo
    return (header + bytes(417 - 4)) * frames


def _ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def _ogg_page(packets: list[bytes], *, granule: int, sequence: int, flags: int) -> bytes:
    lacing = b""
    for packet in packets:
        lacing += b"\xff" * (len(packet) // 255) + bytes([len(packet) % 255])
    header = (
        b"OggS"
        + bytes([0, flags])
        + struct.pack("<qIII", granule, 0x0B20, sequence, 0)
        + bytes([len(lacing)])
        + lacing
    )
    page = header + b"".join(packets)
    return page[:22] + struct.pack("<I", _ogg_crc(page)) + page[26:]


def opus_bytes(packets: int, pre_skip: int = 312) -> bytes:
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, pre_skip, 48000, 0, 0)
    vendor = b"bro-test"
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
    return (
        _ogg_page([head], granule=0, sequence=0, flags=0x02)
        + _ogg_page([tags], granule=0, sequence=1, flags=0)
        + _ogg_page([b"\xf8"] * packets, granule=pre_skip + 960 * packets, sequence=2, flags=0x04)
    )


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# (file name, bytes, content type, duration in seconds)
AUDIO_TABLE = [
    # 115 frames × 1152 / 44100 = 3.004 s; mutagen estimates from size and bitrate:
    # 115 × 417 × 8 / 128000 = 2.997 s → 3.
    ("snakmed.mp3", mp3_bytes(115), "audio/mpeg", 3),
    # 200 packets × 20 ms = 4.0 s
    ("oplæsning.opus", opus_bytes(200), "audio/ogg", 4),
]


@pytest.mark.parametrize(("name", "data", "content_type", "seconds"), AUDIO_TABLE)
def test_audio_is_checked_from_its_bytes(org, api, name, data, content_type, seconds):
    post = PostFactory(author=org.comms, publish=False)
    response = api(org.comms).post(
        f"/api/v1/posts/{post.pk}/attachments/",
        {"file": _upload(name, data), "read_aloud": "true"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["content_type"], body["duration_seconds"]) == (
        "audio",
        content_type,
        seconds,
    )
    assert (body["size"], body["read_aloud"]) == (len(data), True)


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("lyd.mp3", PNG_BYTES, None),  # a renamed image is an image, not audio
        ("lyd.mp3", pdf_bytes(), None),  # likewise a PDF
        ("lyd.mp3", b"Hej med dig, det her er tekst.", "file_type_unsupported"),
        ("lyd.opus", b"OggS" + bytes(60), "audio_unreadable"),  # a header and nothing else
        ("lyd.mp3", b"\xff\xfb" + bytes(30), "audio_unreadable"),
    ],
    ids=["png-named-mp3", "pdf-named-mp3", "text-named-mp3", "broken-ogg", "broken-mp3"],
)
def test_a_renamed_or_broken_file_is_not_taken_as_audio(org, api, name, data, code):
    post = PostFactory(author=org.comms, publish=False)
    response = api(org.comms).post(
        f"/api/v1/posts/{post.pk}/attachments/",
        {"file": _upload(name, data), "read_aloud": "true"},
        format="multipart",
    )
    assert response.status_code == 400
    if code is None:  # PDF and PNG pass as themselves, but are no read-aloud recording
        assert response.json()["fields"] == {"read_aloud": ["Kun for lydfiler."]}
    else:
        assert response.json()["code"] == code
    assert Attachment.objects.count() == 0


def test_size_and_length_limits(org, settings):
    post = PostFactory(author=org.comms, publish=False)
    settings.CONTENT_AUDIO_MAX_BYTES = 10_000
    with pytest.raises(ApplicationError) as too_big:
        services.attachment_add(actor=org.comms, post=post, upload=_upload("a.mp3", mp3_bytes(30)))
    settings.CONTENT_AUDIO_MAX_BYTES = 10_000_000
    settings.CONTENT_AUDIO_MAX_SECONDS = 3
    with pytest.raises(ApplicationError) as too_long:
        services.attachment_add(
            actor=org.comms, post=post, upload=_upload("a.opus", opus_bytes(200))
        )
    assert (too_big.value.code, too_long.value.code) == ("file_too_large", "audio_too_long")
    assert Attachment.objects.count() == 0


@pytest.fixture
def episode(org):
    """SnakMed episode 7 for unit A, with its MP3."""
    post = PostFactory(
        author=org.comms,
        title="SnakMed: Nattevagt",
        podcast="SnakMed",
        episode_number=7,
        audience=services.AudienceSpec(units=[(org.unit_a, True)]),
    )
    attachment = services.attachment_add(
        actor=org.comms, post=post, upload=_upload("snakmed-7.mp3", mp3_bytes(115))
    )
    return post, attachment


def test_range_requests_let_a_player_seek(org, api, episode):
    post, attachment = episode
    data = mp3_bytes(115)
    client = api(org.employee)
    url = f"/api/v1/posts/{post.pk}/attachments/{attachment.pk}/"

    whole = client.get(url)
    middle = client.get(url, HTTP_RANGE="bytes=417-833")
    tail = client.get(url, HTTP_RANGE="bytes=-100")
    open_ended = client.get(url, HTTP_RANGE=f"bytes={len(data) - 10}-")
    past_end = client.get(url, HTTP_RANGE=f"bytes={len(data)}-")

    assert (whole.status_code, whole["Accept-Ranges"], whole["Content-Type"]) == (
        200,
        "bytes",
        "audio/mpeg",
    )
    assert b"".join(whole.streaming_content) == data
    assert whole["Content-Disposition"].startswith("inline")
    assert (middle.status_code, middle["Content-Range"], middle["Content-Length"]) == (
        206,
        f"bytes 417-833/{len(data)}",
        "417",
    )
    assert b"".join(middle.streaming_content) == data[417:834]
    assert (tail["Content-Range"], b"".join(tail.streaming_content)) == (
        f"bytes {len(data) - 100}-{len(data) - 1}/{len(data)}",
        data[-100:],
    )
    assert b"".join(open_ended.streaming_content) == data[-10:]
    assert (past_end.status_code, past_end["Content-Range"], past_end.json()["code"]) == (
        416,
        f"bytes */{len(data)}",
        "range_not_satisfiable",
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("employee", 206), ("leader", 206), ("comms", 206), ("other_employee", 404),
     ("other_leader", 404), ("hr", 404)],
)  # fmt: skip
def test_only_the_posts_audience_and_managers_can_fetch_the_audio(org, api, episode, who, status):
    post, attachment = episode
    response = api(getattr(org, who)).get(
        f"/api/v1/posts/{post.pk}/attachments/{attachment.pk}/", HTTP_RANGE="bytes=0-99"
    )
    assert response.status_code == status


def test_the_feed_marks_listenable_posts_and_episodes(org, api, episode):
    post, _attachment = episode
    plain = PostFactory(author=org.comms, title="Uden lyd")
    read_aloud = PostFactory(author=org.comms, title="Læst op")
    services.attachment_add(
        actor=org.comms,
        post=read_aloud,
        upload=_upload("oplæsning.opus", opus_bytes(100)),
        read_aloud=True,
    )
    items = api(org.employee).get("/api/v1/feed/").json()["results"]
    marks = {i["id"]: (i["listenable"], i["podcast"], i["episode_number"]) for i in items}
    assert marks == {
        post.pk: (True, "SnakMed", 7),
        plain.pk: (False, "", None),
        read_aloud.pk: (True, "", None),
    }
    detail = api(org.employee).get(f"/api/v1/posts/{read_aloud.pk}/").json()
    assert [(a["kind"], a["duration_seconds"], a["read_aloud"]) for a in detail["attachments"]] == [
        (AttachmentKind.AUDIO, 2, True)
    ]


def test_an_episode_has_a_podcast_and_a_number_once(org, api, episode):
    client = api(org.comms)
    base = {"kind": "news", "title": "SnakMed", "audience": {"everyone": True}}
    again = client.post("/api/v1/posts/", {**base, "podcast": "SnakMed", "episode_number": 7},
                        format="json")  # fmt: skip
    no_number = client.post("/api/v1/posts/", {**base, "podcast": "SnakMed"}, format="json")
    no_podcast = client.post("/api/v1/posts/", {**base, "episode_number": 8}, format="json")
    next_one = client.post("/api/v1/posts/", {**base, "podcast": "SnakMed", "episode_number": 8},
                           format="json")  # fmt: skip
    assert [r.status_code for r in (again, no_number, no_podcast, next_one)] == [400, 400, 400, 201]
    assert again.json()["fields"] == {"episode_number": ["Den episode findes allerede."]}
    assert no_number.json()["fields"] == {"episode_number": ["En episode har et nummer."]}
    assert list(Post.objects.filter(podcast="SnakMed").values_list("episode_number", flat=True)
                .order_by("episode_number")) == [7, 8]  # fmt: skip


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    prefix=st.sampled_from([b"OggS", b"ID3", b"\xff\xfb", b"\x00\x00\x00\x18ftypM4A "]),
    rest=st.binary(max_size=600),
)
def test_no_bytes_after_an_audio_signature_crash_the_check(prefix, rest):
    # Any input: accepted as audio with a length, or refused with a 400 error, never a crash.
    data = prefix + rest
    try:
        checked = files.check_upload(
            stream=io.BytesIO(data),
            size=len(data),
            max_bytes=1_000_000,
            audio_max_bytes=1_000_000,
            audio_max_seconds=7200,
        )
    except ApplicationError as exc:
        assert exc.status_code == 400
    else:
        assert checked.kind == AttachmentKind.AUDIO and checked.duration_seconds >= 1
