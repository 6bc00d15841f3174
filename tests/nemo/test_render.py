"""Export: submit, poll (both shapes), wait, download (CDN or proxy)."""

import re
import time

import pytest

from bot.nemo import (
    ExportNotAllowed,
    NemoAPIError,
    NemoUnavailable,
    RenderFailed,
    RenderPhase,
    SessionNotFound,
)
from tests.fakes.nemo import SAMPLE_MP4
from tests.nemo.support import collect, make_client

PHASE_ORDER = [RenderPhase.PENDING, RenderPhase.PROCESSING, RenderPhase.COMPLETED]


@pytest.fixture
async def draft(client, session):
    await collect(client, session.session_id, "crea un video")
    return (await client.state(session.session_id)).draft


def _submitted(nemo):
    return [r.json for r in nemo.requests_to("POST", "/api/render/proxy/lambda")]


async def test_submit_sends_the_documented_body(nemo, client, session, draft):
    render_id = await client.submit_render(session.session_id, draft)

    assert re.fullmatch(r"render_\d{13}", render_id)
    assert _submitted(nemo) == [
        {
            "id": render_id,
            "sessionId": session.session_id,
            "draft": draft,
            "output": {"format": "mp4", "quality": "high"},
        }
    ]


async def test_every_render_gets_a_new_id(client, session, draft):
    ids = [await client.submit_render(session.session_id, draft) for _ in range(3)]

    assert len(set(ids)) == 3 and ids == sorted(ids)


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param({"status": 503}, id="5xx"),
        pytest.param({"status": 200, "message": "lambda busy"}, id="success-false"),
    ],
)
async def test_a_failed_submission_is_retried_once_under_a_new_id(
    nemo, client, session, draft, failure
):
    nemo.fail_next("POST", "/api/render/proxy/lambda", **failure)

    render_id = await client.submit_render(session.session_id, draft)

    first, second = _submitted(nemo)
    assert first["id"] != second["id"] == render_id
    assert render_id in nemo.renders


async def test_a_submission_failing_twice_raises(nemo, client, session, draft):
    nemo.fail_next("POST", "/api/render/proxy/lambda", status=502, times=2)

    with pytest.raises(NemoUnavailable):
        await client.submit_render(session.session_id, draft)

    assert len(_submitted(nemo)) == 2


async def test_a_plan_without_export_is_not_retried(nemo, client, session, draft):
    nemo.fail_next("POST", "/api/render/proxy/lambda", status=402, message="upgrade")

    with pytest.raises(ExportNotAllowed):
        await client.submit_render(session.session_id, draft)

    assert len(_submitted(nemo)) == 1


async def test_a_render_of_a_forgotten_session(nemo, client, session, draft):
    nemo.forget_session(session.session_id)

    with pytest.raises(SessionNotFound):
        await client.submit_render(session.session_id, draft)


@pytest.mark.parametrize("shape", ["gateway", "flat"])
async def test_wait_reports_progress_in_order_and_returns_the_video(
    nemo, client, session, draft, shape
):
    nemo.render_shape = shape
    nemo.render_seconds = 0.5
    render_id = await client.submit_render(session.session_id, draft)
    seen = []

    async def on_progress(status):
        seen.append(status)

    done = await client.wait_for_render(render_id, on_progress)

    assert done.phase is RenderPhase.COMPLETED and done.progress == 100
    assert done.output_url.endswith(f"/cdn/{render_id}.mp4")
    if shape == "flat":
        assert (done.size, done.duration) == (SAMPLE_MP4.stat().st_size, 1.5)
    phases = [PHASE_ORDER.index(s.phase) for s in seen]
    assert phases == sorted(phases) and seen[-1] == done
    progress = [s.progress for s in seen if s.phase is RenderPhase.PROCESSING]
    assert progress and progress == sorted(progress)
    assert len(seen) == len(set(seen))  # only changes are reported


async def test_polling_backs_off_instead_of_hammering(nemo, client, session, draft):
    nemo.render_seconds = 1.0
    render_id = await client.submit_render(session.session_id, draft)

    await client.wait_for_render(render_id)

    polls = nemo.requests_to("GET", f"/api/render/proxy/lambda/{render_id}")
    completed_at = nemo.mark_completed_at[render_id]
    # A fixed 20 ms poll would ask 50 times; the first interval is 20 ms here.
    assert len(polls) < 20
    assert [p.time >= completed_at for p in polls].count(True) == 1


async def test_a_failed_render_raises_with_its_reason(nemo, client, session, draft):
    nemo.render_seconds = 0.1
    nemo.fail_next_render("out of memory")
    render_id = await client.submit_render(session.session_id, draft)

    with pytest.raises(RenderFailed) as caught:
        await client.wait_for_render(render_id)

    assert caught.value.reason == "out of memory"
    assert caught.value.render_id == render_id


async def test_poll_errors_are_retried_on_the_same_id(nemo, client, session, draft):
    nemo.render_seconds = 0.2
    render_id = await client.submit_render(session.session_id, draft)
    nemo.fail_next("GET", "/api/render/proxy/lambda/", status=503, times=6)

    done = await client.wait_for_render(render_id)

    assert done.phase is RenderPhase.COMPLETED
    paths = {r.path for r in nemo.requests_to("GET", "/api/render/proxy/lambda/")}
    assert paths == {f"/api/render/proxy/lambda/{render_id}"}
    assert len(_submitted(nemo)) == 1


