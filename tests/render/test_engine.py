"""Rendering end to end: real MP4s decoded back with PyAV."""

import itertools
import multiprocessing
import queue
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from bot.render import (
    Aspect,
    Media,
    MediaKind,
    Progress,
    RenderCancelled,
    RenderJob,
    RenderOptions,
    UnreadableMedia,
    render,
)
from bot.render.encoder import AUDIO_BITRATE, VIDEO_BUFSIZE, VIDEO_MAXRATE
from bot.render.engine import pictures
from bot.render.timeline import plan
from tests.render.conftest import TEST_SHORT_SIDE
from tests.render.media import (
    decoded_luma,
    probe,
    render_and_measure,
    top_level_boxes,
    write_photo,
)

MIB = 1024 * 1024


def _options(**changes) -> RenderOptions:
    return RenderOptions(short_side=TEST_SHORT_SIDE, **changes)


def test_photos_and_a_song_make_an_h264_high_aac_mp4(
    photos: list[Path], tone: Path, tmp_path: Path
) -> None:
    job = RenderJob(
        media=tuple(Media(path, MediaKind.PHOTO) for path in photos),
        output=tmp_path / "video.mp4",
        music=tone,
        options=_options(photo_seconds=2.0),
    )
    result = render(job)
    found = probe(result.path)
    assert found.video_codec == "h264"
    assert found.profile == "High"
    assert (found.width, found.height) == (320, 180) == (result.width, result.height)
    assert found.video_seconds == pytest.approx(6.0, abs=0.2)
    assert found.audio_codec == "aac"
    assert found.audio_seconds == pytest.approx(6.0, abs=0.2)
    boxes = top_level_boxes(result.path)
    assert boxes.index("moov") < boxes.index("mdat"), "not faststart"
    assert result.size_bytes == result.path.stat().st_size
    assert list(tmp_path.iterdir()) == [result.path], "a partial file was left behind"


@pytest.mark.parametrize(
    ("aspect", "size"),
    [
        pytest.param(Aspect.LANDSCAPE, (320, 180), id="16:9"),
        pytest.param(Aspect.PORTRAIT, (180, 320), id="9:16"),
        pytest.param(Aspect.SQUARE, (180, 180), id="1:1"),
    ],
)
def test_aspect_sets_the_frame(
    aspect: Aspect, size: tuple[int, int], photos: list[Path], tmp_path: Path
) -> None:
    job = RenderJob(
        media=(Media(photos[1], MediaKind.PHOTO),),
        output=tmp_path / "video.mp4",
        options=_options(aspect=aspect, photo_seconds=1.0),
    )
    found = probe(render(job).path)
    assert (found.width, found.height) == size
    assert found.audio_codec == "aac", "a video without music still has a (silent) track"


def test_full_hd_frame_sizes() -> None:
    assert Aspect.LANDSCAPE.frame_size() == (1920, 1080)
    assert Aspect.PORTRAIT.frame_size() == (1080, 1920)
    assert Aspect.SQUARE.frame_size() == (1080, 1080)


def test_clips_are_trimmed_and_mixed_with_photos(
    photos: list[Path], clip: Path, tone: Path, tmp_path: Path
) -> None:
    job = RenderJob(
        media=(Media(photos[0], MediaKind.PHOTO), Media(clip, MediaKind.CLIP)),
        output=tmp_path / "video.mp4",
        music=tone,
        options=_options(photo_seconds=1.5, clip_seconds=1.0),
    )
    found = probe(render(job).path)
    assert found.video_seconds == pytest.approx(2.5, abs=0.2)
    luma = decoded_luma(job.output)
    # The clip's yellow bar sweeps: its frames differ from each other.
    assert not np.array_equal(luma[-1], luma[-10])


def test_pan_moves_every_frame(photos: list[Path]) -> None:
    job = RenderJob(
        media=(Media(photos[0], MediaKind.PHOTO),),
        output=Path("unused.mp4"),
        options=_options(photo_seconds=2.0),
    )
    lumas = [picture.y.astype(np.int16) for picture in pictures(plan(job), (320, 180))]
    changes = [np.abs(b - a).mean() for a, b in itertools.pairwise(lumas)]
    assert len(changes) == 59
    assert min(changes) > 0.1, "some frame repeats the one before"
    # Constant speed: no frame jumps much further than the typical one.
    assert max(changes) < 2 * np.median(changes)


