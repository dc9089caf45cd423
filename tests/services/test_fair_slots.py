"""The fair solve slots: per-member and total caps, and whose photo goes next when a slot frees."""

from __future__ import annotations

import asyncio

import pytest

from bot.services.fair_slots import FairSlots


class Jobs:
    """Photos that hold a slot until the test lets them finish; `started` says in which order they got one."""

    def __init__(self, slots: FairSlots) -> None:
        self.slots = slots
        self.started: list[str] = []
        self._done: dict[str, asyncio.Event] = {}
        self.tasks: dict[str, asyncio.Task[None]] = {}

    def submit(self, member: int, name: str) -> None:
        self._done[name] = asyncio.Event()
        self.tasks[name] = asyncio.create_task(self._run(member, name))

    async def _run(self, member: int, name: str) -> None:
        async with self.slots.slot(member):
            self.started.append(name)
            await self._done[name].wait()

    async def finish(self, *names: str) -> None:
        for name in names:
            self._done[name].set()
            await self.tasks[name]
        await asyncio.sleep(0)  # the next holders start


async def settle() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


async def test_a_member_holds_at_most_their_share_and_everyone_at_most_the_total() -> None:
    jobs = Jobs(FairSlots(total=3, per_member=2))
    for n in range(4):
        jobs.submit(1, f"a{n}")
    jobs.submit(2, "b0")
    jobs.submit(3, "c0")
    await settle()
    assert jobs.started == ["a0", "a1", "b0"]
    await jobs.finish("b0")
    assert jobs.started[-1] == "c0"  # a2 waits: its member holds their two


async def test_a_freed_slot_goes_to_the_waiting_members_in_turn() -> None:
    jobs = Jobs(FairSlots(total=2, per_member=2))
    for n in range(6):
        jobs.submit(1, f"a{n}")
    await settle()
    jobs.submit(2, "b0")
    jobs.submit(2, "b1")
    jobs.submit(3, "c0")
    await settle()
    assert jobs.started == ["a0", "a1"]
    for name in ("a0", "a1", "a2", "b0", "c0"):
        await jobs.finish(name)
    # a's queue came first, then b and c took their turns before a's next photos.
    assert jobs.started == ["a0", "a1", "a2", "b0", "c0", "a3", "b1"]


async def test_a_cancelled_waiter_gives_its_turn_away_and_a_cancelled_holder_its_slot() -> None:
    jobs = Jobs(FairSlots(total=1, per_member=1))
    jobs.submit(1, "a0")
    jobs.submit(2, "b0")
    jobs.submit(3, "c0")
    await settle()
    jobs.tasks["b0"].cancel()
    await jobs.finish("a0")
    assert jobs.started == ["a0", "c0"]
    jobs.submit(1, "a1")
    jobs.tasks["c0"].cancel()
    with pytest.raises(asyncio.CancelledError):
        await jobs.tasks["c0"]
    await settle()
    assert jobs.started == ["a0", "c0", "a1"]


def test_caps_below_one_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        FairSlots(total=0, per_member=1)
