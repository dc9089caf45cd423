"""`kill -9` at chosen moments of a burst of paid photos, then a restart: nothing is lost, charged twice or left
"solving…", and every member is told the truth (tests/e2e/bursts.py says what must hold)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.bursts import Burst, Killer, paid_bot_env, run_and_restart
from tests.fakes.omocaptcha_server import FakeOmoCaptcha
from tests.fakes.telegram.server import FakeTelegram

Arm = Callable[[Burst, Killer], None]


def after_the_offset_is_confirmed(burst: Burst, kill: Killer) -> None:
    """Telegram has been told the burst arrived (the getUpdates that confirms it), and is answering it."""
    last = burst.last_update_id
    burst.tg.on_call("getUpdates", kill, when=lambda call: (call.params.get("offset") or 0) > last)


def when_the_first_job_reaches_the_provider(burst: Burst, kill: Killer) -> None:
    """A paid job exists and its id never reaches the bot."""
    burst.omo.on_job_created = kill


def while_the_first_answers_are_settled(burst: Burst, kill: Killer) -> None:
    """5 ms after the provider hands over the first result: the bot is closing requests and refunding."""
    loop = asyncio.get_running_loop()

    def soon(_job: object) -> None:
        loop.call_later(0.005, kill)

    burst.omo.on_result = soon


def when_the_first_answer_is_delivered(burst: Burst, kill: Killer) -> None:
    """Telegram edits the "solving…" reply into the answer, and the bot never hears that it did."""
    burst.tg.on_call("editMessageText", kill)


def after(seconds: float) -> Arm:
    def arm(burst: Burst, kill: Killer) -> None:
        asyncio.get_running_loop().call_later(seconds, kill)

    return arm


_moments = random.Random(11)
RANDOM_MOMENTS = sorted(round(_moments.uniform(0.0, 0.3), 3) for _ in range(3))


@pytest.mark.parametrize(
    "arm",
    [
        after_the_offset_is_confirmed,
        when_the_first_job_reaches_the_provider,
        while_the_first_answers_are_settled,
        when_the_first_answer_is_delivered,
        *(after(seconds) for seconds in RANDOM_MOMENTS),
    ],
    ids=[
        "offset-confirmed",
        "first-createJob",
        "settlement",
        "delivery",
        *(f"after-{seconds:.3f}s" for seconds in RANDOM_MOMENTS),
    ],
)
async def test_a_killed_bot_loses_nothing_and_charges_once(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path, arm: Arm
) -> None:
    omo.solve_delay = 0.3
    database = tmp_path / "bot.sqlite3"
    burst = Burst.of(tg, omo, database)
    env = paid_bot_env(tg, omo, database, MAX_CONCURRENT_JOBS="4")
    endings = await run_and_restart(burst, env, tmp_path, arm)
    assert endings["answered"] + endings["refunded"] == 8


async def test_a_job_at_the_provider_without_its_id_is_refunded_with_the_truth(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    omo.solve_delay = 0.3
    database = tmp_path / "bot.sqlite3"
    burst = Burst.of(tg, omo, database, members=1)
    endings = await run_and_restart(
        burst, paid_bot_env(tg, omo, database), tmp_path, when_the_first_job_reaches_the_provider, photos=1
    )
    assert endings == {"refunded": 1}
    assert omo.jobs_created == 1  # paid once, and not sent again
