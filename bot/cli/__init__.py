"""The `captcha-bot` command line: run the bot, migrate, manage members and check the solvers from a shell."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from bot.cli.feedback import export_reports, print_calibration, print_stats
from bot.cli.members import grant, list_users
from bot.cli.output import EXIT_USAGE, fail
from bot.cli.solving import provider_balance, solve_files
from bot.db.engine import create_engine
from bot.db.migrate import upgrade_database
from bot.logs import setup_logging
from bot.settings import Settings, SettingsError, SolverMode, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="captcha-bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="start the bot (long polling); applies pending migrations first")
    db = commands.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"], help="upgrade: apply pending migrations")
    users = commands.add_parser("users", help="list known users with balance and usage")
    users.add_argument("--json", action="store_true", help="print a JSON list")
    grant_parser = commands.add_parser("grant", help="add tokens to a user (a negative amount removes)")
    grant_parser.add_argument("user_id", type=int)
    grant_parser.add_argument("amount", type=int)
    grant_parser.add_argument("--note", default=None)
    solve = commands.add_parser("solve", help="solve image files with the configured solver")
    solve.add_argument("--solver", choices=[mode.value for mode in SolverMode], default=None)
    solve.add_argument("--json", action="store_true", help="print a JSON list")
    solve.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    commands.add_parser("balance", help="print the OmoCaptcha account balance")
    stats = commands.add_parser("stats", help="team figures and reported accuracy (as /stats)")
    stats.add_argument("--json", action="store_true", help="print a JSON object")
    reports = commands.add_parser("reports", help="the answers members reported ✅ or ❌")
    report_actions = reports.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = report_actions.add_parser("export", help="download the reported pictures with a JSON line each")
    export.add_argument("directory", type=Path, metavar="DIR")
    export.add_argument("--wrong", action="store_true", help="only the answers reported wrong")
    export.add_argument("--since", type=date.fromisoformat, default=None, metavar="DATE", help="YYYY-MM-DD")
    commands.add_parser("calibrate", help="LOCAL_MIN_CONFIDENCE from the reports of local answers")
    return parser


def _run_bot(settings: Settings) -> int:
    from bot.app import run_bot  # telegram is only imported when the bot runs

    if settings.telegram_bot_token is None:
        return fail("TELEGRAM_BOT_TOKEN is not set: put the bot token from @BotFather in .env", EXIT_USAGE)
    return run_bot(settings)


async def _db_upgrade(settings: Settings) -> int:
    engine = create_engine(settings)
    try:
        await upgrade_database(engine)
    finally:
        await engine.dispose()
    print("database is up to date")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        return fail(str(exc), EXIT_USAGE)
    secret_settings = (settings.telegram_bot_token, settings.omocaptcha_api_key, settings.proxy_url)
    secrets = [secret.get_secret_value() for secret in secret_settings if secret]
    setup_logging(settings.log_level, secrets)
    match args.command:
        case "run":
            return _run_bot(settings)
        case "db":
            return asyncio.run(_db_upgrade(settings))
        case "users":
            return asyncio.run(list_users(settings, args.json))
        case "grant":
            return asyncio.run(grant(settings, args.user_id, args.amount, args.note))
        case "solve":
            mode = SolverMode(args.solver) if args.solver else None
            return asyncio.run(solve_files(settings, mode, args.images, args.json))
        case "balance":
            return asyncio.run(provider_balance(settings))
        case "stats":
            return asyncio.run(print_stats(settings, args.json))
        case "reports":
            return export_reports(settings, args.directory, args.wrong, args.since)
        case "calibrate":
            return asyncio.run(print_calibration(settings))
    raise AssertionError(args.command)
