"""The `captcha-bot` command as a real process: run, CLI commands, and a crash with jobs in flight."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path

from tests.e2e.harness import ledger_mismatches, replies_to
from tests.e2e.images import plain_png
from tests.e2e.process import bot_environment, bot_process, run_cli, run_cli_async
from tests.fakes.omocaptcha_server import FakeOmoCaptcha
from tests.fakes.telegram_server import FakeTelegram


def telegram_env(tg: FakeTelegram, database: Path) -> dict[str, str]:
    return bot_environment(
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_BASE_URL=tg.base_url,
        TELEGRAM_BASE_FILE_URL=tg.base_file_url,
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        ANSWER_IMAGE="false",
    )


def submitted(database: Path) -> int:
    """Requests whose provider job id is on disk (0 until the bot has created its tables)."""
    with sqlite3.connect(database) as connection:
        try:
            (count,) = connection.execute("SELECT COUNT(*) FROM solve_requests WHERE status = 'submitted'").fetchone()
        except sqlite3.OperationalError:
            return 0
    return int(count)


async def eventually(condition: Callable[[], bool], seconds: float = 15.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 -- the condition is another process's effect on the fakes
            await asyncio.sleep(0.02)


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

    for user_id, amount in (("1000000000000000000000000000000", "5"), ("42", "1000000000000000000000000000000")):
        impossible = run_cli(tmp_path, env, "grant", user_id, amount)
        assert impossible.returncode == 2
        assert len(impossible.stderr.strip().splitlines()) == 1, impossible.stderr  # one line, no traceback
        assert impossible.stderr.startswith("captcha-bot: refused: ")

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


async def test_a_killed_bot_answers_every_photo_after_restart_and_charges_once(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    omo.solve_delay = 2.0
    database = tmp_path / "bot.sqlite3"
    env = telegram_env(tg, database) | {
        "INITIAL_TOKENS": "5",
        "SOLVER": "omocaptcha",
        "OMOCAPTCHA_API_KEY": "test-key",
        "OMOCAPTCHA_BASE_URL": omo.base_url,
        "OMOCAPTCHA_FIRST_POLL_DELAY": "0.2",
        "OMOCAPTCHA_POLL_INTERVAL": "0.2",
        "MAX_CONCURRENT_JOBS": "3",
    }
    anna, bob = tg.user("Anna"), tg.user("Bob", language_code="vi")
    photos = [
        tg.send_photo(anna, tg.private_chat(anna), plain_png(colour=(1, 2, 3))),
        tg.send_photo(anna, tg.private_chat(anna), plain_png(colour=(4, 5, 6))),
        tg.send_photo(bob, tg.private_chat(bob), plain_png(colour=(7, 8, 9))),
        tg.send_photo(bob, tg.private_chat(bob), plain_png(colour=(10, 11, 12))),  # waits for a free slot
    ]
    async with bot_process(tmp_path, env, tmp_path / "first.log") as first:
        # Three jobs at the provider (and their ids on disk), the fourth charged and queued behind them:
        # then the plug is pulled.
        await eventually(lambda: submitted(database) == 3 and len(tg.calls("sendMessage")) == 4)
        first.send_signal(signal.SIGKILL)
        await first.wait()

    async with bot_process(tmp_path, env, tmp_path / "second.log"):
        settled = [await tg.wait_for(replies_to(photo, settled=True), timeout=30) for photo in photos]

    texts = [message.text or "" for message in settled]
    # Three reached the provider and were resumed; the one still queued was solved from its file after the restart.
    assert sum(text.startswith("➡️ 100 px") for text in texts) == 4
    balances = sqlite3.connect(database).execute("SELECT SUM(balance) FROM users").fetchone()
    assert balances == (5 + 5 - 4,)  # each answer charged once
    assert omo.jobs_created == 4  # nothing sent to the provider twice
    assert len({job.image for job in omo.jobs.values()}) == 4
    assert all(len(job.polls) >= 1 for job in omo.jobs.values())
    assert ledger_mismatches(database) == []


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
