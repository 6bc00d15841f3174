"""A clip keeps its own sound in the video: where its pictures are, under the song."""

from pathlib import Path

import numpy as np
import pytest

from bot.render import Media, MediaKind, RenderJob, RenderOptions, render
from bot.render.audio import SAMPLE_RATE, ClipSound, soundtrack
from tests.render.conftest import TEST_SHORT_SIDE
from tests.render.media import loudness, write_clip

# Two photos of 2 s around a clip of 2 s: the clip's slot is 2-4 s; crossfades of 0.5 s
# lead into it from 2 s and out of it from 4 s.
_BEFORE, _DURING, _AFTER = (0.3, 1.7), (2.6, 3.9), (4.6, 5.7)
_CLIP_HZ, _SONG_HZ = 1000.0, 440.0


def _job(photos: list[Path], clip: Path, output: Path, music: Path | None = None) -> RenderJob:
    return RenderJob(
        media=(
            Media(photos[0], MediaKind.PHOTO),
            Media(clip, MediaKind.CLIP),
            Media(photos[1], MediaKind.PHOTO),
        ),
        output=output,
        music=music,
        options=RenderOptions(short_side=TEST_SHORT_SIDE, photo_seconds=2.0),
    )


def test_a_clip_alone_is_heard_under_its_pictures_only(
    photos: list[Path], loud_clip: Path, tmp_path: Path
) -> None:
    result = render(_job(photos, loud_clip, tmp_path / "video.mp4"))
    before, during, after = loudness(result.path, [_BEFORE, _DURING, _AFTER])
    assert during > 0.1  # the 0.3-peak tone, at full level: RMS about 0.21
    assert before < 0.001 and after < 0.001


def test_a_clip_is_mixed_under_the_song(
    photos: list[Path], loud_clip: Path, tone: Path, tmp_path: Path
) -> None:
    result = render(_job(photos, loud_clip, tmp_path / "video.mp4", music=tone))
    windows = [_BEFORE, _DURING, _AFTER]
    clip = loudness(result.path, windows, hertz=_CLIP_HZ)
    song = loudness(result.path, windows, hertz=_SONG_HZ)
    assert clip[1] > 10 * max(clip[0], clip[2])
    assert min(song) > 0.02  # the song plays throughout, at its level
    assert clip[1] < song[1]  # under it, not in front


def test_a_clip_without_sound_is_silent(photos: list[Path], clip: Path, tmp_path: Path) -> None:
    result = render(_job(photos, clip, tmp_path / "video.mp4"))
    assert max(loudness(result.path, [_BEFORE, _DURING, _AFTER])) < 0.001


def test_a_clip_sound_is_trimmed_with_the_clip(photos: list[Path], tmp_path: Path) -> None:
    long_clip = write_clip(tmp_path / "long.mp4", seconds=6.0, tone=_CLIP_HZ)
    job = RenderJob(
        media=(Media(long_clip, MediaKind.CLIP), Media(photos[0], MediaKind.PHOTO)),
        output=tmp_path / "video.mp4",
        options=RenderOptions(short_side=TEST_SHORT_SIDE, clip_seconds=2.0, photo_seconds=2.0),
    )
    result = render(job)
    assert result.seconds == pytest.approx(4.0)
    during, after = loudness(result.path, [(0.2, 1.9), (2.6, 3.5)])
    assert during > 0.1
    assert after < 0.001


def test_a_clip_sound_fades_across_its_crossfades(loud_clip: Path) -> None:
    sound = ClipSound(loud_clip, start=1.0, seconds=2.0, fade_in=0.5, fade_out=0.5)
    samples = np.concatenate([frame.to_ndarray()[0] for frame in soundtrack(None, 4.0, [sound])])
    assert samples.shape == (4 * SAMPLE_RATE,)

    def level(start: float, end: float) -> float:
        part = samples[round(start * SAMPLE_RATE) : round(end * SAMPLE_RATE)]
        return float(np.sqrt(np.mean(part**2)))

    assert level(0.0, 1.0) == 0.0 and level(3.0, 4.0) == 0.0
    assert level(1.0, 1.1) < level(1.2, 1.3) < level(1.4, 1.5) < level(1.6, 2.4)
    assert level(2.9, 3.0) < level(2.7, 2.8) < level(2.5, 2.6) < level(1.6, 2.4)
