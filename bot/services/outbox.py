"""The outbox: every message the bot owes a chat is delivered until Telegram takes it or refuses it for good.

Messages are written to the database by the transaction that decides them (services/bookkeeping.py) and then
`post`ed here. Each chat's messages wait in their own queue and go, oldest first, as the flood plan
(services/flood.py) allows the chat messages; when more waits for a group than its
allowance lets through now, it goes as one message (services/coalescing.py), so an answer waits for the next
allowance, never for the next minute.
Deliveries to different chats run concurrently. When Telegram cannot be reached (network errors, 5xx) nothing
new is sent for a while — 0.5 s, then 1, 2 and every 3 s — and everything waiting goes as soon as one round gets
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
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from bot.db.engine import SessionMaker
from bot.db.models import OutboxState
from bot.db.outbox import pending_messages, settle_messages
from bot.db.requests import askers
from bot.services.backoff import backoff
from bot.services.coalescing import MAX_CARRIED, can_share, combined
from bot.services.flood import FloodPlan
from bot.services.ports import ChatGone, Courier, OutgoingMessage, Refused, TryLater

log = logging.getLogger(__name__)

CONCURRENCY = 16  # deliveries at once (to as many chats): as many as the bot has connections to Telegram
MEMORY = 1000  # messages held in memory at most
MAX_SURPRISES = 5  # unexpected failures (bugs) of one message before it is given up


@dataclass(order=True, slots=True)
class _Deferred:
    due: float
    order: int
    messages: list[OutgoingMessage] = field(compare=False)


@dataclass(frozen=True, slots=True)
class _Delivery:
    task: asyncio.Task[None]
    carried: list[OutgoingMessage]  # the messages it sends, as one or one by one


class Outbox:
    def __init__(
        self,
        sessions: SessionMaker,
        courier: Courier,
        plan: FloodPlan,
        *,
        zone: ZoneInfo,
        concurrency: int = CONCURRENCY,
        memory: int = MEMORY,
    ) -> None:
        self._sessions = sessions
        self._courier = courier
        self._plan = plan
        self._zone = zone
        self._concurrency = concurrency
        self._memory = memory
        self._waiting: dict[int, deque[OutgoingMessage]] = {}  # by chat, oldest first
        self._deferred: list[_Deferred] = []  # a heap by due time
        self._order = itertools.count()
        self._delivering: dict[int, _Delivery] = {}  # by delivery number
        self._numbers = itertools.count()  # one per delivery
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
        self._put_back([message])
        self._wake.set()

    async def stop(self) -> None:
        """Stop delivering; what is not delivered stays pending in the database."""
        tasks = [task for task in (self._worker, *(d.task for d in self._delivering.values())) if task is not None]
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
        waiting = sum(len(queue) for queue in self._waiting.values())
        deferred = sum(len(entry.messages) for entry in self._deferred)
        return waiting + deferred + sum(len(delivery.carried) for delivery in self._delivering.values())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self._wake.clear()
            now = loop.time()
            while self._deferred and self._deferred[0].due <= now:
                self._put_back(heapq.heappop(self._deferred).messages)
            if self._in_database and not self._held():
                try:
                    await self._load()
                except Exception:
                    log.exception("could not read the pending messages; trying again")
                    await asyncio.sleep(1.0)
                    continue
            waits = [entry.due - now for entry in self._deferred[:1]]
            if now < self._quiet_until:
                waits += [self._quiet_until - now] if self._waiting else []
            else:
                waits += self._start_deliveries()
            timeout = max(0.0, min(waits)) if waits else None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._wake.wait()

    def _start_deliveries(self) -> list[float]:
        """Deliveries for the chats with messages waiting, as many as each chat's allowance lets go now (its
        messages are counted in the plan here); when the others may go."""
        waits = []
        for chat_id in list(self._waiting):
            queue = self._waiting[chat_id]
            while queue and len(self._delivering) < self._concurrency and (spare := self._plan.spare(chat_id)):
                sharing = 0
                while sharing < min(len(queue), MAX_CARRIED) and can_share(queue[sharing]):
                    sharing += 1
                # One message each while the chat's allowance lasts; past it, what waits goes as one.
                carried = [queue.popleft() for _ in range(sharing if sharing > spare else 1)]
                self._plan.take(chat_id)
                delivery = next(self._numbers)
                task = asyncio.create_task(self._deliver(delivery, chat_id, carried))
                self._delivering[delivery] = _Delivery(task, carried)
            if not queue:
                del self._waiting[chat_id]
            elif len(self._delivering) < self._concurrency:
                waits.append(max(self._plan.ready_in(chat_id), 0.001))  # a fraction short of a whole message
        return waits

    async def _deliver(self, delivery: int, chat_id: int, carried: list[OutgoingMessage]) -> None:
        try:
            message, carried = await self._as_one(carried)
            await self._courier.deliver(message)
        except TryLater as exc:
            if exc.after is not None:
                log.info("chat %s asks to wait %.0f s for message %s", chat_id, exc.after, carried[0].id)
                self._plan.hold(chat_id, exc.after)
                self._put_back(_text(message) for message in carried)  # a picture is not kept for long
            else:
                self._telegram_unreachable(carried, exc)
        except (ChatGone, Refused) as exc:
            log.warning("message %s to chat %s is undeliverable: %s", carried[0].id, chat_id, exc)
            self._settle(carried, OutboxState.UNDELIVERABLE, f"{type(exc).__name__}: {exc}"[:200])
        except Exception:
            surprises = self._surprises[carried[0].id] = self._surprises.get(carried[0].id, 0) + 1
            log.exception("delivering message %s failed unexpectedly (%d time(s))", carried[0].id, surprises)
            if surprises < MAX_SURPRISES:
                self._defer(carried, float(surprises))
            else:
                self._settle(carried, OutboxState.UNDELIVERABLE, "internal error")
        else:
            self._waits = backoff()
            self._quiet_until = 0.0
            self._settle(carried, OutboxState.DELIVERED, None)
        finally:
            del self._delivering[delivery]
            self._wake.set()
            self._changed.set()

    async def _as_one(self, carried: list[OutgoingMessage]) -> tuple[OutgoingMessage, list[OutgoingMessage]]:
        """The message that carries `carried` (or its first ones, as many as fit); the rest goes back."""
        if len(carried) == 1:
            return carried[0], carried
        async with self._sessions() as session:
            named = await askers(session, [message.request_id for message in carried if message.request_id])
        message, taken = combined(carried, named, self._zone)
        self._put_back(carried[len(taken) :])
        return message, taken

    def _put_back(self, messages: Iterable[OutgoingMessage]) -> None:
        """Into their chats' queues, in their places."""
        for message in messages:
            queue = self._waiting.setdefault(message.chat_id, deque())
            queue.append(message)
            if len(queue) > 1 and queue[-2].id > message.id:
                self._waiting[message.chat_id] = deque(sorted(queue, key=lambda waiting: waiting.id))

    def _defer(self, messages: list[OutgoingMessage], seconds: float) -> None:
        due = asyncio.get_running_loop().time() + seconds
        heapq.heappush(self._deferred, _Deferred(due, next(self._order), [_text(m) for m in messages]))

    def _telegram_unreachable(self, messages: list[OutgoingMessage], exc: TryLater) -> None:
        """Hold everything back for a while; the messages go back in their places, as text."""
        now = asyncio.get_running_loop().time()
        if now >= self._quiet_until:  # the first failure of a round sets the next wait; the others share it
            wait = next(self._waits)
            self._quiet_until = now + wait
            log.warning("Telegram cannot be reached (%s); delivering again in %.1f s", exc, wait)
        self._put_back(_text(message) for message in messages)

    def _settle(self, messages: list[OutgoingMessage], state: OutboxState, reason: str | None) -> None:
        for message in messages:
            self._surprises.pop(message.id, None)
            self._settled.append((message.id, state, reason))
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
        carried = {message.id for delivery in self._delivering.values() for message in delivery.carried}
        async with self._sessions() as session:
            rows = await pending_messages(session, limit=room, besides={*carried, *settled})
        # Posted while reading: held already.
        held = {
            *carried,
            *settled,
            *(m.id for queue in self._waiting.values() for m in queue),
            *(m.id for entry in self._deferred for m in entry.messages),
        }
        self._put_back(
            OutgoingMessage(
                row.id,
                row.chat_id,
                row.reply_to,
                row.text,
                row.replaces,
                request_id=row.request_id,
                reports=tuple(row.reports or ()),
            )
            for row in rows
            if row.id not in held
        )
        self._in_database = len(rows) >= room
        self._changed.set()  # wait_idle may be waiting for the database to be empty of what is owed
        if rows:
            log.info("delivering %d pending message(s) from the database", len(rows))


def _text(message: OutgoingMessage) -> OutgoingMessage:
    return replace(message, picture=None)
