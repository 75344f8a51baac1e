"""grid.follow: the view keeps still while what matters stays inside it, with context."""

from __future__ import annotations

import pytest

from convtui.app.widgets.grid import follow, window


@pytest.mark.parametrize(("length", "room"), [(100, 10), (100, 30), (44, 24), (7, 10)])
def test_stepping_through_keeps_the_current_cell_in_view_with_two_of_context(length, room):
    view, views = None, []
    for i in range(length):
        view = follow(view, length, i, i, room)
        assert len(view) == min(length, room) and i in view
        assert view.start == 0 or i - view.start >= 2
        assert view.stop == length or view.stop - 1 - i >= 2
        if not views or views[-1] != view:
            views.append(view)
            assert view == window(length, i, i, room)  # a move centres the cell again
    if length > room:
        # centred, the cell has room // 2 - 2 steps to go before the view moves again
        assert len(views) <= length // (room // 2 - 2) + 1
    else:
        assert views == [range(length)]


def test_a_jump_centres_the_view_and_a_wide_target_fills_it():
    assert follow(range(0, 10), 100, 60, 60, 10) == range(55, 65)
    # lo..hi as wide as the room: no margin is possible, the window is exactly it
    assert follow(range(0, 10), 100, 5, 14, 10) == range(5, 15)
    assert follow(range(5, 15), 100, 5, 14, 10) == range(5, 15)


@pytest.mark.parametrize("room", [1, 2, 5, 10, 11])
def test_a_window_keeps_both_ends_of_what_fits(room):
    for length in (3, 17, 40):
        for lo in range(length):
            for hi in range(lo, min(lo + room, length)):
                view = window(length, lo, hi, room)
                assert len(view) == min(room, length)
                assert lo in view and hi in view, (length, lo, hi, room)
