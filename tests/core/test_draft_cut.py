"""Reading the cloud draft's cut back onto the chat's uploads, whatever shape it comes in."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.draft_cut import Caption, Cut, Shot, read_cut
from storage import UploadedMedia

CDN = "https://cdn.nemovideo.example/u"
UPLOADS = [
    UploadedMedia("f0", "image", "file_AQAD1.jpg", f"{CDN}/aa11.jpg"),
    UploadedMedia("f1", "audio", "song.mp3", f"{CDN}/bb22.mp3"),
    UploadedMedia("f2", "video", "beach.mp4", f"{CDN}/cc33.mp4"),
    UploadedMedia("f3", "image", "file_AQAD4.jpg", f"{CDN}/dd44.jpg"),
]


def video(*segments: dict[str, Any]) -> dict[str, Any]:
    return {"tt": 0, "sg": list(segments)}


def text(*segments: dict[str, Any], **track: Any) -> dict[str, Any]:
    return {"tt": 7, "sg": list(segments), **track}


@pytest.mark.parametrize(
    "segment",
    [
        pytest.param({"d": 2000, "m": {"url": f"{CDN}/dd44.jpg"}}, id="cdn-url-in-m"),
        pytest.param({"d": 2000, "src": f"{CDN}/dd44.jpg?sig=abc"}, id="signed-url"),
        pytest.param(
            {"d": 2000, "m": {"source": {"file": "https://other.cdn/x/dd44.jpg"}}},
            id="nested-other-host",
        ),
        pytest.param({"d": 2000, "m": {"name": "file_AQAD4.jpg"}}, id="cloud-name"),
        pytest.param({"d": 2000, "m": {"n": "FILE_aqad4.JPG"}}, id="name-any-case"),
        pytest.param({"d": 2000, "m": {"path": "uploads/dd44.jpg"}}, id="path-ending-in-name"),
    ],
)
def test_a_segment_is_matched_by_any_name_it_carries(segment: dict[str, Any]) -> None:
    assert read_cut({"t": [video(segment)]}, UPLOADS) == Cut((Shot(3, 2.0),), ())


@pytest.mark.parametrize(
    "draft",
    [
        pytest.param({}, id="empty"),
        pytest.param({"t": [video({"d": 5000, "m": {"name": "trip"}})]}, id="a-title-not-a-file"),
        pytest.param({"t": [video({"d": 5000, "m": {"url": f"{CDN}/zz.jpg"}})]}, id="stock"),
        pytest.param({"t": [video({"m": {"name": "song.mp3"}})]}, id="music-is-not-a-shot"),
        pytest.param({"t": [{"tt": 1, "sg": [{"m": {"name": "beach.mp4"}}]}]}, id="audio-track"),
        pytest.param({"t": "garbage", "d": "x"}, id="garbage"),
        pytest.param([1, 2], id="not-a-mapping"),
    ],
)
def test_nothing_matched_means_no_cut(draft: Any) -> None:
    assert read_cut(draft, UPLOADS) is None


def test_uploads_without_cloud_names_cannot_be_matched() -> None:
    old = [UploadedMedia("f0", "image"), UploadedMedia("f1", "image")]
    draft = {"t": [video({"d": 1000, "m": {"name": "file_AQAD1.jpg"}})]}
    assert read_cut(draft, old) is None


def test_a_name_two_uploads_share_matches_neither() -> None:
    twins = [
        UploadedMedia("f0", "image", "IMG_1.jpg", f"{CDN}/a.jpg"),
        UploadedMedia("f1", "image", "IMG_1.jpg", f"{CDN}/b.jpg"),
    ]
    by_name = {"t": [video({"d": 1000, "m": {"name": "IMG_1.jpg"}})]}
    by_url = {"t": [video({"d": 1000, "m": {"name": "IMG_1.jpg", "url": f"{CDN}/b.jpg"}})]}
    assert read_cut(by_name, twins) is None
    assert read_cut(by_url, twins) == Cut((Shot(1, 1.0),), ())


def test_shots_follow_their_starts_and_unknown_segments_drop_out() -> None:
    draft = {
        "t": [
            video(
                {"st": 4000, "d": 1500, "m": {"url": f"{CDN}/aa11.jpg"}},
                {"st": 0, "d": 2500, "m": {"url": f"{CDN}/dd44.jpg"}},
                {"st": 2500, "d": 1500, "m": {"url": f"{CDN}/stock.mp4"}},
                {"st": 5500, "et": 9500, "m": {"url": f"{CDN}/cc33.mp4"}},
            )
        ]
    }
    cut = read_cut(draft, UPLOADS)
    assert cut is not None
    assert cut.shots == (Shot(3, 2.5), Shot(0, 1.5), Shot(2, 4.0))


def test_without_starts_the_draft_order_holds_across_tracks() -> None:
    draft = {
        "t": [
            video({"d": 1000, "m": {"name": "file_AQAD4.jpg"}}),
            video({"m": {"name": "beach.mp4"}}, {"d": 3000, "m": {"name": "file_AQAD1.jpg"}}),
        ]
    }
    cut = read_cut(draft, UPLOADS)
    assert cut is not None
    assert cut.shots == (Shot(3, 1.0), Shot(2, None), Shot(0, 3.0))


def test_captions_are_anchored_to_the_shot_they_start_in() -> None:
    draft = {
        "t": [
            video(
                {"st": 0, "d": 3000, "m": {"name": "file_AQAD4.jpg"}},
                {"st": 3000, "d": 3000, "m": {"name": "file_AQAD1.jpg"}},
            ),
            text(
                {"st": 500, "d": 2000, "m": {"text": "Ciao mare"}},
                {"st": 3500, "d": 1000, "m": {"content": "夏天 in Città"}},
                {"st": 4000, "d": 1000, "m": {"text": "   "}},
                {"st": 4000, "m": {"text": "no length"}},
            ),
        ]
    }
    cut = read_cut(draft, UPLOADS)
    assert cut is not None
    assert cut.captions == (
        Caption("Ciao mare", 0, 0.5, 2.0),
        Caption("夏天 in Città", 1, 0.5, 1.0),
    )


def test_captions_without_starts_follow_one_another() -> None:
    draft = {
        "t": [
            video(
                {"d": 2000, "m": {"name": "file_AQAD1.jpg"}},
                {"d": 2000, "m": {"name": "dd44.jpg"}},
            ),
            text({"d": 2500, "tx": "uno"}, {"d": 1000, "tx": "due"}),
            text({"tx": "titolo"}, d=1500),
        ]
    }
    cut = read_cut(draft, UPLOADS)
    assert cut is not None
    assert cut.captions == (
        Caption("uno", 0, 0.0, 2.5),
        Caption("due", 1, 0.5, 1.0),
        Caption("titolo", 0, 0.0, 1.5),
    )


def test_a_caption_before_every_shot_starts_on_the_first() -> None:
    draft = {
        "t": [
            video({"st": 2000, "d": 2000, "m": {"name": "beach.mp4"}}),
            text({"st": 0, "d": 1000, "m": {"text": "Intro"}}),
        ]
    }
    cut = read_cut(draft, UPLOADS)
    assert cut is not None
    assert cut.captions == (Caption("Intro", 0, 0.0, 1.0),)
