"""The `captcha-bot` command as a real process: run, and the CLI commands beside it (crashes: test_crashes.py)."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

from tests.e2e.harness import ledger_mismatches, replies_to
from tests.e2e.process import bot_environment, bot_process, run_cli, run_cli_async, telegram_environment
from tests.fakes.telegram.server import FakeTelegram


def telegram_env(tg: FakeTelegram, database: Path) -> dict[str, str]:
    return telegram_environment(tg, database, ANSWER_IMAGE="false")


async def test_run_answers_start_in_both_languages_and_never_logs_the_token(tg: FakeTelegram, tmp_path: Path) -> None:
    env = telegram_env(tg, tmp_path / "bot.sqlite3") | {"LOG_LEVEL": "DEBUG"}
    log = tmp_path / "bot.log"
    async with bot_process(tmp_path, env, log) as process:
        an, bob = tg.user("An", language_code="vi"), tg.user("Bob", language_code="en-GB")
        vi_start = tg.send_text(an, tg.private_chat(an), "/start")
        en_start = tg.send_text(bob, tg.private_chat(bob), "/start")
        vi_reply = await tg.wait_for(replies_to(vi_start), timeout=30)
        en_reply = await tg.wait_for(replies_to(en_start), timeout=30)
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), 30) == 0
    assert vi_reply.text is not None
    assert vi_reply.text.startswith("👋 Mình giải captcha")
    assert en_reply.text is not None
    assert en_reply.text.startswith("👋 I solve Bytrade slide puzzles")
    logged = log.read_text()
    assert "getUpdates" in logged  # httpx logged the request URLs at DEBUG …
    assert tg.token not in logged
    assert tg.token.split(":")[1] not in logged


async def test_run_started_while_telegram_is_down_waits_for_it_and_then_serves(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    tg.go_down("drop")  # as when the machine boots before its network, or Telegram is blocked
    async with bot_process(tmp_path, telegram_env(tg, tmp_path / "bot.sqlite3"), log) as process:
        await tg.wait_for_call("getMe", lambda _: len(tg.calls("getMe")) >= 3, timeout=30)  # it does not give up
        assert process.returncode is None
        tg.come_back()
        anna = tg.user("Anna")
        start = tg.send_text(anna, tg.private_chat(anna), "/start")
        reply = await tg.wait_for(replies_to(start), timeout=30)
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), 30) == 0
    assert (reply.text or "").startswith("👋 I solve Bytrade slide puzzles")
    logged = log.read_text()
    assert "Telegram cannot be reached at start-up" in logged
    assert "Traceback" not in logged


async def test_run_stopped_while_waiting_for_telegram_stops_at_once_and_cleanly(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    tg.go_down("502")
    async with bot_process(tmp_path, telegram_env(tg, tmp_path / "bot.sqlite3"), log) as process:
        await tg.wait_for_call("getMe", timeout=30)
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 10) == 0
    logged = log.read_text()
    assert "Traceback" not in logged
    assert "Unclosed" not in logged  # its connections were closed


async def test_run_with_a_token_telegram_refuses_says_so_in_one_line_and_exits_1(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    env = telegram_env(tg, tmp_path / "bot.sqlite3") | {"TELEGRAM_BOT_TOKEN": "999:REVOKED"}
    code, stdout, stderr = await run_cli_async(tmp_path, env, "run")
    assert code == 1
    assert (
        stderr.strip()
        .splitlines()[-1]
        .endswith("CRITICAL bot.app: Telegram refuses the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather)")
    )
    assert "REVOKED" not in stdout + stderr
    assert "Traceback" not in stderr


def test_run_without_a_token_names_the_setting_and_exits_2(tmp_path: Path) -> None:
    result = run_cli(tmp_path, bot_environment(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}"), "run")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "captcha-bot: TELEGRAM_BOT_TOKEN is not set: put the bot token from @BotFather in .env"
    ]


def test_an_invalid_setting_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_cli(tmp_path, bot_environment(TOKENS_PER_SOLVE="lots"), "users")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("captcha-bot: TOKENS_PER_SOLVE:")


def test_grant_and_users_from_the_command_line(tmp_path: Path) -> None:
    env = bot_environment(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'data' / 'bot.sqlite3'}")
    assert run_cli(tmp_path, env, "db", "upgrade").returncode == 0
    granted = run_cli(tmp_path, env, "grant", "42", "5", "--note", "welcome")
    assert granted.returncode == 0, granted.stderr
    assert granted.stdout.strip() == "user 42: +5 token(s), balance now 5"

    refused = run_cli(tmp_path, env, "grant", "42", "-6")
    assert refused.returncode == 1
    assert "would take the balance below zero" in refused.stderr

    impossible = run_cli(tmp_path, env, "grant", "1000000000000000000000000000000", "5")
    assert impossible.returncode == 2
    assert impossible.stderr.strip().splitlines() == [  # one line, not SQLite's OverflowError traceback
        "captcha-bot: refused: 1000000000000000000000000000000 is not a Telegram user id (1 to 2^52)"
    ]

    users = json.loads(run_cli(tmp_path, env, "users", "--json").stdout)
    assert users == [
        {
            "user_id": 42,
            "username": None,
            "first_name": None,
            "balance": 5,
            "solves": 0,
            "succeeded": 0,
            "failed": 0,
            "refused": 0,
            "tokens_spent": 0,
            "last_seen_at": users[0]["last_seen_at"],
        }
    ]
    assert ledger_mismatches(tmp_path / "data" / "bot.sqlite3") == []


async def test_the_command_line_works_while_the_bot_runs(tg: FakeTelegram, tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    env = telegram_env(tg, database)
    async with bot_process(tmp_path, env, tmp_path / "bot.log"):
        anna = tg.user("Anna", username="anna")
        hello = tg.send_text(anna, tg.private_chat(anna), "/start")
        await tg.wait_for(replies_to(hello), timeout=30)
        code, stdout, stderr = await run_cli_async(tmp_path, env, "grant", str(anna.id), "7", "--note", "from a shell")
        assert code == 0, stderr
        ask = tg.send_text(anna, tg.private_chat(anna), "/balance")
        balance = await tg.wait_for(replies_to(ask), timeout=30)
        code, stdout, _ = await run_cli_async(tmp_path, env, "users", "--json")
    assert (balance.text or "").startswith("💰 Balance: 7 token(s).")
    assert [(row["username"], row["balance"]) for row in json.loads(stdout)] == [("anna", 7)]
