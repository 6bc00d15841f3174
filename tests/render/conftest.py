"""Media generated once per run for the render tests, small so that renders stay fast."""

from pathlib import Path

import pytest

from tests.render.media import write_clip, write_photo, write_tone

# A small frame (320x180 for 16:9): the code paths are those of 1080p, at a 36th of the work.
TEST_SHORT_SIDE = 180


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("render-media")


@pytest.fixture(scope="session")
def photos(media_dir: Path) -> list[Path]:
    """Three photos of different shapes: landscape, portrait, square."""
    sizes = [(800, 600), (600, 900), (700, 700)]
    return [
        write_photo(media_dir / f"photo{index}.jpg", size, seed=index)
        for index, size in enumerate(sizes)
    ]


@pytest.fixture(scope="session")
def tone(media_dir: Path) -> Path:
    return write_tone(media_dir / "tone.wav", seconds=20)


@pytest.fixture(scope="session")
def clip(media_dir: Path) -> Path:
    return write_clip(media_dir / "clip.mp4", seconds=2.0)


@pytest.fixture(scope="session")
def loud_clip(media_dir: Path) -> Path:
    """A 2-second clip with a 1 kHz tone of its own."""
    return write_clip(media_dir / "loud_clip.mp4", seconds=2.0, tone=1000.0)
