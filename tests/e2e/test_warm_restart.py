"""No cold start: a restarted bot places its first result polls from the paid jobs in its database."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.harness import bot_settings, paid_solver, replies_to, running_bot
from tests.e2e.images import plain_png
from tests.fakes.omocaptcha_server import FakeOmoCaptcha
from tests.fakes.telegram.server import FakeTelegram


async def test_after_a_restart_the_first_jobs_are_polled_as_a_warm_bot_polls_them(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    omo.solve_delay = 0.5  # ten poll intervals of the test pacing
    settings = bot_settings(tg, tmp_path / "bot.sqlite3", **paid_solver(omo), initial_tokens=10)
    users = [tg.user(f"Member{n}") for n in range(6)]

    async def burst(count: int, first: int) -> list[int]:
        """Photos from the members in turn; the polls each one's job took."""
        photos = [
            tg.send_photo(user, tg.private_chat(user), plain_png(colour=(first + n, 7, 7)))
            for n, user in zip(range(count), users * count, strict=False)
        ]
        for photo in photos:
            reply = await tg.wait_for(replies_to(photo, settled=True))
            assert (reply.text or "").startswith("➡️ 100 px")
        return [omo.polls_of(job_id) for job_id in sorted(omo.jobs)[-count:]]

    async with running_bot(settings):
        cold = await burst(24, 0)
    async with running_bot(settings):
        warm = await burst(3, 100)
    assert min(cold) >= 3  # a fresh planner explores from OMOCAPTCHA_FIRST_POLL_DELAY
    assert max(warm) <= 2  # one poll; two for a job picked to probe (4 %) the solve time
