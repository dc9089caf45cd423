"""The photo service's chat over the Bot API: downloads, chat actions, the "solving…" reply, and the outbox's
deliveries.

Telegram's errors become the port's three (services/ports.py): TryLater for what may work in a moment
(network errors, 5xx, 429 with its retry_after), ChatGone for a chat that refuses the bot for good, Refused for
what Telegram will never do. Deliveries are counted in the flood plan by the outbox and not tried again after a
429 here (`PLANNED`, see handlers/flood_gate.py): the outbox sends them later, with whatever else waits for the
chat by then.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import ChatMember, ChatMemberRestricted, ReplyParameters
from telegram.constants import ChatAction
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.handlers.context import seconds
from bot.handlers.flood_gate import PLANNED
from bot.handlers.render import AnswerUnits
from bot.handlers.report_buttons import ReportButtons
from bot.images.annotate import render_answer_picture
from bot.services.flood import FloodPlan
from bot.services.ports import ChatGone, OutgoingMessage, Picture, Refused, TryLater
from bot.texts import Language, texts

log = logging.getLogger(__name__)

# Who is in a group, as getChatMember says; a restricted user may be in it or not (`is_member`).
_IN_GROUP = (ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER)
# Bad requests that mean the chat itself is out of reach, not this message.
_GONE = ("chat not found", "bot was kicked", "user is deactivated", "not enough rights to send", "peer_id_invalid")


@asynccontextmanager
async def _translated(*, missing: type[Exception] = TryLater) -> AsyncIterator[None]:
    """Telegram's errors as the port's; `missing` for a 404/401 (a file that is not there, or a revoked token)."""
    try:
        yield
    except RetryAfter as exc:
        raise TryLater(str(exc), after=seconds(exc.retry_after)) from exc
    except (Forbidden, ChatMigrated) as exc:
        raise ChatGone(str(exc)) from exc
    except BadRequest as exc:  # before NetworkError: it is one
        if any(phrase in exc.message.lower() for phrase in _GONE):
            raise ChatGone(exc.message) from exc
        raise Refused(exc.message) from exc
    except InvalidToken as exc:
        raise missing(str(exc)) from exc
    except TelegramError as exc:  # network errors, 5xx, answers that are not Telegram's
        raise TryLater(f"{type(exc).__name__}: {exc}") from exc


_ONCE = 0  # rate_limit_args: no retry after a 429
CHAT_ACTION_SECONDS = 4.0  # of the ~5 s Telegram shows a chat action for
_BUSY_CHATS = 10_000  # chats remembered at most


class TelegramChat:
    def __init__(self, bot: ExtBot[int], plan: FloodPlan, *, units: AnswerUnits, buttons: ReportButtons) -> None:
        self._bot = bot
        self._plan = plan
        self._units = units
        self._buttons = buttons
        self._busy: dict[int, tuple[float, asyncio.Future[bool]]] = {}  # chat → (until, its chat action)

    async def download(self, file_id: str) -> bytes:
        async with _translated(missing=Refused):
            file = await self._bot.get_file(file_id)
            return bytes(await file.download_as_bytearray())

    async def show_busy(self, chat_id: int) -> bool:
        # Telegram shows a chat action for about 5 s: photos from one chat within that share one, and its answer.
        now = asyncio.get_running_loop().time()
        shown = self._busy.get(chat_id)
        if shown is None or shown[0] <= now:
            if len(self._busy) >= _BUSY_CHATS:
                self._busy = {chat: entry for chat, entry in self._busy.items() if entry[0] > now}
            shown = self._busy[chat_id] = (now + CHAT_ACTION_SECONDS, asyncio.ensure_future(self._chat_action(chat_id)))
        return await asyncio.shield(shown[1])

    async def _chat_action(self, chat_id: int) -> bool:
        try:
            async with _translated():
                await self._bot.send_chat_action(chat_id, ChatAction.TYPING)
        except ChatGone:
            self._busy.pop(chat_id, None)  # the next photo asks again
            return False
        except (TryLater, Refused) as exc:
            log.debug("no chat action in chat %s: %s", chat_id, exc)
        return True

    async def is_member(self, group_id: int, user_id: int) -> bool:
        async with _translated(missing=Refused):
            member = await self._bot.get_chat_member(group_id, user_id)
        if isinstance(member, ChatMemberRestricted):
            return member.is_member
        return member.status in _IN_GROUP

    async def placeholder(self, chat_id: int, reply_to: int, language: Language) -> int:
        if self._plan.ready_in(chat_id) > 0:
            raise TryLater("the chat's flood allowance is kept for the answer")
        async with _translated():
            sent = await self._bot.send_message(
                chat_id, texts(language).solving, reply_parameters=ReplyParameters(reply_to), rate_limit_args=_ONCE
            )
        return sent.message_id

    async def deliver(self, message: OutgoingMessage) -> None:
        async with _translated():
            await self._deliver(message)
            for placeholder in message.removes:
                await self._remove(message.chat_id, placeholder)

    async def _deliver(self, message: OutgoingMessage) -> None:
        if message.picture is not None and await self._send_picture(message, message.picture):
            return
        keyboard = self._buttons.markup(message.reports)
        if message.replaces is not None:
            try:
                await self._bot.edit_message_text(
                    message.text,
                    chat_id=message.chat_id,
                    message_id=message.replaces,
                    reply_markup=keyboard,
                    rate_limit_args=PLANNED,
                )
                return
            except BadRequest as exc:
                if "not modified" in exc.message:  # delivered already, before a restart
                    return
                log.info("could not edit message %s (%s); sending it anew", message.replaces, exc.message)
        await self._bot.send_message(
            message.chat_id,
            message.text,
            reply_parameters=ReplyParameters(message.reply_to, allow_sending_without_reply=True),
            reply_markup=keyboard,
            rate_limit_args=PLANNED,
        )

    async def _remove(self, chat_id: int, message_id: int) -> None:
        try:
            await self._bot.delete_message(chat_id, message_id)
        except BadRequest:
            log.info("status reply %s was already gone", message_id)

    async def _send_picture(self, message: OutgoingMessage, picture: Picture) -> bool:
        """The annotated screenshot with the answer as its caption; False to answer in text instead.

        The "solving…" reply is removed first: if the picture then fails, the answer still comes as text."""
        solution = picture.solution
        if solution.piece is None or solution.gap is None:
            return False
        drawn = await asyncio.to_thread(
            render_answer_picture,
            picture.image,
            f"{self._units.drag(solution)} px",
            solution.piece,
            solution.gap,
            focus=solution.puzzle,
        )
        if message.replaces is not None:
            await self._remove(message.chat_id, message.replaces)
        try:
            await self._bot.send_photo(
                message.chat_id,
                drawn,
                caption=message.text,
                reply_parameters=ReplyParameters(message.reply_to, allow_sending_without_reply=True),
                reply_markup=self._buttons.markup(message.reports),
                rate_limit_args=PLANNED,
            )
        except BadRequest as exc:  # the answer matters more than the picture
            log.warning("answer picture %s refused (%s); answering in text", message.id, exc.message)
            return False
        return True
