"""Uploads: files streamed as multipart field `files`, and links by URL."""

import os

import pytest

from bot.nemo import FileTooLarge, SessionNotFound, UnsupportedFile
from tests.nemo.support import BytesSource


def _files(nemo):
    return nemo.requests_to("POST", "/api/upload-video/")[-1].files


async def test_several_files_arrive_whole_and_in_order(nemo, client, session):
    sources = [
        BytesSource("mare.jpg", os.urandom(300_000), "image/jpeg"),
        BytesSource("clip.mp4", os.urandom(1_000_003), "video/mp4", chunk=65_536),
        BytesSource("voce.m4a", b"x", "audio/mp4"),
    ]

    result = await client.upload_files(session.session_id, [s.source() for s in sources])

    received = _files(nemo)
    assert [(p.field, p.filename, p.content_type) for p in received] == [
        ("files", "mare.jpg", "image/jpeg"),
        ("files", "clip.mp4", "video/mp4"),
        ("files", "voce.m4a", "audio/mp4"),
    ]
    assert [(p.size, p.sha256) for p in received] == [(len(s.content), s.sha256) for s in sources]
    assert [(f.filename, f.file_type) for f in result.files] == [
        ("mare.jpg", "image"),
        ("clip.mp4", "video"),
        ("voce.m4a", "audio"),
    ]
    assert result.session_state_applied
    assert len(nemo.sessions[session.session_id].uploads) == 3


async def test_known_sizes_give_a_content_length(nemo, client, session):
    photo = BytesSource("a.png", os.urandom(70_000))

    await client.upload_files(session.session_id, [photo.source()])

    headers = nemo.requests_to("POST", "/api/upload-video/")[0].headers
    assert "transfer-encoding" not in headers
    assert int(headers["content-length"]) > len(photo.content)


async def test_unknown_sizes_are_sent_chunked(nemo, client, session):
    clip = BytesSource("b.webm", os.urandom(200_000), declare_size=False)

    await client.upload_files(session.session_id, [clip.source()])

    headers = nemo.requests_to("POST", "/api/upload-video/")[0].headers
    assert headers.get("transfer-encoding") == "chunked"
    assert [(p.size, p.sha256) for p in _files(nemo)] == [(len(clip.content), clip.sha256)]


async def test_odd_file_names_do_not_break_the_body(nemo, client, session):
    odd = BytesSource('vacanze "mare"\r\nè.jpg', os.urandom(10))

    await client.upload_files(session.session_id, [odd.source()])

    (part,) = _files(nemo)
    assert part.filename == "vacanze %22mare%22%0D%0Aè.jpg"
    assert part.sha256 == odd.sha256


async def test_an_empty_file_is_still_a_part(nemo, client, session):
    empty = BytesSource("vuoto.mp3", b"")

    await client.upload_files(session.session_id, [empty.source()])

    assert [p.size for p in _files(nemo)] == [0]


async def test_a_source_longer_than_declared_is_refused(client, session):
    liar = BytesSource("a.jpg", b"12345")
    source = liar.source()
    short = type(source)(source.filename, source.content_type, source.open, 3)

    with pytest.raises(ValueError, match="longer than its declared size"):
        await client.upload_files(session.session_id, [short])


async def test_an_unsupported_file_is_refused_with_4001(client, session):
    notes = BytesSource("notes.txt", b"hello")

    with pytest.raises(UnsupportedFile) as caught:
        await client.upload_files(session.session_id, [notes.source()])

    assert caught.value.code == 4001


async def test_a_file_over_the_limit_is_refused_with_4002(nemo, client, session):
    nemo.max_upload_bytes = 1000
    clip = BytesSource("long.mov", os.urandom(1001))

    with pytest.raises(FileTooLarge) as caught:
        await client.upload_files(session.session_id, [clip.source()])

    assert caught.value.code == 4002


async def test_an_upload_to_a_forgotten_session(nemo, client, session):
    nemo.forget_session(session.session_id)

    with pytest.raises(SessionNotFound):
        await client.upload_files(session.session_id, [BytesSource("a.jpg", b"1").source()])


async def test_upload_by_url(nemo, client, session):
    urls = ["https://example.org/a/tramonto.jpg", "https://example.org/b/ballo.mp4"]

    result = await client.upload_urls(session.session_id, urls)

    body = nemo.requests_to("POST", "/api/upload-video/")[0].json
    assert body == {"urls": urls, "source_type": "url"}
    assert [(f.filename, f.file_type) for f in result.files] == [
        ("tramonto.jpg", "image"),
        ("ballo.mp4", "video"),
    ]
    assert all(f.cdn_url.startswith("http") for f in result.files)


async def test_upload_of_an_unsupported_url(client, session):
    with pytest.raises(UnsupportedFile):
        await client.upload_urls(session.session_id, ["https://example.org/doc.pdf"])


async def test_an_upload_needs_a_source(client, session):
    with pytest.raises(ValueError, match="at least one"):
        await client.upload_files(session.session_id, [])
