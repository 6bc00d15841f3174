"""The timeline: slots add up to the video's length, crossfades overlap the next item."""

from pathlib import Path

import pytest

from bot.render import Media, MediaKind, NothingToRender, RenderJob, RenderOptions
from bot.render.options import Caption
from bot.render.timeline import PlacedCaption, SegmentKind, plan


def _job(media: list[Media], **options) -> RenderJob:
    return RenderJob(media=tuple(media), output=Path("out.mp4"), options=RenderOptions(**options))


def test_ten_photos_at_three_seconds_last_thirty_seconds() -> None:
    photos = [Media(Path(f"{index}.jpg"), MediaKind.PHOTO) for index in range(10)]
    timeline = plan(_job(photos, photo_seconds=3.0))
    assert timeline.total_frames == 900
    assert timeline.seconds == 30.0
    assert timeline.crossfade == 15
    # Every photo but the last runs one crossfade into the next.
    assert [segment.frames for segment in timeline.segments] == [105] * 9 + [90]


def test_fractional_slots_do_not_drift() -> None:
    photos = [Media(Path(f"{index}.jpg"), MediaKind.PHOTO) for index in range(7)]
    timeline = plan(_job(photos, photo_seconds=1.01, fps=30))
    assert timeline.total_frames == round(7 * 1.01 * 30)


def test_title_comes_first_and_counts(photos: list[Path]) -> None:
    media = [Media(photos[0], MediaKind.PHOTO)]
    timeline = plan(_job(media, title="Città", title_seconds=2.5, photo_seconds=3.0))
    assert [segment.kind for segment in timeline.segments] == [
        SegmentKind.TITLE,
        SegmentKind.PHOTO,
    ]
    assert timeline.seconds == 5.5


def test_clip_slot_is_its_length_up_to_the_limit(clip: Path) -> None:
    media = [Media(clip, MediaKind.CLIP), Media(clip, MediaKind.CLIP)]
    short = plan(_job(media, clip_seconds=4.0))
    assert short.seconds == pytest.approx(4.0, abs=1 / 30)  # two clips of 2 s each
    trimmed = plan(_job(media, clip_seconds=1.5))
    assert trimmed.seconds == 3.0


def test_nothing_to_render() -> None:
    with pytest.raises(NothingToRender):
        plan(_job([]))


def test_an_item_given_its_own_length_keeps_it_within_bounds(clip: Path) -> None:
    media = [
        Media(Path("a.jpg"), MediaKind.PHOTO, seconds=1.5),
        Media(Path("b.jpg"), MediaKind.PHOTO),
        Media(Path("c.jpg"), MediaKind.PHOTO, seconds=60.0),
        Media(clip, MediaKind.CLIP, seconds=1.0),
        Media(clip, MediaKind.CLIP, seconds=20.0),
    ]
    timeline = plan(_job(media, photo_seconds=3.0))
    starts = [segment.start for segment in timeline.segments]
    # 1.5 s, the options' 3 s, at most 10 s for a photo; a clip never outlasts itself (2 s).
    assert starts == [0, 45, 135, 435, 465]
    assert timeline.total_frames == 465 + 60


def test_captions_keep_to_their_item_and_end_with_the_video() -> None:
    media = [Media(Path(f"{index}.jpg"), MediaKind.PHOTO) for index in range(3)]
    captions = (
        Caption("uno", media=1, offset=0.5, seconds=1.0),
        Caption("fine", media=2, offset=1.0, seconds=10.0),
        Caption("nessuno", media=3, offset=0.0, seconds=1.0),
        Caption("  ", media=0, offset=0.0, seconds=1.0),
        Caption("tardi", media=2, offset=5.0, seconds=1.0),
    )
    job = RenderJob(
        media=tuple(media),
        output=Path("out.mp4"),
        options=RenderOptions(photo_seconds=2.0, title="Titolo", title_seconds=2.0),
        captions=captions,
    )
    timeline = plan(job)
    assert timeline.captions == (
        PlacedCaption("uno", first=4 * 30 + 15, end=5 * 30 + 15),
        PlacedCaption("fine", first=6 * 30 + 30, end=8 * 30),
    )
