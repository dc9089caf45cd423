"""/balance, /usage and the admin commands, end to end, in both languages."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.e2e.harness import RunningBot, bot_settings, paid_solver, replies_to, running_bot
from tests.e2e.images import plain_png
from tests.fakes.omocaptcha_server import FakeOmoCaptcha
from tests.fakes.telegram.messages import SentMessage
from tests.fakes.telegram.objects import User
from tests.fakes.telegram.server import FakeTelegram


@asynccontextmanager
async def team_bot(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path, admin: User, **overrides: Any
) -> AsyncIterator[RunningBot]:
    settings = bot_settings(tg, tmp_path / "bot.sqlite3", admin_user_ids=str(admin.id), **paid_solver(omo), **overrides)
    async with running_bot(settings) as bot:
        yield bot


async def say(tg: FakeTelegram, user: User, text: str, **kwargs: Any) -> SentMessage:
    """`user` writes `text` in their private chat (or kwargs["chat"]); returns the bot's reply."""
    chat = kwargs.pop("chat", tg.private_chat(user))
    message = tg.send_text(user, chat, text, **kwargs)
    return await tg.wait_for(replies_to(message, settled=True))


async def test_balance_tells_members_what_they_have_and_whom_to_ask(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    boss = tg.user("Boss", username="boss")
    async with team_bot(tg, omo, tmp_path, boss, initial_tokens=2):
        await say(tg, boss, "/start")
        anna, an = tg.user("Anna"), tg.user("An", language_code="vi")
        assert (await say(tg, anna, "/balance")).text == (
            "💰 Balance: 2 token(s).\nA solve costs 1 token(s).\nAsk @boss for more tokens."
        )
        assert (await say(tg, an, "/balance")).text == (
            "💰 Số dư: 2 token.\nMỗi lần giải tốn 1 token.\nHãy xin thêm token từ @boss."
        )


async def test_usage_counts_solves_failures_and_refusals(tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path) -> None:
    boss = tg.user("Boss")
    async with team_bot(tg, omo, tmp_path, boss, initial_tokens=2):
        anna = tg.user("Anna")
        dm = tg.private_chat(anna)
        omo.fail_next = 1
        for colour in range(4):  # one fails (refunded), two succeed, the last finds no tokens left
            photo = tg.send_photo(anna, dm, plain_png(colour=(colour, 0, 0)))
            await tg.wait_for(replies_to(photo, settled=True))
        usage = (await say(tg, anna, "/usage")).text or ""
        assert usage.startswith(
            "📊 Your solves\nToday: 3 solve(s) — 2 succeeded, 1 failed, 1 refused; 2 token(s) spent"
        )
        assert "All time: 3 solve(s) — 2 succeeded, 1 failed, 1 refused; 2 token(s) spent" in usage


async def test_members_cannot_grant(tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path) -> None:
    boss = tg.user("Boss")
    async with team_bot(tg, omo, tmp_path, boss, initial_tokens=1) as bot:
        anna, an = tg.user("Anna", username="anna"), tg.user("An", language_code="vi")
        assert (await say(tg, anna, f"/grant {anna.id} 100")).text == "🔒 Only the bot's admins can use this command."
        assert (await say(tg, an, "/stats")).text == "🔒 Chỉ quản trị viên của bot mới dùng được lệnh này."
        assert bot.balance(anna.id) == 1
        assert bot.query("SELECT COUNT(*) FROM ledger WHERE reason = 'grant'") == [(0,)]


async def test_admins_grant_by_id_username_and_reply_and_members_are_told(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    boss = tg.user("Boss", username="boss")
    async with team_bot(tg, omo, tmp_path, boss) as bot:
        anna, an = tg.user("Anna", username="anna"), tg.user("An", language_code="vi", username="an_vn")
        await say(tg, anna, "/start")
        await say(tg, an, "/start")

        assert (await say(tg, boss, f"/grant {anna.id} 5 welcome")).text == "✅ @anna: +5 token(s), balance now 5."
        notice = await tg.wait_for(lambda m: m.chat_id == anna.id and "An admin changed" in (m.text or ""))
        assert notice.text == "💰 An admin changed your balance by +5 token(s). Balance: 5."

        assert (await say(tg, boss, "/grant @an_vn 3")).text == "✅ @an_vn: +3 token(s), balance now 3."
        vi_notice = await tg.wait_for(lambda m: m.chat_id == an.id and "Quản trị viên" in (m.text or ""))
        assert vi_notice.text == "💰 Quản trị viên đã thay đổi số dư của bạn +3 token. Số dư: 3."

        team = tg.group()
        tg.set_member_status(team, tg.bot, "administrator")
        said = tg.send_text(an, team, "xin thêm token")
        await asyncio.sleep(0.1)
        done = await say(tg, boss, "/grant 2 for the demo", chat=team, reply_to=said)
        assert done.text == "✅ @an_vn: +2 token(s), balance now 5."
        assert bot.query("SELECT note, actor FROM ledger WHERE reason = 'grant' ORDER BY id") == [
            ("welcome", f"admin:{boss.id}"),
            (None, f"admin:{boss.id}"),
            ("for the demo", f"admin:{boss.id}"),
        ]


async def test_grants_that_cannot_apply_are_explained(tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path) -> None:
    boss = tg.user("Boss")
    async with team_bot(tg, omo, tmp_path, boss, initial_tokens=2) as bot:
        anna = tg.user("Anna", username="anna")
        await say(tg, anna, "/start")
        refused = await say(tg, boss, "/grant @anna -3")
        assert refused.text == "🚫 @anna has 2 token(s); removing 3 would go below zero. Nothing changed."
        assert (await say(tg, boss, "/grant @nobody 3")).text == (
            "I don't know @nobody: they have to message me first, or use their numeric id."
        )
        huge = "1000000000000000000000000000000"
        assert (await say(tg, boss, f"/grant {huge} 5")).text == (
            f"I don't know {huge}: they have to message me first, or use their numeric id."
        )
        for wrong in ("/grant", "/grant @anna", "/grant @anna lots", f"/grant @anna {huge}"):
            assert ((await say(tg, boss, wrong)).text or "").startswith("Usage: /grant <user_id|@username> <amount>")
        assert (await say(tg, boss, "/grant @anna -2")).text == "✅ @anna: -2 token(s), balance now 0."
        assert bot.balance(anna.id) == 0


async def test_users_stats_and_ledger_match_the_command_line(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    boss = tg.user("Boss", language_code="en")
    async with team_bot(tg, omo, tmp_path, boss, initial_tokens=3) as bot:
        anna = tg.user("Anna", username="anna")
        photo = tg.send_photo(anna, tg.private_chat(anna), plain_png())
        await tg.wait_for(replies_to(photo, settled=True))

        users = (await say(tg, boss, "/users")).text or ""
        assert users.splitlines()[0] == "👥 Members, most recent first (page 1/1)"
        assert f"@anna · id {anna.id} — 2 token(s), 1 solve(s), 100% success" in users
        from_cli = {row.user_id: row for row in await bot.accounts.usage_table()}
        assert from_cli[anna.id].balance == 2
        assert from_cli[anna.id].solves == 1

        stats = (await say(tg, boss, "/stats")).text or ""
        assert stats.startswith("📈 Team statistics\nToday: 1 solve(s), 100% success")
        assert "1 token(s) spent, 0 refunded; local 0 / OmoCaptcha 1" in stats
        assert stats.endswith("🏦 OmoCaptcha balance: 12.34500")

        ledger = (await say(tg, boss, "/ledger @anna")).text or ""
        lines = ledger.splitlines()
        assert lines[0] == "📒 Ledger of @anna, latest first (balance 2):"
        assert lines[1].endswith("-1 → 2 · solve · bot")
        assert lines[2].endswith("+3 → 3 · welcome · bot")


async def test_admins_are_warned_once_when_the_provider_balance_runs_low(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    boss = tg.user("Boss", language_code="vi")  # never wrote to the bot: warned in the default language
    omo.balance = Decimal("0.50000")
    async with team_bot(tg, omo, tmp_path, boss, provider_low_balance="1", provider_balance_check_seconds=0.05):
        warning = await tg.wait_for(lambda m: m.chat_id == boss.id)
        await say(tg, boss, "/stats")  # another check: still low, no second warning
        await asyncio.sleep(0.3)  # several more periodic checks
        warnings = [m for m in tg.messages_in(boss.id) if (m.text or "").startswith("⚠️")]
        assert warning.text == (
            "⚠️ The OmoCaptcha balance is 0.50000, below 1. Top it up, or paid solves will start failing."
        )
        assert len(warnings) == 1
        assert omo.balance_requests >= 3


async def test_the_command_menu_shows_admin_commands_only_to_admins(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    boss = tg.user("Boss")
    async with team_bot(tg, omo, tmp_path, boss):
        menus = [
            (call.params.get("scope"), call.params.get("language_code"), call.params["commands"])
            for call in tg.calls("setMyCommands")
        ]

    def names(commands: Any) -> list[str]:
        listed = json.loads(commands) if isinstance(commands, str) else commands
        return [command["command"] for command in listed]

    default_menus = [names(c) for scope, _, c in menus if (scope or {}).get("type", "default") == "default"]
    admin_menus = [names(c) for scope, _, c in menus if (scope or {}).get("type") == "chat"]
    assert default_menus
    assert all(menu == ["solve", "balance", "usage", "help"] for menu in default_menus)
    assert admin_menus == [["solve", "balance", "usage", "help", "grant", "users", "stats", "ledger"]]


async def test_a_menu_telegram_fails_to_take_does_not_stop_the_bot(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    tg.fail_next("setMyCommands", error_code=502, description="Bad Gateway")
    async with team_bot(tg, omo, tmp_path, tg.user("Boss")):
        anna = tg.user("Anna")
        start = tg.send_text(anna, tg.private_chat(anna), "/start")
        assert ((await tg.wait_for(replies_to(start))).text or "").startswith("👋 I solve Bytrade slide puzzles")


async def test_admin_and_member_reports_in_vietnamese(tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path) -> None:
    boss = tg.user("Sếp", language_code="vi", username="sep")
    async with team_bot(tg, omo, tmp_path, boss, initial_tokens=2):
        an = tg.user("An", language_code="vi", username="an")
        photo = tg.send_photo(an, tg.private_chat(an), plain_png())
        await tg.wait_for(replies_to(photo, settled=True))

        usage = (await say(tg, an, "/usage")).text or ""
        assert usage.startswith("📊 Lượt giải của bạn\nHôm nay: 1 lượt giải — 1 thành công, 0 thất bại")
        stats = (await say(tg, boss, "/stats")).text or ""
        assert stats.startswith("📈 Thống kê cả nhóm\nHôm nay: 1 lượt giải, thành công 100%")
        assert stats.endswith("🏦 Số dư OmoCaptcha: 12.34500")
        users = (await say(tg, boss, "/users")).text or ""
        assert f"@an · id {an.id} — 1 token, 1 lượt giải, thành công 100%" in users
        ledger = (await say(tg, boss, "/ledger @an")).text or ""
        assert ledger.startswith("📒 Sổ cái của @an, mới nhất trước (số dư 1):")
        assert "-1 → 1 · giải · bot" in ledger
        granted = (await say(tg, boss, "/grant @an 4 thưởng")).text
        assert granted == "✅ @an: +4 token, số dư hiện tại 5."
