"""Media the render tests make for themselves, and what they read back from an MP4.

Photos are textured (blurred noise under coloured discs) so that a pan shows in every
pixel row; the tone and the clip are synthesised; nothing is downloaded or committed.
"""

import struct
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import soundfile as sf
from PIL import Image, ImageDraw, ImageFilter

from bot.render import RenderJob, RenderResult, render


def write_photo(path: Path, size: tuple[int, int], seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    width, height = size
    small = (max(8, width // 8), max(8, height // 8))
    noise = rng.integers(0, 256, (small[1], small[0], 3), dtype=np.uint8)
    image = Image.fromarray(noise).resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.integers(0, width), rng.integers(0, height)
        radius = int(rng.integers(min(size) // 20, min(size) // 6))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    image.filter(ImageFilter.GaussianBlur(1)).save(path, quality=90)
    return path


def write_tone(path: Path, seconds: float, rate: int = 44_100) -> Path:
    """A mono 440 Hz tone: the renderer must resample it and make it stereo."""
    times = np.arange(round(seconds * rate)) / rate
    sf.write(path, 0.3 * np.sin(2 * np.pi * 440 * times), rate)
    return path


def write_clip(
    path: Path,
    seconds: float,
    fps: int = 25,
    size: tuple[int, int] = (320, 240),
    tone: float | None = None,
    colour: tuple[int, int, int] = (40, 40, 40),
) -> Path:
    """A clip of a bar sweeping across, at its own frame rate and shape.

    With ``tone`` it has a sound too: a sine of that many hertz, in AAC at 44.1 kHz mono.
    """
    width, height = size
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        sound = None
        if tone is not None:
            sound = container.add_stream("aac", rate=44_100, layout="mono")
            _write_tone(container, sound, tone, seconds)
        for index in range(round(seconds * fps)):
            rgb = np.full((height, width, 3), colour, dtype=np.uint8)
            left = index * 4 % width
            rgb[:, left : left + 16] = (250, 200, 0)
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, fps)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def _write_tone(container, stream, hertz: float, seconds: float) -> None:
    rate = 44_100
    for start in range(0, round(seconds * rate), 1024):
        times = (start + np.arange(1024)) / rate
        samples = (0.3 * np.sin(2 * np.pi * hertz * times)).astype(np.float32)[None, :]
        frame = av.AudioFrame.from_ndarray(samples, format="flt", layout="mono")
        frame.sample_rate, frame.pts = rate, start
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode(None):
        container.mux(packet)


def loudness(
    path: Path, windows: list[tuple[float, float]], hertz: float | None = None
) -> list[float]:
    """The RMS of the video's sound over each window (seconds), of one tone if ``hertz``.

    A tone's level is read from the spectrum, so a song and a clip's sound mixed
    together can be told apart.
    """
    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=48_000)
        chunks = [
            resampled.to_ndarray()[0]
            for frame in container.decode(audio=0)
            for resampled in resampler.resample(frame)
        ]
    samples = np.concatenate(chunks)
    levels = []
    for start, end in windows:
        part = samples[round(start * 48_000) : round(end * 48_000)]
        if hertz is None:
            levels.append(float(np.sqrt(np.mean(part**2))))
            continue
        spectrum = np.abs(np.fft.rfft(part * np.hanning(len(part))))
        bins = np.fft.rfftfreq(len(part), 1 / 48_000)
        near = np.abs(bins - hertz) < 20
        levels.append(float(spectrum[near].max() / len(part)))
    return levels


@dataclass(frozen=True)
class Probe:
    video_codec: str
    profile: str
    width: int
    height: int
    video_seconds: float
    audio_codec: str
    audio_seconds: float


def probe(path: Path) -> Probe:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0]
        return Probe(
            video_codec=video.codec_context.name,
            profile=video.codec_context.profile,
            width=video.width,
            height=video.height,
            video_seconds=float(video.duration * video.time_base),
            audio_codec=audio.codec_context.name,
            audio_seconds=float(audio.duration * audio.time_base),
        )


def top_level_boxes(path: Path) -> list[str]:
    """The MP4's top-level box types in file order."""
    boxes = []
    with path.open("rb") as file:
        end = path.stat().st_size
        offset = 0
        while offset < end:
            file.seek(offset)
            size, kind = struct.unpack(">I4s", file.read(8))
            if size == 1:
                size = struct.unpack(">Q", file.read(8))[0]
            boxes.append(kind.decode("latin-1"))
            offset += size if size else end
    return boxes


def decoded_luma(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="gray") for frame in container.decode(video=0)]


def render_and_measure(job: RenderJob) -> tuple[RenderResult, int, int]:
    """Render in this (worker) process: the result, the peak RSS before and after, bytes.

    The peak is the kernel's VmHWM for this process's memory, which starts afresh at
    exec; ru_maxrss would not do, as a spawned worker inherits its parent's.
    """
    before = _peak_rss()
    result = render(job)
    return result, before, _peak_rss()


def _peak_rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise LookupError("no VmHWM in /proc/self/status")
