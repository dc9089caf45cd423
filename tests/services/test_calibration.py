"""The calibration's arithmetic: how many reports show a threshold, and how many more are needed."""

from __future__ import annotations

from bot.services.calibration import Label, calibrate, wrong_bound


def test_none_wrong_needs_539_reports_to_show_99_5_percent() -> None:
    assert wrong_bound(0, 539) <= 0.005 < wrong_bound(0, 538)
    few = calibrate([Label(0.95, True)] * 100)
    assert (few.recommended, few.more_needed) == (None, 439)
    assert calibrate([]).more_needed == 539


def test_more_reports_are_needed_the_more_of_them_are_wrong_and_none_help_above_the_goal() -> None:
    some_wrong = calibrate([Label(0.95, True)] * 598 + [Label(0.95, False)] * 2)
    assert some_wrong.recommended is None
    assert some_wrong.more_needed is not None
    assert some_wrong.more_needed > 539
    too_wrong = calibrate([Label(0.95, True)] * 99 + [Label(0.95, False)])
    assert (too_wrong.recommended, too_wrong.more_needed) == (None, None)
