"""The `captcha-bot` command line: run the bot, migrate, and manage members from a shell."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict

from bot.db.balances import NotEnoughTokens
from bot.db.engine import create_engine
from bot.db.migrate import upgrade_database
from bot.logs import setup_logging
from bot.runtime import open_runtime
from bot.settings import Settings, SettingsError, load_settings

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="captcha-bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="start the bot (long polling); applies pending migrations first")
    db = commands.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"], help="upgrade: apply pending migrations")
    users = commands.add_parser("users", help="list known users with balance and usage")
    users.add_argument("--json", action="store_true", help="print a JSON list")
    grant = commands.add_parser("grant", help="add tokens to a user (a negative amount removes)")
    grant.add_argument("user_id", type=int)
    grant.add_argument("amount", type=int)
    grant.add_argument("--note", default=None)
    return parser


def _fail(message: str, code: int = 1) -> int:
    print(f"captcha-bot: {message}", file=sys.stderr)
    return code


def _run_bot(settings: Settings) -> int:
    from bot.app import build_application  # telegram is only imported when the bot runs

    if settings.telegram_bot_token is None:
        return _fail("TELEGRAM_BOT_TOKEN is not set: put the bot token from @BotFather in .env", EXIT_USAGE)
    build_application(settings).run_polling(allowed_updates=[], close_loop=False)
    return 0


async def _db_upgrade(settings: Settings) -> int:
    engine = create_engine(settings)
    try:
        await upgrade_database(engine)
    finally:
        await engine.dispose()
    print("database is up to date")
    return 0


async def _users(settings: Settings, as_json: bool) -> int:
    async with open_runtime(settings) as runtime:
        rows = await runtime.accounts.usage_table()
    if as_json:
        print(json.dumps([asdict(row) for row in rows], default=str, ensure_ascii=False, indent=2))
        return 0
    print(f"{'user_id':>12}  {'username':<20} {'balance':>7} {'solves':>6} {'ok':>5} {'failed':>6} {'refused':>7}")
    for row in rows:
        name = f"@{row.username}" if row.username else (row.first_name or "")
        print(
            f"{row.user_id:>12}  {name:<20} {row.balance:>7} {row.solves:>6} "
            f"{row.succeeded:>5} {row.failed:>6} {row.refused:>7}"
        )
    return 0


async def _grant(settings: Settings, user_id: int, amount: int, note: str | None) -> int:
    async with open_runtime(settings) as runtime:
        try:
            balance = await runtime.accounts.grant(user_id, amount, actor="cli", note=note)
        except NotEnoughTokens as exc:
            return _fail(
                f"refused: user {user_id} has {exc.balance} token(s); "
                f"removing {-amount} would take the balance below zero"
            )
    print(f"user {user_id}: {amount:+d} token(s), balance now {balance}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        return _fail(str(exc), EXIT_USAGE)
    secrets = [s.get_secret_value() for s in (settings.telegram_bot_token, settings.omocaptcha_api_key) if s]
    setup_logging(settings.log_level, secrets)
    match args.command:
        case "run":
            return _run_bot(settings)
        case "db":
            return asyncio.run(_db_upgrade(settings))
        case "users":
            return asyncio.run(_users(settings, args.json))
        case "grant":
            return asyncio.run(_grant(settings, args.user_id, args.amount, args.note))
    raise AssertionError(args.command)
