"""The pan and zoom: sub-pixel, constant speed, inside the canvas, moving every frame."""

import numpy as np
import pytest

from bot.render.motion import CANVAS, move_for


@pytest.mark.parametrize("index", range(4))
def test_window_moves_by_the_same_step_every_frame(index: int) -> None:
    windows = list(move_for(index).windows(90))
    centres = np.array([(w.offset_x * 1920, w.offset_y * 1080) for w in windows])
    scales = np.array([w.scale for w in windows])
    steps = np.hypot(*np.diff(centres, axis=0).T)
    assert steps.min() > 0, "the picture stands still on some frame"
    assert steps.max() - steps.min() < 1e-9, "the speed changes: the picture would step"
    assert steps.max() < 1.5, "a pan faster than 1.5 px per frame is not slow"
    assert np.all(np.diff(scales) != 0)


@pytest.mark.parametrize("index", range(4))
def test_window_stays_inside_the_canvas(index: int) -> None:
    for window in move_for(index).windows(30):
        assert abs(window.offset_x) + window.scale / 2 <= CANVAS / 2
        assert abs(window.offset_y) + window.scale / 2 <= CANVAS / 2


def test_consecutive_photos_move_differently() -> None:
    assert move_for(0) != move_for(1) != move_for(2)
