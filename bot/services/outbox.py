"""The outbox: every message the bot owes a chat is delivered until Telegram takes it or refuses it for good.

Messages are written to the database by the transaction that decides them (services/bookkeeping.py) and then
`post`ed here. Deliveries run concurrently. When Telegram cannot be reached (network errors, 5xx) nothing new is
sent for a while — 0.5 s, then 1, 2 and every 3 s — and everything waiting goes as soon as one round gets
through; a chat that asks to wait (429 with retry_after) waits alone. A chat that refuses the bot (blocked,
kicked, deleted) or a message Telegram will never take is marked undeliverable and not tried again. Delivered
and undeliverable messages are written back in one statement per round. After a restart the pending ones are
loaded again; past `memory` messages held, the rest wait in the database until there is room.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
from collections import deque
from dataclasses import dataclass, field, replace

from bot.db.engine import SessionMaker
from bot.db.models import OutboxState
from bot.db.outbox import pending_messages, settle_messages
from bot.services.backoff import backoff
from bot.services.ports import ChatGone, Courier, OutgoingMessage, Refused, TryLater

log = logging.getLogger(__name__)

CONCURRENCY = 16  # deliveries at once: as many as the bot has connections to Telegram
MEMORY = 1000  # messages held in memory at most
MAX_SURPRISES = 5  # unexpected failures (bugs) of one message before it is given up


@dataclass(order=True, slots=True)
class _Deferred:
    due: float
    order: int
    message: OutgoingMessage = field(compare=False)


class Outbox:
    def __init__(
        self, sessions: SessionMaker, courier: Courier, *, concurrency: int = CONCURRENCY, memory: int = MEMORY
    ) -> None:
        self._sessions = sessions
        self._courier = courier
        self._concurrency = concurrency
        self._memory = memory
        self._ready: deque[OutgoingMessage] = deque()
        self._deferred: list[_Deferred] = []  # a heap by due time
        self._order = itertools.count()
        self._sending: dict[int, asyncio.Task[None]] = {}
        self._in_database = False  # pending messages left out of memory
        self._surprises: dict[int, int] = {}
        self._settled: list[tuple[int, OutboxState, str | None]] = []
        self._writer: asyncio.Task[None] | None = None
        self._waits = backoff()
        self._quiet_until = 0.0  # while Telegram cannot be reached, nothing is sent before this
        self._wake = asyncio.Event()
        self._changed = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Pick up what an earlier run left pending, and deliver from now on."""
        self._in_database = True
        await self._load()
        self._worker = asyncio.create_task(self._run())

    @property
    def held(self) -> int:
        """Messages in memory: waiting, deferred or being delivered (never more than `memory`)."""
        return self._held()

    def post(self, message: OutgoingMessage) -> None:
        """Deliver a message already written to the outbox."""
        if self._held() >= self._memory:
            self._in_database = True  # it waits there until there is room
            return
        self._ready.append(message)
        self._wake.set()

    async def stop(self) -> None:
        """Stop delivering; what is not delivered stays pending in the database."""
        tasks = [task for task in (self._worker, *self._sending.values()) if task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)
        await self._write_settled()

    async def wait_idle(self) -> None:
        """Until everything posted has been delivered or given up, and written back (for tests and benchmarks)."""
        while self._held() or self._in_database or self._settled or (self._writer and not self._writer.done()):
            self._changed.clear()
            await self._changed.wait()

    # -- the worker ------------------------------------------------------------------------------------

    def _held(self) -> int:
        return len(self._ready) + len(self._deferred) + len(self._sending)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self._wake.clear()
            now = loop.time()
            while self._deferred and self._deferred[0].due <= now:
                self._ready.append(heapq.heappop(self._deferred).message)
            if self._in_database and not self._held():
                try:
                    await self._load()
                except Exception:
                    log.exception("could not read the pending messages; trying again")
                    await asyncio.sleep(1.0)
                    continue
            if now >= self._quiet_until:
                while self._ready and len(self._sending) < self._concurrency:
                    message = self._ready.popleft()
                    self._sending[message.id] = asyncio.create_task(self._deliver(message))
            wake_at = [self._deferred[0].due] if self._deferred else []
            if self._ready and now < self._quiet_until:
                wake_at.append(self._quiet_until)
            timeout = max(0.0, min(wake_at) - now) if wake_at else None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._wake.wait()

    async def _deliver(self, message: OutgoingMessage) -> None:
        try:
            await self._courier.deliver(message)
        except TryLater as exc:
            if exc.after is not None:
                log.info("chat %s asks to wait %.0f s for message %s", message.chat_id, exc.after, message.id)
                self._defer(message, exc.after)
            else:
                self._telegram_unreachable(message, exc)
        except (ChatGone, Refused) as exc:
            log.warning("message %s to chat %s is undeliverable: %s", message.id, message.chat_id, exc)
            self._settle(message.id, OutboxState.UNDELIVERABLE, f"{type(exc).__name__}: {exc}"[:200])
        except Exception:
            surprises = self._surprises[message.id] = self._surprises.get(message.id, 0) + 1
            log.exception("delivering message %s failed unexpectedly (%d time(s))", message.id, surprises)
            if surprises < MAX_SURPRISES:
                self._defer(replace(message, picture=None), float(surprises))
            else:
                self._settle(message.id, OutboxState.UNDELIVERABLE, "internal error")
        else:
            self._waits = backoff()
            self._quiet_until = 0.0
            self._settle(message.id, OutboxState.DELIVERED, None)
        finally:
            del self._sending[message.id]
            self._wake.set()
            self._changed.set()

    def _defer(self, message: OutgoingMessage, seconds: float) -> None:
        due = asyncio.get_running_loop().time() + seconds
        heapq.heappush(self._deferred, _Deferred(due, next(self._order), replace(message, picture=None)))

    def _telegram_unreachable(self, message: OutgoingMessage, exc: TryLater) -> None:
        """Hold everything back for a while; the message goes back in its place, oldest first (as text: a
        picture is not kept for long)."""
        now = asyncio.get_running_loop().time()
        if now >= self._quiet_until:  # the first failure of a round sets the next wait; the others share it
            wait = next(self._waits)
            self._quiet_until = now + wait
            log.warning("Telegram cannot be reached (%s); delivering again in %.1f s", exc, wait)
        self._ready.append(replace(message, picture=None))
        self._ready = deque(sorted(self._ready, key=lambda waiting: waiting.id))

    def _settle(self, message_id: int, state: OutboxState, reason: str | None) -> None:
        self._surprises.pop(message_id, None)
        self._settled.append((message_id, state, reason))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_settled())

    async def _write_settled(self) -> None:
        """Each round writes everything settled while the previous one was being written."""
        while self._settled:
            settled, self._settled = self._settled, []
            try:
                async with self._sessions.begin() as session:
                    await settle_messages(session, settled)
            except Exception:
                # Not lost: they stay pending, and a delivered one is delivered again after a restart.
                log.exception("could not record %d delivered message(s)", len(settled))
            self._changed.set()

    async def _load(self) -> None:
        room = self._memory - self._held()
        settled = {message_id for message_id, _, _ in self._settled}
        async with self._sessions() as session:
            rows = await pending_messages(session, limit=room, besides={*self._sending, *settled})
        # Posted while reading: held already.
        held = {*self._sending, *settled, *(m.id for m in self._ready), *(d.message.id for d in self._deferred)}
        for row in rows:
            if row.id not in held:
                reports = tuple(row.reports or ())
                self._ready.append(
                    OutgoingMessage(row.id, row.chat_id, row.reply_to, row.text, row.replaces, reports=reports)
                )
        self._in_database = len(rows) >= room
        if rows:
            log.info("delivering %d pending message(s) from the database", len(rows))
