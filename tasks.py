#!/usr/bin/env python3
"""The two set-up-free commands: `python3 tasks.py run` and `python3 tasks.py test`.

Each creates `.venv` on first use and reinstalls the project whenever pyproject.toml changes,
so a fresh clone on a machine with only Python 3.11+ needs nothing else.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 -- this script may be started by an older python3
        sys.exit("captcha-bot needs Python 3.11 or newer")
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        print("creating .venv …", flush=True)
        venv.create(VENV, with_pip=True)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = VENV / ".installed"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print("installing captcha-bot and its tools into .venv …", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "--editable", ".[dev]"], check=True, cwd=ROOT)
    stamp.write_text(wanted)


def run_steps(steps: list[list[str]]) -> int:
    for step in steps:
        print(f"$ {' '.join(step)}", flush=True)
        code = subprocess.run([str(BIN / step[0]), *step[1:]], cwd=ROOT).returncode
        if code != 0:
            print(f"FAILED: {' '.join(step)} (exit {code})", flush=True)
            return code
    return 0


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "run":
        ensure_environment()
        bot = str(BIN / "captcha-bot")
        if os.name == "nt":
            return subprocess.run([bot, "run"], cwd=ROOT).returncode
        os.chdir(ROOT)  # where .env and ./data are
        os.execv(bot, [bot, "run"])  # the bot itself takes Ctrl-C and the exit status
    if command == "test":
        ensure_environment()
        return run_steps(
            [
                ["ruff", "check", "."],
                ["ruff", "format", "--check", "."],
                ["mypy"],
                ["pytest", *sys.argv[2:]],
            ]
        )
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
