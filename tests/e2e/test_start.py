"""/start and /help through the real Application and the fake Bot API."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.harness import bot_settings, replies_to, running_bot
from tests.fakes.telegram.server import FakeTelegram


async def test_start_answers_in_the_senders_language(tg: FakeTelegram, tmp_path: Path) -> None:
    settings = bot_settings(tg, tmp_path / "bot.sqlite3", initial_tokens=3)
    async with running_bot(settings) as bot:
        an = tg.user("An", language_code="vi-VN")
        bob = tg.user("Bob", language_code="en")
        vi_start = tg.send_text(an, tg.private_chat(an), "/start")
        en_help = tg.send_text(bob, tg.private_chat(bob), "/help")

        vi_reply = await tg.wait_for(replies_to(vi_start))
        en_reply = await tg.wait_for(replies_to(en_help))

        assert vi_reply.text is not None
        assert "Gửi ảnh chụp màn hình" in vi_reply.text
        assert "Số dư của bạn: 3 token" in vi_reply.text
        assert en_reply.text is not None
        assert "Send me a screenshot" in en_reply.text
        assert "Your balance: 3 token(s)" in en_reply.text
        assert "/solve" in en_reply.text
        assert "privacy mode" in en_reply.text
        assert bot.balance(an.id) == 3  # the initial grant, once


async def test_unknown_language_gets_the_default(tg: FakeTelegram, tmp_path: Path) -> None:
    settings = bot_settings(tg, tmp_path / "bot.sqlite3", default_language="vi")
    async with running_bot(settings):
        someone = tg.user("Someone", language_code=None)
        start = tg.send_text(someone, tg.private_chat(someone), "/start")
        reply = await tg.wait_for(replies_to(start))
        assert reply.text is not None
        assert "Mình giải captcha" in reply.text
