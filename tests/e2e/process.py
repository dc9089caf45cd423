"""Running `captcha-bot` as a real process, as the team runs it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from tests.fakes.telegram.server import FakeTelegram

# Only what the bot needs: a developer's settings must not leak in.
_KEEP = ("PATH", "HOME", "LANG", "SYSTEMROOT", "TMPDIR")


def bot_environment(**settings: str) -> dict[str, str]:
    env = {name: os.environ[name] for name in _KEEP if name in os.environ}
    env.update(settings)
    return env


def telegram_environment(tg: FakeTelegram, database: Path, **settings: str) -> dict[str, str]:
    """A bot against the fake Bot API `tg`, its data in `database`."""
    return bot_environment(
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_BASE_URL=tg.base_url,
        TELEGRAM_BASE_FILE_URL=tg.base_file_url,
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        **settings,
    )


def run_cli(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


async def run_cli_async(cwd: Path, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """Like run_cli, while this event loop keeps serving the fakes the command talks to."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


@asynccontextmanager
async def bot_process(cwd: Path, env: dict[str, str], log: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """`captcha-bot run`, logging to `log`; killed (SIGKILL) if still running at the end."""
    with log.open("ab") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=cwd, env=env, stdout=sink, stderr=sink
        )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGKILL)
            await process.wait()
