"""Telegram's flood limits as the fake enforces them, on a clock the test sets."""

from __future__ import annotations

from tests.fakes.telegram.flood import TELEGRAM_LIMITS, FloodControl, FloodLimits

ALICE, BOB, TEAM = 100_001, 100_002, -1_000_000_000_001


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def flood_control(limits: FloodLimits = TELEGRAM_LIMITS) -> tuple[FloodControl, Clock]:
    clock = Clock()
    return FloodControl(limits, clock), clock


def test_a_chat_takes_a_burst_of_three_then_one_message_a_second() -> None:
    flood, clock = flood_control()

    assert [flood.admit(ALICE) for _ in range(4)] == [0, 0, 0, 1]
    clock.now = 0.4
    assert flood.admit(ALICE) == 1  # 0.6 s still to wait: Telegram rounds up to whole seconds
    assert flood.admit(BOB) == 0  # another chat has its own bucket
    clock.now = 1.0
    assert [flood.admit(ALICE) for _ in range(2)] == [0, 1]
    clock.now = 10.0
    assert [flood.admit(ALICE) for _ in range(4)] == [0, 0, 0, 1]  # the bucket refilled, but holds only three


def test_a_slower_rate_tells_to_wait_longer() -> None:
    flood, clock = flood_control(FloodLimits(per_chat_burst=1, per_chat_per_second=0.25))

    assert [flood.admit(ALICE) for _ in range(2)] == [0, 4]
    clock.now = 2.5
    assert flood.admit(ALICE) == 2


def test_a_group_takes_twenty_messages_a_minute() -> None:
    flood, clock = flood_control()
    for second in range(20):
        clock.now = second
        assert flood.admit(TEAM) == 0

    clock.now = 20.5
    assert flood.admit(TEAM) == 40  # until the first message, sent at 0, is a minute old
    clock.now = 59.9
    assert flood.admit(TEAM) == 1
    clock.now = 60.0
    assert [flood.admit(TEAM) for _ in range(2)] == [0, 1]  # one left the window, one came in


def test_a_private_chat_has_no_limit_per_minute() -> None:
    flood, clock = flood_control()
    for second in range(30):
        clock.now = second
        assert flood.admit(ALICE) == 0


def test_thirty_messages_a_second_overall() -> None:
    flood, clock = flood_control()
    users = range(ALICE, ALICE + 31)

    assert [flood.admit(user) for user in users] == [0] * 30 + [1]
    clock.now = 0.99
    assert flood.admit(users[-1]) == 1
    clock.now = 1.0
    assert flood.admit(users[-1]) == 0


def test_refused_messages_count_against_no_limit() -> None:
    flood, clock = flood_control(FloodLimits(per_chat_burst=10, per_group_per_minute=2, overall_per_second=3))
    assert [flood.admit(TEAM) for _ in range(2)] == [0, 0]

    assert [flood.admit(TEAM) for _ in range(5)] == [60] * 5  # refused by the group's limit alone
    assert [flood.admit(ALICE) for _ in range(2)] == [0, 1]  # so the overall limit had room for one more
    clock.now = 30.0
    assert flood.admit(TEAM) == 30
    clock.now = 60.0
    assert [flood.admit(TEAM) for _ in range(3)] == [0, 0, 60]  # nor did the refusals stay in the group's window


def test_refusals_take_nothing_from_a_chats_bucket() -> None:
    flood, clock = flood_control()
    assert [flood.admit(ALICE) for _ in range(3)] == [0, 0, 0]

    for tenth in range(1, 10):
        clock.now = tenth / 10
        assert flood.admit(ALICE) == 1
    clock.now = 1.0
    assert flood.admit(ALICE) == 0
