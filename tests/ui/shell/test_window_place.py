"""Issue 18: the counter window opens where it was left, only when that place is wholly on a screen present
now (offscreen; the same with a window manager: tests/person/test_screen_fit.py), and the place is kept in
the settings file as plain numbers (validated when read)."""

from __future__ import annotations

from pos_app.settings import Settings
from pos_app.ui.counter.main_window import MainWindow
from pos_app.ui.shell.app import remembered_screen, window_geometry


def test_a_remembered_place_is_used_only_on_a_present_screen(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    room = window.screen().availableGeometry()
    need = window.minimumSizeHint()
    inside = {"x": room.x() + 5, "y": room.y() + 40, "width": need.width(), "height": need.height(),
              "maximized": False}
    if room.contains(room.x() + 5, room.y() + 40) and need.width() + 5 <= room.width() \
            and need.height() + 40 <= room.height():
        assert remembered_screen(window, inside) is window.screen()
    assert remembered_screen(window, inside | {"x": room.right() + 200}) is None  # a monitor that is gone
    assert remembered_screen(window, inside | {"width": need.width() - 50}) is None  # smaller than it can be
    assert remembered_screen(window, {}) is None and remembered_screen(window, None) is None
    assert remembered_screen(window, {"x": "a"}) is None


def test_the_place_round_trips_through_the_settings_file_and_nonsense_is_dropped(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.setGeometry(40, 50, 1100, 700)
    place = window_geometry(window)
    assert place == {"x": 40, "y": 50, "width": 1100, "height": 700, "maximized": False}
    assert Settings.from_json(Settings(window_geometry=place).to_json()).window_geometry == place
    for bad in ({"x": 1, "y": 2, "width": 3}, {**place, "maximized": "yes"}, {**place, "x": 1.5}, [1, 2]):
        assert Settings.from_json({"window_geometry": bad}).window_geometry == {}
