"""The flood plan on a played clock: what it lets through is what Telegram's limits allow."""

from __future__ import annotations

import itertools

import pytest

from bot.services.flood import CHAT_BURST, GROUP_BURST, FloodLimits, FloodPlan

GROUP = -100123
ANNA = 42


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def sent_within(plan: FloodPlan, clock: Clock, chat_id: int, seconds: float, *, step: float = 0.01) -> list[float]:
    """Send to `chat_id` whenever the plan allows, for `seconds`: the times, from the start."""
    start, times = clock.now, []
    while clock.now - start < seconds:
        while plan.ready_in(chat_id) == 0:
            plan.take(chat_id)
            times.append(clock.now - start)
        clock.now += step
    return times


def test_a_private_chat_gets_a_short_burst_then_about_one_message_a_second(clock: Clock) -> None:
    plan = FloodPlan(FloodLimits(), clock=clock)
    times = sent_within(plan, clock, ANNA, 10)
    assert times[:CHAT_BURST] == [0.0] * CHAT_BURST
    later = times[CHAT_BURST:]
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(later))  # 1/s, with a margin
    assert 10 <= len(times) <= 12


def test_a_group_never_gets_more_than_its_minute_in_any_60_seconds(clock: Clock) -> None:
    plan = FloodPlan(FloodLimits(group_per_minute=20), clock=clock)
    times = sent_within(plan, clock, GROUP, 300, step=0.05)
    assert max(sum(1 for t in times if start <= t < start + 60) for start in times) <= 20
    assert len(times) >= 90  # and close to it: 20 a minute
    # Spread, not spent: after the burst a message may go every 3 s, so a group busy for a while never waits
    # for the next minute. (Busy for most of a minute, it uses the minute up and then waits.)
    assert times[: GROUP_BURST // 2] == [0.0] * (GROUP_BURST // 2)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert max(gaps[: GROUP_BURST + 5]) <= 3.1


def test_all_chats_together_stay_under_the_overall_rate(clock: Clock) -> None:
    plan = FloodPlan(FloodLimits(overall_per_second=30), clock=clock)
    sent = 0
    for chat_id in range(1, 200):  # each chat has its own burst left: only the overall limit binds
        if plan.ready_in(chat_id) == 0:
            plan.take(chat_id)
            sent += 1
    assert sent == 30
    clock.now += 1.1  # a second, and the margin for the time a message takes to reach Telegram
    assert plan.ready_in(500) == 0


def test_a_429_holds_its_chat_alone_for_the_time_telegram_asked(clock: Clock) -> None:
    plan = FloodPlan(FloodLimits(), clock=clock)
    plan.hold(GROUP, 7)
    assert plan.ready_in(GROUP) == pytest.approx(7)
    assert plan.ready_in(ANNA) == 0
    clock.now += 7
    assert plan.ready_in(GROUP) == 0
    plan.hold(None, 2)  # the whole bot
    assert plan.ready_in(ANNA) == pytest.approx(2)


def test_what_a_chat_may_be_sent_now_is_its_scarcest_allowance(clock: Clock) -> None:
    plan = FloodPlan(FloodLimits(), clock=clock)
    assert plan.spare(GROUP) == CHAT_BURST
    plan.take(GROUP)
    assert plan.spare(GROUP) == CHAT_BURST - 1
    plan.hold(GROUP, 5)
    assert plan.spare(GROUP) == 0
