"""Long polling through the inbox: Telegram is told an update arrived only once the database holds it.

python-telegram-bot's own Updater confirms an offset as soon as the updates are in memory, so a crash right
after a burst loses photos. This loop does what the Updater does, in an order that cannot lose them:
1. `getUpdates` with the offset of everything already recorded (this is what confirms them to Telegram);
2. the updates are written to the inbox in one transaction (services/inbox.py), which leaves out any seen before;
3. the new ones go to the Application's `update_queue`, where its handlers take them, `concurrent_updates` at a
   time; the next `getUpdates` confirms the batch.
At start-up the updates an earlier run recorded but never handled go to the queue first. An update is marked
handled by whoever records what it asks for; `mark_handled` does it for every update no service took over.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Sequence

from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.handlers.context import inbox_of, seconds
from bot.services.backoff import backoff
from bot.services.inbox import Inbox

log = logging.getLogger(__name__)

LONG_POLL = 10  # seconds Telegram holds a getUpdates open when there is nothing to hand over
FORGET_EVERY = 600.0  # seconds between clean-ups of the handled updates kept against redeliveries


class UpdateFeed:
    def __init__(
        self,
        bot: Bot,
        inbox: Inbox,
        queue: asyncio.Queue[object],
        *,
        allowed_updates: Sequence[str],
        long_poll: int = LONG_POLL,
    ) -> None:
        self._bot = bot
        self._inbox = inbox
        self._queue = queue
        self._allowed_updates = list(allowed_updates)
        self._long_poll = long_poll
        self._offset: int | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def task(self) -> asyncio.Task[None]:
        """The polling, running until `stop` (or until Telegram refuses the token)."""
        assert self._task is not None, "not started"
        return self._task

    async def start(self) -> None:
        """Hand over what an earlier run left unhandled, then poll in the background."""
        for payload in await self._inbox.unhandled():
            update = Update.de_json(json.loads(payload), self._bot)
            log.info("handing over update %s again: an earlier run recorded it but did not finish it", update.update_id)
            await self._queue.put(update)
        self._task = asyncio.create_task(self._poll())

    async def stop(self) -> None:
        """Stop polling, and confirm what was recorded so that Telegram does not send it again."""
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        if self._offset is not None:
            try:
                await self._bot.get_updates(offset=self._offset, timeout=0, allowed_updates=self._allowed_updates)
            except TelegramError as exc:  # they are recorded: sent again, they are recognised and skipped
                log.info("could not confirm the last updates (%s)", exc)

    async def _poll(self) -> None:
        loop = asyncio.get_running_loop()
        waits = backoff()
        forget_at = loop.time()
        await self._bootstrap()
        while True:
            if loop.time() >= forget_at:
                await self._inbox.forget_old()
                forget_at = loop.time() + FORGET_EVERY
            try:
                updates = await self._bot.get_updates(
                    offset=self._offset, timeout=self._long_poll, allowed_updates=self._allowed_updates
                )
                if updates:
                    fresh = await self._inbox.record([(update.update_id, update.to_json()) for update in updates])
                    self._offset = updates[-1].update_id + 1  # confirmed by the next getUpdates
                    for update in updates:
                        if update.update_id in fresh:
                            await self._queue.put(update)
            except InvalidToken:
                log.critical("Telegram refuses the bot token; stopping the bot")
                raise
            except RetryAfter as exc:
                await asyncio.sleep(seconds(exc.retry_after))
            except (TelegramError, OSError) as exc:
                wait = next(waits)
                level = logging.ERROR if isinstance(exc, Conflict) else logging.WARNING
                log.log(level, "getting updates failed (%s); trying again in %.1f s", exc, wait)
                await asyncio.sleep(wait)
            except Exception:
                log.exception("recording updates failed; asking Telegram for them again")
                await asyncio.sleep(next(waits))
            else:
                waits = backoff()

    async def _bootstrap(self) -> None:
        """Long polling works only without a webhook (as the Updater does it)."""
        waits = backoff()
        while True:
            try:
                await self._bot.delete_webhook()
                return
            except TelegramError as exc:
                wait = next(waits)
                log.warning("could not remove a webhook (%s); trying again in %.1f s", exc, wait)
                await asyncio.sleep(wait)


async def mark_handled(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The last handler group: the update's handler is done, and no service took it over (one that does stops
    the later groups with ApplicationHandlerStop and marks the update itself)."""
    if isinstance(update, Update):
        await inbox_of(context).handled(update.update_id)
