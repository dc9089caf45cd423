"""`captcha-bot users` and `captcha-bot grant`: the team's accounts from a shell."""

from __future__ import annotations

import json
from dataclasses import asdict

from bot.cli.output import EXIT_USAGE, fail
from bot.runtime import open_runtime
from bot.services.accounts import GrantOutOfBounds, GrantRefused, check_grant
from bot.settings import Settings


async def list_users(settings: Settings, as_json: bool) -> int:
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


async def grant(settings: Settings, user_id: int, amount: int, note: str | None) -> int:
    try:
        check_grant(user_id, amount)  # before opening anything: the chat's /grant has the same bounds
    except GrantOutOfBounds as exc:
        return fail(f"refused: {exc}", EXIT_USAGE)
    async with open_runtime(settings) as runtime:
        try:
            balance = await runtime.accounts.grant(user_id, amount, actor="cli", note=note)
        except GrantRefused as exc:
            return fail(
                f"refused: user {user_id} has {exc.balance} token(s); "
                f"removing {-amount} would take the balance below zero"
            )
    print(f"user {user_id}: {amount:+d} token(s), balance now {balance}")
    return 0
