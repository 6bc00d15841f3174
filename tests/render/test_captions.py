"""Captions: the draft's text drawn over the frames it covers, and nowhere else."""

from pathlib import Path

import numpy as np

from bot.render import Caption, Media, MediaKind, RenderJob, RenderOptions, render
from bot.render.captions import with_captions
from bot.render.planes import Picture
from bot.render.timeline import PlacedCaption
from tests.render.conftest import TEST_SHORT_SIDE
from tests.render.media import decoded_luma

SIZE = (320, 180)


def _grey() -> Picture:
    width, height = SIZE
    return Picture(
        np.full((height, width), 120, np.uint8),
        *(np.full((height // 2, width // 2), 128, np.uint8) for _ in range(2)),
    )


def test_a_caption_shows_on_its_frames_only_and_leaves_shared_pictures_alone() -> None:
    shared = _grey()
    caption = PlacedCaption("夏天 in Città", first=5, end=35)
    shown = list(with_captions([shared] * 40, (caption,), SIZE, fps=30))
    assert all(np.array_equal(picture.y, shared.y) for picture in shown[:5] + shown[35:])
    middle = shown[20].y
    assert middle.max() > 200, "no white text"
    assert middle[SIZE[1] * 2 // 3 :].min() < 80, "no dark band under the text"
    assert middle[: SIZE[1] // 3].tolist() == shared.y[: SIZE[1] // 3].tolist(), "not at the foot"
    # Fading in: the band darkens frame by frame.
    assert shown[5].y.min() > shown[6].y.min() > shown[8].y.min()
    assert (shared.y == 120).all(), "a shared picture was drawn on"


def test_a_rendered_caption_is_over_its_photo(photos: list[Path], tmp_path: Path) -> None:
    def job(captions: tuple[Caption, ...], name: str) -> RenderJob:
        return RenderJob(
            media=(Media(photos[0], MediaKind.PHOTO), Media(photos[1], MediaKind.PHOTO)),
            output=tmp_path / name,
            options=RenderOptions(short_side=TEST_SHORT_SIDE, photo_seconds=2.0),
            captions=captions,
        )

    plain = decoded_luma(render(job((), "plain.mp4")).path)
    captioned = decoded_luma(
        render(job((Caption("Ciao, mare!", media=1, offset=0.5, seconds=1.0),), "c.mp4")).path
    )
    foot = slice(SIZE[1] * 2 // 3, None)

    def changed(frame: int) -> float:
        """The share of the foot's pixels the caption changed."""
        difference = np.abs(plain[frame][foot].astype(int) - captioned[frame][foot])
        return float((difference > 30).mean())

    # The second photo's slot starts at 2 s (frame 60): the caption runs 2.5 s to 3.5 s.
    assert changed(90) > 0.03
    assert changed(30) < 0.001 and changed(110) < 0.001
