"""How the command line reports a failure: one line on stderr and an exit status."""

from __future__ import annotations

import sys

EXIT_FAILURE = 1
EXIT_USAGE = 2


def fail(message: str, code: int = EXIT_FAILURE) -> int:
    print(f"captcha-bot: {message}", file=sys.stderr)
    return code