def test_title_card_with_accents_and_chinese_is_drawn(tmp_path: Path) -> None:
    job = RenderJob(media=(), output=tmp_path / "title.mp4", options=_options(title="Città 夏天"))
    render(job)
    first = decoded_luma(job.output)[0]
    middle = first[60:120, 40:280]
    assert (middle > 180).sum() > 200, "no bright text in the title area"
    assert (first[:30] > 180).sum() == 0


def test_unreadable_photo_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 not a jpeg")
    job = RenderJob(
        media=(Media(broken, MediaKind.PHOTO),), output=tmp_path / "video.mp4", options=_options()
    )
    with pytest.raises(UnreadableMedia) as caught:
        render(job)
    assert caught.value.path == broken
    assert list(tmp_path.iterdir()) == [broken]


def test_cancel_stops_and_leaves_nothing(photos: list[Path], tmp_path: Path) -> None:
    cancel = threading.Event()
    seen: list[Progress] = []

    def on_progress(progress: Progress) -> None:
        seen.append(progress)
        if progress.fraction > 0.2:
            cancel.set()

    job = RenderJob(
        media=tuple(Media(path, MediaKind.PHOTO) for path in photos),
        output=tmp_path / "video.mp4",
        options=_options(),
    )
    with pytest.raises(RenderCancelled):
        render(job, on_progress, cancel)
    assert seen[-1].fraction < 0.5
    assert list(tmp_path.iterdir()) == []


def test_renders_in_a_worker_process_with_progress_and_cancel(
    photos: list[Path], tone: Path, tmp_path: Path
) -> None:
    job = RenderJob(
        media=tuple(Media(path, MediaKind.PHOTO) for path in photos[:2]),
        output=tmp_path / "video.mp4",
        music=tone,
        options=_options(photo_seconds=1.0),
    )
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, ProcessPoolExecutor(1, mp_context=context) as pool:
        updates, cancel = manager.Queue(), manager.Event()
        result = pool.submit(render, job, updates.put, cancel).result(timeout=120)
        progress = []
        while True:
            try:
                progress.append(updates.get_nowait())
            except queue.Empty:
                break
    assert result.path == job.output
    assert probe(result.path).video_seconds == pytest.approx(2.0, abs=0.2)
    fractions = [item.fraction for item in progress]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0


def test_memory_stays_bounded_on_a_huge_photo(tmp_path: Path) -> None:
    """An 8000x6000 JPEG decodes at a fraction of its 192 MB (RGBX) when drawn small."""
    huge = write_photo(tmp_path / "huge.jpg", (8000, 6000))
    job = RenderJob(
        media=(Media(huge, MediaKind.PHOTO),),
        output=tmp_path / "video.mp4",
        options=RenderOptions(short_side=360, photo_seconds=1.0),
    )
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        result, before, after = pool.submit(render_and_measure, job).result(timeout=120)
    assert (result.width, result.height) == (640, 360)
    assert after - before < 64 * MIB, f"grew by {(after - before) / MIB:.0f} MiB"


def test_bitrate_is_capped_so_a_minute_stays_under_50_mb(tmp_path: Path) -> None:
    """Noise is the costliest picture there is: uncapped, CRF would spend far more on it."""
    noisy = write_photo(tmp_path / "noise.jpg", (2400, 1600))
    job = RenderJob(
        media=(Media(noisy, MediaKind.PHOTO),),
        output=tmp_path / "video.mp4",
        options=RenderOptions(photo_seconds=2.0),
    )
    result = render(job)
    # The VBV lets the first buffer's worth (11 Mbit) through on top of the rate.
    allowed = (VIDEO_MAXRATE + AUDIO_BITRATE) * result.seconds / 8 + VIDEO_BUFSIZE / 8
    assert result.size_bytes <= allowed
    assert (VIDEO_MAXRATE + AUDIO_BITRATE) * 60 / 8 + VIDEO_BUFSIZE / 8 < 50_000_000
