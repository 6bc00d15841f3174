"""The MP4 writer: H.264 High and AAC, interleaved, with the index at the front.

Bitrate: Telegram bots may send videos up to 50 MB, and a minute must fit. x264 runs
at a constant quality (CRF) capped by a VBV of ``VIDEO_MAXRATE``: a still pans at a
fraction of the cap, and a busy clip never goes past it. A minute then holds at most
60 s × (5.5 + 0.128) Mbit/s / 8 = 42.2 MB, plus one VBV buffer (1.4 MB) and the
container's index, well under 50 MB.

``+faststart`` moves the ``moov`` index before the media data once the file is written,
so Telegram and browsers can start playing before the whole file has arrived.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Self

import av

from bot.render.audio import LAYOUT, SAMPLE_RATE
from bot.render.planes import COLOR_RANGE, COLORSPACE, Picture, to_frame

VIDEO_MAXRATE = 5_500_000
VIDEO_BUFSIZE = 2 * VIDEO_MAXRATE
AUDIO_BITRATE = 128_000
LOOKAHEAD = 5
CRF = 21  # visually clean for photos; the VBV cap decides for busy clips
_BT709 = 1  # ITU-T H.273 code for BT.709 primaries and transfer


class Mp4Writer:
    """Writes pictures and a soundtrack to ``path``; use as a context manager.

    The soundtrack is encoded first, into a few hundred kilobytes of packets per minute,
    and muxed as the video reaches each packet's time, so the file is interleaved
    without buffering video in the muxer.
    """

    def __init__(self, path: Path, size: tuple[int, int], fps: int, preset: str) -> None:
        self._container = av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"})
        width, height = size
        # Frames count in 1/fps; the stream's own time base is the muxer's to choose.
        self._frame_time = Fraction(1, fps)
        video = self._container.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {
            "preset": preset,
            "profile": "high",
            "crf": str(CRF),
            "maxrate": str(VIDEO_MAXRATE),
            "bufsize": str(VIDEO_BUFSIZE),
            # Each frame of lookahead holds about 7 MB at 1080p; veryfast's 10 put the
            # worker past 300 MB, and 5 frames (a sixth of a second) see a slow pan as
            # well.
            "x264-params": f"rc-lookahead={LOOKAHEAD}",
        }
        context = video.codec_context
        context.colorspace, context.color_range = COLORSPACE, COLOR_RANGE
        context.color_primaries = context.color_trc = _BT709
        self._video = video
        self._audio = self._container.add_stream("aac", rate=SAMPLE_RATE, layout=LAYOUT)
        self._audio.bit_rate = AUDIO_BITRATE
        self._audio_packets: deque[av.Packet] = deque()
        self._frames = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self._finish()
        self._container.close()

    def add_soundtrack(self, frames: Iterable[av.AudioFrame]) -> None:
        """Encode the whole soundtrack now; its packets go out as the video catches up."""
        for frame in frames:
            self._audio_packets.extend(self._audio.encode(frame))
        self._audio_packets.extend(self._audio.encode(None))

    def write(self, picture: Picture) -> None:
        """Encode one picture as the next frame."""
        frame = to_frame(picture)
        frame.pts = self._frames
        frame.time_base = self._frame_time
        self._frames += 1
        self._mux_video(self._video.encode(frame))

    @property
    def frames(self) -> int:
        return self._frames

    def _mux_video(self, packets: list[av.Packet]) -> None:
        for packet in packets:
            # Read before muxing: the muxer takes the packet's data and timestamps.
            at = _seconds(packet)
            self._container.mux(packet)
            if at is not None:
                self._mux_audio_until(at)

    def _mux_audio_until(self, seconds: float) -> None:
        while self._audio_packets:
            at = _seconds(self._audio_packets[0])
            if at is not None and at > seconds:
                return
            self._container.mux(self._audio_packets.popleft())

    def _finish(self) -> None:
        self._mux_video(self._video.encode(None))
        while self._audio_packets:
            self._container.mux(self._audio_packets.popleft())


def _seconds(packet: av.Packet) -> float | None:
    if packet.pts is None or packet.time_base is None:
        return None
    return float(packet.pts * packet.time_base)
