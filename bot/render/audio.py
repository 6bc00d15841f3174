"""The soundtrack: the song trimmed to the video, faded out; silence when there is none.

A video always carries an AAC track, so players and Telegram treat every render alike.
The song is decoded and resampled a frame at a time and never held whole: only the
samples the video lasts are ever produced.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

from bot.render.errors import UnreadableMedia

SAMPLE_RATE = 48_000
LAYOUT = "stereo"
FADE_OUT_SECONDS = 2.0
# A song cut mid-waveform clicks; a few milliseconds of fade-in take the click away.
FADE_IN_SECONDS = 0.02
_BLOCK = 4096  # samples per frame of silence


def soundtrack(music: Path | None, seconds: float) -> Iterator[av.AudioFrame]:
    """Planar float stereo frames at 48 kHz lasting exactly ``seconds``.

    Raises UnreadableMedia when the song cannot be decoded.
    """
    total = round(seconds * SAMPLE_RATE)
    envelope = _Envelope(total)
    produced = 0
    blocks = _song(music) if music is not None else iter(())
    for block in blocks:
        block = block[:, : total - produced]
        yield _frame(envelope.apply(block, produced), produced)
        produced += block.shape[1]
        if produced >= total:
            return
    while produced < total:
        silence = np.zeros((2, min(_BLOCK, total - produced)), dtype=np.float32)
        yield _frame(silence, produced)
        produced += silence.shape[1]


def _song(path: Path) -> Iterator[np.ndarray]:
    """The song as planar float stereo blocks at 48 kHz, from its start."""
    resampler = av.AudioResampler(format="fltp", layout=LAYOUT, rate=SAMPLE_RATE)
    try:
        with av.open(str(path)) as container:
            stream = container.streams.audio[0]
            for frame in container.decode(stream):
                for resampled in resampler.resample(frame):
                    yield resampled.to_ndarray()
            for resampled in resampler.resample(None):
                yield resampled.to_ndarray()
    except (av.FFmpegError, IndexError) as exc:
        raise UnreadableMedia(f"{path.name}: no readable audio ({exc})", path=path) from exc


class _Envelope:
    """Gain by sample position: a short fade-in, then a fade-out over the last seconds."""

    def __init__(self, total: int) -> None:
        self._total = total
        self._fade_in = max(1, round(FADE_IN_SECONDS * SAMPLE_RATE))
        self._fade_out = max(1, min(round(FADE_OUT_SECONDS * SAMPLE_RATE), total // 3))

    def apply(self, block: np.ndarray, start: int) -> np.ndarray:
        positions = np.arange(start, start + block.shape[1], dtype=np.float32)
        gain = np.minimum(
            np.clip(positions / self._fade_in, 0.0, 1.0),
            np.clip((self._total - positions) / self._fade_out, 0.0, 1.0),
        )
        return (block * gain).astype(np.float32)


def _frame(samples: np.ndarray, start: int) -> av.AudioFrame:
    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples), format="fltp", layout=LAYOUT)
    frame.sample_rate = SAMPLE_RATE
    frame.pts = start
    return frame
