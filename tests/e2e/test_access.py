"""Who may use the bot: members only in private chats, a photo cap per minute, and a fair share of the solvers."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from tests.e2e.harness import bot_settings, paid_solver, replies_to, running_bot
from tests.e2e.images import plain_png
from tests.fakes.omocaptcha_server import FakeOmoCaptcha
from tests.fakes.telegram.objects import User
from tests.fakes.telegram.params import JSONDict
from tests.fakes.telegram.server import FakeTelegram

ANSWER = "➡️ 100 px"
STRANGER_LINE = "🔒 Sorry, I only solve puzzles for the members of my team's group. Ask @boss to let you in."


def start(tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path, **overrides: Any) -> Any:
    settings = bot_settings(tg, tmp_path / "bot.sqlite3", **{**paid_solver(omo), "initial_tokens": 5, **overrides})
    return running_bot(settings)


async def say(tg: FakeTelegram, user: User, image: int = 0) -> str:
    """The bot's settled reply to a photo the user sends in their private chat."""
    photo = tg.send_photo(user, tg.private_chat(user), plain_png(colour=(image, 50, 50)))
    return (await tg.wait_for(replies_to(photo, settled=True))).text or ""


async def test_a_stranger_is_told_whom_to_ask_and_nothing_is_charged(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    boss, stranger = tg.user("Boss", username="boss"), tg.user("Eve")
    team = tg.group("Team")
    tg.set_member_status(team, stranger, "left")
    async with start(tg, omo, tmp_path, allowed_chat_ids=str(team.id), admin_user_ids=str(boss.id)) as bot:
        tg.send_text(boss, tg.private_chat(boss), "/start")  # so the bot knows the admin's @username
        await tg.wait_for(lambda m: m.chat_id == boss.id)
        assert await say(tg, stranger, 1) == STRANGER_LINE
        assert await say(tg, stranger, 2) == STRANGER_LINE
        await bot.wait_idle()
        assert len(tg.calls("getChatMember")) == 1  # remembered
        assert omo.jobs_created == 0
        assert bot.query("SELECT count(*) FROM solve_requests") == [(0,)]
        assert bot.query("SELECT count(*) FROM inbox WHERE handled_at IS NULL") == [(0,)]


async def test_members_restricted_members_granted_users_and_admins_are_served(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    member, muted, granted, boss = (tg.user(name) for name in ("Anna", "Bao", "Chi", "Boss"))
    team = tg.group("Team")
    tg.set_member_status(team, muted, "restricted")  # still in the group (is_member)
    for outsider in (granted, boss):
        tg.set_member_status(team, outsider, "left")
    async with start(tg, omo, tmp_path, allowed_chat_ids=str(team.id), admin_user_ids=str(boss.id)) as bot:
        await bot.accounts.grant(granted.id, 2, actor="test")
        for n, user in enumerate((member, muted, granted, boss)):
            assert (await say(tg, user, n)).startswith(ANSWER)
        assert bot.balance(granted.id) == 1


async def test_with_members_only_off_a_stranger_is_served(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    stranger = tg.user("Eve")
    team = tg.group("Team")
    tg.set_member_status(team, stranger, "left")
    async with start(tg, omo, tmp_path, allowed_chat_ids=str(team.id), members_only=False):
        assert (await say(tg, stranger)).startswith(ANSWER)
        assert tg.calls("getChatMember") == []


async def test_when_telegram_cannot_say_a_known_member_is_served_and_others_asked_to_try_again(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    anna, newcomer = tg.user("Anna"), tg.user("Binh")
    team = tg.group("Team")
    async with start(tg, omo, tmp_path, allowed_chat_ids=str(team.id), membership_cache_seconds=0.1) as bot:
        assert (await say(tg, anna, 1)).startswith(ANSWER)
        await asyncio.sleep(0.2)  # Anna's membership is due to be asked again
        tg.fail_next("getChatMember", error_code=502, description="Bad Gateway", times=2)
        assert (await say(tg, anna, 2)).startswith(ANSWER)
        assert (await say(tg, newcomer, 3)).startswith("📡 I could not check with Telegram that you are a member")
        assert (await say(tg, newcomer, 4)).startswith(ANSWER)  # Telegram answers again
        assert bot.balance(newcomer.id) == 4


async def test_photos_past_the_limit_per_minute_are_refused_once_and_not_charged(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    async with start(tg, omo, tmp_path, max_photos_per_minute=3) as bot:
        anna = tg.user("Anna")
        dm = tg.private_chat(anna)
        for n in range(5):
            tg.send_photo(anna, dm, plain_png(colour=(n, 80, 80)))
        await tg.wait_for(lambda m: (m.text or "").startswith("⏱"))
        await bot.wait_idle()
        replies = [m.text or "" for m in tg.messages_in(dm)]
        assert sum(text.startswith(ANSWER) for text in replies) == 3
        refusals = [text for text in replies if text.startswith("⏱")]
        assert refusals == [
            "⏱ That is more than 3 photos in a minute: I skip your photos for the next 60 s. Nothing was charged."
        ]
        assert bot.balance(anna.id) == 2
        assert bot.query("SELECT count(*) FROM inbox WHERE handled_at IS NULL") == [(0,)]


async def test_a_member_with_few_photos_is_answered_before_another_members_many(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    omo.solve_delay = 0.2
    async with start(tg, omo, tmp_path, initial_tokens=6, max_concurrent_jobs=2, max_jobs_per_user=2):
        anna, binh = tg.user("Anna"), tg.user("Binh")
        both_slots_taken = asyncio.Event()
        omo.on_job_created = lambda _: both_slots_taken.set() if omo.jobs_created == 2 else None
        many = [tg.send_photo(anna, tg.private_chat(anna), plain_png(colour=(n, 1, 1))) for n in range(6)]
        await asyncio.wait_for(both_slots_taken.wait(), 10)  # Anna's first two hold the slots
        few = [tg.send_photo(binh, tg.private_chat(binh), plain_png(colour=(n, 2, 2))) for n in range(2)]
        answered = await asyncio.gather(*(answered_at(tg, photo) for photo in [*many, *few]))
        assert max(answered[len(many) :]) < max(answered[: len(many)])
        # Binh's two took turns with Anna's queue: two of hers before his first, one or two more before his second.
        assert sum(at < max(answered[len(many) :]) for at in answered[: len(many)]) <= 4


async def answered_at(tg: FakeTelegram, photo: JSONDict) -> float:
    await tg.wait_for(replies_to(photo, settled=True), timeout=20)
    return time.monotonic()
