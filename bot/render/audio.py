"""The soundtrack: the song and the clips' own sound, mixed, trimmed to the video, faded.

A video always carries an AAC track, so players and Telegram treat every render alike;
with no song and no clip sound it is silence. A clip's sound plays under its pictures,
trimmed with them and faded in and out over the same crossfades, and is mixed under the
song when there is one; a clip without sound is silent there. Every source is decoded
and resampled a frame at a time and never held whole: only the samples the video lasts
are ever produced, one block at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.stream import Stream

from bot.render.errors import UnreadableMedia

SAMPLE_RATE = 48_000
LAYOUT = "stereo"
FADE_OUT_SECONDS = 2.0
# A sound cut mid-waveform clicks; a few milliseconds of fade take the click away.
DECLICK_SECONDS = 0.02
# Under the song a clip's sound is heard, not in front: the song is what was chosen.
CLIP_UNDER_MUSIC = 0.6
_BLOCK = 4096  # samples per frame


@dataclass(frozen=True)
class ClipSound:
    """A clip's own sound: where it plays in the video and how it fades, in seconds."""

    path: Path
    start: float
    seconds: float
    fade_in: float
    fade_out: float


def soundtrack(
    music: Path | None, seconds: float, clips: Iterable[ClipSound] = ()
) -> Iterator[av.AudioFrame]:
    """Planar float stereo frames at 48 kHz lasting exactly ``seconds``.

    Raises UnreadableMedia when the song cannot be decoded; a clip whose sound cannot be
    decoded is silent, as its pictures are what it is there for.
    """
    total = round(seconds * SAMPLE_RATE)
    song = _Samples(_song(music)) if music is not None else None
    music_gain = _Gain(0, total, fade_in=_samples(DECLICK_SECONDS), fade_out=0)
    ending = _Gain(0, total, fade_in=0, fade_out=min(_samples(FADE_OUT_SECONDS), total // 3))
    waiting = sorted(clips, key=lambda clip: clip.start)
    playing: list[_Playing] = []
    clip_gain = CLIP_UNDER_MUSIC if music is not None else 1.0
    produced = 0
    while produced < total:
        size = min(_BLOCK, total - produced)
        mix = np.zeros((2, size), dtype=np.float32)
        if song is not None:
            mix += song.take(size) * music_gain.over(produced, size)
        while waiting and _samples(waiting[0].start) < produced + size:
            playing.append(_Playing(waiting.pop(0)))
        for clip in playing:
            clip.add_to(mix, produced, clip_gain)
        playing = [clip for clip in playing if clip.end > produced + size]
        mix *= ending.over(produced, size)
        yield _frame(np.clip(mix, -1.0, 1.0), produced)
        produced += size


class _Gain:
    """A gain over samples ``start`` to ``end``: ramps up, holds at 1, ramps down."""

    def __init__(self, start: int, end: int, *, fade_in: int, fade_out: int) -> None:
        self._start, self._end = start, end
        self._fade_in, self._fade_out = max(1, fade_in), max(1, fade_out)

    def over(self, first: int, count: int) -> np.ndarray:
        positions = np.arange(first, first + count, dtype=np.float32)
        return np.minimum(
            np.clip((positions - self._start) / self._fade_in, 0.0, 1.0),
            np.clip((self._end - positions) / self._fade_out, 0.0, 1.0),
        ).astype(np.float32)


class _Playing:
    """A clip's sound while the video is at it, read a block at a time."""

    def __init__(self, clip: ClipSound) -> None:
        self.start = _samples(clip.start)
        self.end = self.start + _samples(clip.seconds)
        self._gain = _Gain(
            self.start,
            self.end,
            fade_in=max(_samples(clip.fade_in), _samples(DECLICK_SECONDS)),
            fade_out=max(_samples(clip.fade_out), _samples(DECLICK_SECONDS)),
        )
        self._samples = _Samples(_clip_sound(clip.path))

    def add_to(self, mix: np.ndarray, first: int, gain: float) -> None:
        """Add the clip's samples that fall in the block starting at sample ``first``."""
        begin, end = max(first, self.start), min(first + mix.shape[1], self.end)
        if end > begin:
            sound = self._samples.take(end - begin) * self._gain.over(begin, end - begin)
            mix[:, begin - first : end - first] += gain * sound


class _Samples:
    """Exactly as many samples as asked for, from blocks of any size; silence past them."""

    def __init__(self, blocks: Iterator[np.ndarray]) -> None:
        self._blocks = blocks
        self._held = np.zeros((2, 0), dtype=np.float32)

    def take(self, count: int) -> np.ndarray:
        parts = []
        while count > 0:
            if self._held.shape[1] == 0:
                block = next(self._blocks, None)
                if block is None:
                    parts.append(np.zeros((2, count), dtype=np.float32))
                    break
                self._held = block
            part, self._held = self._held[:, :count], self._held[:, count:]
            parts.append(part)
            count -= part.shape[1]
        return np.concatenate(parts, axis=1) if len(parts) != 1 else parts[0]


def _song(path: Path) -> Iterator[np.ndarray]:
    """The song as planar float stereo blocks at 48 kHz, from its start."""
    try:
        with av.open(str(path)) as container:
            yield from _resampled(container, container.streams.audio[0])
    except (av.FFmpegError, IndexError) as exc:
        raise UnreadableMedia(f"{path.name}: no readable audio ({exc})", path=path) from exc


def _clip_sound(path: Path) -> Iterator[np.ndarray]:
    """The clip's sound as blocks, timed from its first picture; nothing when it has none.

    A sound that starts after the pictures is preceded by silence, and one that starts
    before them loses its head, so that what is heard is what is seen.
    """
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return
            audio = container.streams.audio[0]
            lead = _start(audio)
            if container.streams.video:
                lead -= _start(container.streams.video[0])
            silence, skip = max(0, _samples(lead)), max(0, -_samples(lead))
            for start in range(0, silence, _BLOCK):
                yield np.zeros((2, min(_BLOCK, silence - start)), dtype=np.float32)
            for block in _resampled(container, audio):
                dropped = min(skip, block.shape[1])
                skip -= dropped
                if dropped < block.shape[1]:
                    yield block[:, dropped:]
    except av.FFmpegError:
        return


def _resampled(container: InputContainer, stream: AudioStream) -> Iterator[np.ndarray]:
    resampler = av.AudioResampler(format="fltp", layout=LAYOUT, rate=SAMPLE_RATE)
    for frame in container.decode(stream):
        for resampled in resampler.resample(frame):
            yield resampled.to_ndarray()
    for resampled in resampler.resample(None):
        yield resampled.to_ndarray()


def _start(stream: Stream) -> float:
    if stream.start_time is None or stream.time_base is None:
        return 0.0
    return float(stream.start_time * stream.time_base)


def _samples(seconds: float) -> int:
    return round(seconds * SAMPLE_RATE)


def _frame(samples: np.ndarray, start: int) -> av.AudioFrame:
    frame = av.AudioFrame.from_ndarray(
        np.ascontiguousarray(samples, dtype=np.float32), format="fltp", layout=LAYOUT
    )
    frame.sample_rate = SAMPLE_RATE
    frame.pts = start
    return frame