async def test_polling_gives_up_when_polls_keep_failing(nemo, client, session, draft):
    render_id = await client.submit_render(session.session_id, draft)
    nemo.fail_next("GET", "/api/render/proxy/lambda/", status=503, times=1000)

    with pytest.raises(NemoUnavailable):
        await client.wait_for_render(render_id)


async def test_an_unknown_render_id(client):
    with pytest.raises(NemoAPIError) as caught:
        await client.render_status("render_1")

    assert caught.value.status == 404


async def _finished(nemo, client, session, draft):
    nemo.render_seconds = 0.05
    render_id = await client.submit_render(session.session_id, draft)
    return await client.wait_for_render(render_id)


async def test_download_from_a_foreign_cdn_sends_none_of_our_headers(
    nemo, client, session, draft, tmp_path
):
    nemo.cdn_host = "localhost"
    done = await _finished(nemo, client, session, draft)
    target = tmp_path / "video.mp4"

    size = await client.download(done.output_url, done.render_id, target)

    assert target.read_bytes() == SAMPLE_MP4.read_bytes() and size == target.stat().st_size
    (fetch,) = nemo.requests_to("GET", "/cdn/")
    assert fetch.host.startswith("localhost:")
    assert not {"authorization", "x-skill-source", "x-skill-version"} & set(fetch.headers)


async def test_download_from_the_nemo_host_keeps_our_headers(
    nemo, client, session, draft, tmp_path
):
    done = await _finished(nemo, client, session, draft)

    await client.download(done.output_url, done.render_id, tmp_path / "v.mp4")

    (fetch,) = nemo.requests_to("GET", "/cdn/")
    assert fetch.headers["authorization"].startswith("Bearer ")
    assert fetch.headers["x-skill-source"] == "italiano-photo-video-maker"


async def test_download_through_the_proxy_when_no_url_comes(
    nemo, client, session, draft, tmp_path
):
    nemo.render_without_url = True
    done = await _finished(nemo, client, session, draft)
    target = tmp_path / "v.mp4"

    await client.download(done.output_url, done.render_id, target)

    assert done.output_url is None
    assert target.read_bytes() == SAMPLE_MP4.read_bytes()
    (fetch,) = nemo.requests_to("GET", f"/api/render/proxy/{done.render_id}/download")
    assert fetch.headers["authorization"].startswith("Bearer ")


async def test_download_of_a_big_video_streams_to_disk(nemo, client, session, draft, tmp_path):
    nemo.video_size_override = 60 * 1024 * 1024
    done = await _finished(nemo, client, session, draft)
    target = tmp_path / "big.mp4"

    size = await client.download(done.output_url, done.render_id, target)

    assert size == target.stat().st_size == 60 * 1024 * 1024
    assert target.read_bytes()[:8] == SAMPLE_MP4.read_bytes()[:8]


async def test_download_is_retried_on_5xx(nemo, client, session, draft, tmp_path):
    done = await _finished(nemo, client, session, draft)
    nemo.fail_next("GET", "/cdn/", status=503, times=2)

    await client.download(done.output_url, done.render_id, tmp_path / "v.mp4")

    assert nemo.count("GET", "/cdn/") == 3


async def test_a_download_that_keeps_failing_leaves_no_file(
    nemo, client, session, draft, tmp_path
):
    done = await _finished(nemo, client, session, draft)
    nemo.fail_next("GET", "/cdn/", status=503, times=100)
    target = tmp_path / "v.mp4"

    with pytest.raises(NemoUnavailable):
        await client.download(done.output_url, done.render_id, target)

    assert not target.exists()


@pytest.mark.parametrize("announced", [True, False], ids=["content-length", "no-size-announced"])
async def test_a_download_over_the_limit_stops_and_leaves_no_file(
    nemo, client, session, draft, tmp_path, announced
):
    nemo.video_size_override = 60 * 1024 * 1024
    nemo.video_without_length = not announced
    done = await _finished(nemo, client, session, draft)
    target = tmp_path / "v.mp4"

    size = await client.download(done.output_url, done.render_id, target, max_bytes=5_000_000)

    assert size > 5_000_000
    assert not target.exists()
    assert nemo.video_bytes_sent < 30 * 1024 * 1024  # stopped, not fetched whole


async def test_a_download_under_the_limit_is_kept_whole(nemo, client, session, draft, tmp_path):
    nemo.video_without_length = True
    done = await _finished(nemo, client, session, draft)
    target = tmp_path / "v.mp4"

    size = await client.download(done.output_url, done.render_id, target, max_bytes=5_000_000)

    assert target.read_bytes() == SAMPLE_MP4.read_bytes() and size == target.stat().st_size


async def test_a_download_has_an_overall_time_limit(nemo, store, session, draft, tmp_path):
    nemo.video_size_override = 20 * 1024 * 1024
    nemo.video_chunk_seconds = 0.1  # each MiB a tenth of a second apart: never idle
    target = tmp_path / "v.mp4"
    async with make_client(nemo, store, timeouts={"download_total": 0.5}) as slow:
        done = await _finished(nemo, slow, session, draft)
        started = time.monotonic()
        with pytest.raises(NemoUnavailable, match="took over"):
            await slow.download(done.output_url, done.render_id, target)

    assert time.monotonic() - started < 1.5
    assert not target.exists()
