"""MAX_PHOTOS_PER_MINUTE: a sliding minute per member, told once per stretch of refusals."""

from __future__ import annotations

from bot.services.photo_rate import PhotoRate, Slowdown


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_member_past_the_limit_is_told_once_until_the_minute_frees_a_photo() -> None:
    clock = Clock()
    rate = PhotoRate(2, clock=clock)
    assert rate.take(1) is None
    clock.now += 20
    assert rate.take(1) is None
    assert rate.take(2) is None  # another member has their own minute
    assert rate.take(1) == Slowdown(wait=40.0, tell=True)
    clock.now += 10
    assert rate.take(1) == Slowdown(wait=30.0, tell=False)
    clock.now += 30  # the first photo is a minute old
    assert rate.take(1) is None
    assert rate.take(1) == Slowdown(wait=20.0, tell=True)
