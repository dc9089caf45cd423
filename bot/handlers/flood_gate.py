"""python-telegram-bot's rate limiter, run by the flood plan (services/flood.py).

Every call that Telegram counts as a message waits for its chat's allowance; a 429 tells the plan how long the
chat (or the bot) must wait. Other calls (downloads, chat actions, deletes) go at once. A call is tried again
after a 429 `rate_limit_args` times (default RETRIES). The outbox passes PLANNED: it counted the message in the
plan itself when it chose what to send, and after a 429 it would rather put the message back and send it
later with the others waiting for that chat. Other calls are tried once: their
callers know what to do with a 429 (a download waits and tries again, a chat action is best effort).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.handlers.context import seconds
from bot.services.flood import FloodPlan

log = logging.getLogger(__name__)

RETRIES = 2
PLANNED = -1  # rate_limit_args: counted in the plan by the caller already, and not tried again
COUNTED = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageMedia",
        "editMessageReplyMarkup",
    }
)

Result = bool | dict[str, Any] | list[dict[str, Any]]


class FloodGate(BaseRateLimiter[int]):
    def __init__(self, plan: FloodPlan) -> None:
        self._plan = plan

    async def initialize(self) -> None:
        """Nothing to set up: the plan is plain state."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        chat_id = _chat_id(data)
        # The chat whose allowance this call waits for: none for calls Telegram does not count as messages, and
        # none for the outbox's, which it counted in the plan itself (PLANNED).
        paced = chat_id if endpoint in COUNTED and rate_limit_args != PLANNED else None
        retries = (RETRIES if rate_limit_args is None else rate_limit_args) if paced is not None else 0
        for attempt in range(retries + 1):
            if paced is not None:
                await self._plan.acquire(paced)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = seconds(exc.retry_after)
                self._plan.hold(chat_id, wait)
                log.warning("Telegram asks to wait %.0f s before %s to chat %s", wait, endpoint, chat_id)
                if attempt == retries:
                    raise
        raise AssertionError("unreachable: the last attempt returns or raises")


def _chat_id(data: dict[str, Any]) -> int | None:
    try:
        return int(data["chat_id"])
    except (KeyError, TypeError, ValueError):  # no chat, or a channel's @username
        return None
