"""Watching the OmoCaptcha account balance: one warning to the admins when it runs low."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from decimal import Decimal

from bot.solver.base import SolverError

log = logging.getLogger(__name__)

BalanceSource = Callable[[], Awaitable[Decimal]]
LowBalanceAlarm = Callable[[Decimal], Awaitable[None]]


class ProviderWatch:
    def __init__(self, balance: BalanceSource, alarm: LowBalanceAlarm, *, threshold: Decimal, interval: float) -> None:
        self._balance = balance
        self._alarm = alarm
        self._threshold = threshold
        self._interval = interval
        # Warned once per drop below the threshold; a top-up above it re-arms the warning.
        self._warned = False

    async def check(self) -> Decimal:
        """The current balance; warns the admins when it has just fallen below the threshold."""
        balance = await self._balance()
        if balance >= self._threshold:
            self._warned = False
        elif not self._warned:
            self._warned = True
            log.warning("OmoCaptcha balance %s is below %s; warning the admins", balance, self._threshold)
            await self._alarm(balance)
        return balance

    async def run(self) -> None:
        """Check now and then every `interval` seconds, until cancelled."""
        while True:
            try:
                await self.check()
            except SolverError as exc:
                log.warning("could not read the OmoCaptcha balance: %s (%s)", exc.code, exc)
            await asyncio.sleep(self._interval)
