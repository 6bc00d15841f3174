"""What runs in the measured processes of bench/local_render.py, one subject each.

A module of its own that imports what a render worker imports and no more: the
benchmark's own helpers (the fakes, psutil) would add some 34 MB to every peak RSS.

    python -c "from bench.render_subjects import subject; subject('render', FOLDER)"
"""

import json
import resource
import time
from functools import partial
from pathlib import Path

import av
import numpy as np

from bot.render import Media, MediaKind, RenderJob, RenderOptions, render
from bot.render.audio import soundtrack
from bot.render.encoder import Mp4Writer
from bot.render.planes import Picture, from_frame

OPTIONS = RenderOptions(photo_seconds=3.0)
SIZE = OPTIONS.size


def subject(name: str, folder: str) -> None:
    """Run one subject on the inputs in ``folder``; print its figures as JSON."""
    work = Path(folder)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    SUBJECTS[name](work)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_rss": _peak_rss()}))


def job_for(work: Path) -> RenderJob:
    photos = sorted(work.glob("photo*.jpg"))
    return RenderJob(
        media=tuple(Media(path, MediaKind.PHOTO) for path in photos),
        output=work / "render.mp4",
        music=work / "song.mp3",
        options=OPTIONS,
    )


def _render(work: Path) -> None:
    render(job_for(work))


def _floor(work: Path) -> None:
    width, height = SIZE
    luma, chroma = width * height, width * height // 4
    with (
        (work / "frames.yuv").open("rb") as raw,
        Mp4Writer(work / "floor.mp4", SIZE, OPTIONS.fps, OPTIONS.preset) as writer,
    ):
        while data := raw.read(luma + 2 * chroma):
            planes = np.frombuffer(data, dtype=np.uint8)
            writer.write(
                Picture(
                    planes[:luma].reshape(height, width),
                    planes[luma : luma + chroma].reshape(height // 2, width // 2),
                    planes[luma + chroma :].reshape(height // 2, width // 2),
                )
            )


def _recipe(work: Path, *, prescale: bool) -> None:
    """The zoompan slideshow, through libavfilter, into the same writer and soundtrack.

    As pasted: the photo cropped to 16:9 at its own resolution, and zoompan crops and
    scales it to 1080p on every frame. ``prescale`` first scales the photo to 1080p,
    the cheapest form, where zoompan's whole-pixel crops are largest on screen.
    """
    width, height = SIZE
    frames = round(OPTIONS.photo_seconds * OPTIONS.fps)
    fit = (
        f"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height}"
        if prescale
        else f"crop=iw:trunc(iw*{height}/{width}/2)*2"
    )
    chain = (
        f"{fit},zoompan=z='min(zoom+0.0011,1.1)':d={frames}:x='iw/2-(iw/zoom/2)'"
        f":y='ih/2-(ih/zoom/2)':s={width}x{height}:fps={OPTIONS.fps},format=yuv420p"
    )
    photos = sorted(work.glob("photo*.jpg"))
    output = work / ("recipe_1080p.mp4" if prescale else "recipe.mp4")
    with Mp4Writer(output, SIZE, OPTIONS.fps, OPTIONS.preset) as writer:
        writer.add_soundtrack(soundtrack(work / "song.mp3", len(photos) * frames / OPTIONS.fps))
        for photo in photos:
            with av.open(str(photo)) as container:
                still = next(container.decode(video=0))
            graph = av.filter.Graph()
            source = graph.add_buffer(
                width=still.width,
                height=still.height,
                format=still.format.name,
                time_base=still.time_base,
            )
            filters = [graph.add(*part.split("=", 1)) for part in _split(chain)]
            graph.link_nodes(source, *filters, graph.add("buffersink")).configure()
            graph.push(still)
            graph.push(None)
            while True:
                try:
                    writer.write(from_frame(graph.pull()))
                except (av.BlockingIOError, av.EOFError):
                    break


def _split(chain: str) -> list[str]:
    """A filter chain's filters, splitting on commas outside quotes."""
    parts, depth, current = [], False, ""
    for character in chain:
        if character == "'":
            depth = not depth
        if character == "," and not depth:
            parts.append(current)
            current = ""
        else:
            current += character
    return [*parts, current]


SUBJECTS = {
    "render": _render,
    "floor": _floor,
    "recipe": partial(_recipe, prescale=False),
    "recipe, 1080p first": partial(_recipe, prescale=True),
}


def _peak_rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise LookupError("no VmHWM")
