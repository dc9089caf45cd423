"""The photo service's chat over the Bot API: downloads, the "solving…" reply, and the outbox's deliveries.

Telegram's errors become the port's three (services/ports.py): TryLater for what may work in a moment
(network errors, 5xx, 429 with its retry_after), ChatGone for a chat that refuses the bot for good, Refused for
what Telegram will never do.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Bot, ChatMember, ChatMemberRestricted, ReplyParameters
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter, TelegramError

from bot.handlers.context import seconds
from bot.handlers.render import AnswerUnits
from bot.images.annotate import render_answer_picture
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


class TelegramChat:
    def __init__(self, bot: Bot, *, units: AnswerUnits) -> None:
        self._bot = bot
        self._units = units

    async def download(self, file_id: str) -> bytes:
        async with _translated(missing=Refused):
            file = await self._bot.get_file(file_id)
            return bytes(await file.download_as_bytearray())

    async def is_member(self, group_id: int, user_id: int) -> bool:
        async with _translated(missing=Refused):
            member = await self._bot.get_chat_member(group_id, user_id)
        if isinstance(member, ChatMemberRestricted):
            return member.is_member
        return member.status in _IN_GROUP

    async def placeholder(self, chat_id: int, reply_to: int, language: Language) -> int:
        async with _translated():
            sent = await self._bot.send_message(
                chat_id, texts(language).solving, reply_parameters=ReplyParameters(reply_to)
            )
        return sent.message_id

    async def deliver(self, message: OutgoingMessage) -> None:
        async with _translated():
            if message.picture is not None and await self._send_picture(message, message.picture):
                return
            if message.replaces is not None:
                try:
                    await self._bot.edit_message_text(
                        message.text, chat_id=message.chat_id, message_id=message.replaces
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
            )

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
            try:
                await self._bot.delete_message(message.chat_id, message.replaces)
            except BadRequest:
                log.info("status reply %s was already gone", message.replaces)
        try:
            await self._bot.send_photo(
                message.chat_id,
                drawn,
                caption=message.text,
                reply_parameters=ReplyParameters(message.reply_to, allow_sending_without_reply=True),
            )
        except BadRequest as exc:  # the answer matters more than the picture
            log.warning("answer picture %s refused (%s); answering in text", message.id, exc.message)
            return False
        return True
