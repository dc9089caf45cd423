"""Within Telegram's real limits: the fake Bot API enforces its flood limits (429 with retry_after beyond them),
and the bot plans for them: a group's answers share a message rather than wait for the next minute."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.harness import bot_settings, replies_to, running_bot
from tests.e2e.images import sample_screenshot
from tests.fakes.telegram.callbacks import buttons
from tests.fakes.telegram.server import FakeTelegram

TELEGRAMS_LIMITS = {  # the bot's settings as they are by default, not lifted as for the other tests
    "telegram_max_messages_per_chat_per_second": 1,
    "telegram_max_group_messages_per_minute": 20,
}


async def test_twelve_members_posting_at_once_in_a_group_get_their_answers_in_a_few_messages(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    tg.enforce_flood_limits()
    settings = bot_settings(tg, tmp_path / "bot.sqlite3", answer_image="private", **TELEGRAMS_LIMITS)
    async with running_bot(settings) as bot:
        team = tg.group("Team")
        members = [tg.user(f"Member{n}") for n in range(12)]
        photos = [tg.send_photo(user, team, sample_screenshot(), caption="/solve") for user in members]

        def answers() -> list[str]:
            return re.findall(r"➡️ 27\d px", "\n".join(message.text or "" for message in tg.messages_in(team)))

        await tg.wait_for(lambda _: len(answers()) >= 12, timeout=20)
        await bot.wait_idle()
        sent = tg.messages_in(team)
        assert tg.flood_errors == 0
        assert 2 <= len(sent) <= 5  # a short burst, then the rest in one message
        assert all(message.photo is None for message in sent)  # in a group the answer is text
        text = "\n".join(message.text or "" for message in sent)
        assert len(answers()) == 12
        answered_alone = {message.reply_to_message_id for message in sent if "👤" not in (message.text or "")}
        named = set(re.findall(r"👤 (Member\d+) · \d\d:\d\d:\d\d", text))
        alone = {
            user.first_name
            for user, photo in zip(members, photos, strict=True)
            if photo["message_id"] in answered_alone
        }
        assert named | alone == {user.first_name for user in members}
        assert not any("⏳" in (message.history[0] or "") for message in sent)  # no "solving…" for a local answer
        for message in sent:  # a row of ✅/❌ under each answer a message carries
            assert len(buttons(message)) == len(re.findall(r"➡️", message.text or ""))


async def test_answers_refused_with_429_are_sent_after_the_wait_telegram_asked_for(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    settings = bot_settings(tg, tmp_path / "bot.sqlite3", **TELEGRAMS_LIMITS)
    async with running_bot(settings) as bot:
        anna = tg.user("Anna")
        dm = tg.private_chat(anna)
        tg.fail_next("sendMessage", retry_after=1, times=3)
        photos = [tg.send_photo(anna, dm, sample_screenshot()) for _ in range(3)]
        for photo in photos:
            answer = await tg.wait_for(replies_to(photo), timeout=15)
            assert (answer.text or "").startswith("➡️ 27")
        await bot.wait_idle()
        calls = tg.calls("sendMessage")
        refused = [call for call in calls if call.error_code == 429]
        assert len(refused) == 3
        first_retry = next(call for call in calls if call.error_code != 429)
        assert first_retry.monotonic - refused[0].monotonic >= 1.0  # retry_after honoured
        assert len(calls) == 6  # each answer once, after the three refusals: nothing lost, nothing twice
