"""Delivering a finished solve: edit the "solving…" reply into the answer, or send an annotated picture."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, ReplyParameters
from telegram.error import BadRequest, NetworkError

from bot.handlers.render import AnswerUnits
from bot.images.annotate import render_answer_picture
from bot.services.outcomes import Outcome

log = logging.getLogger(__name__)

DELIVERY_ATTEMPTS = 3


class TelegramDelivery:
    def __init__(self, bot: Bot, *, answer_image: bool, units: AnswerUnits) -> None:
        self._bot = bot
        self._answer_image = answer_image
        self._units = units

    async def __call__(self, outcome: Outcome) -> None:
        for attempt in range(1, DELIVERY_ATTEMPTS + 1):
            try:
                await self._deliver(outcome)
                return
            except NetworkError as exc:  # a blip between us and Telegram; BadRequest is final
                if isinstance(exc, BadRequest) or attempt == DELIVERY_ATTEMPTS:
                    raise
                log.warning("delivering request %s failed (%s); trying again", outcome.request_id, exc)
                await asyncio.sleep(attempt)

    async def _deliver(self, outcome: Outcome) -> None:
        text = self._units.outcome_text(outcome)
        if await self._send_picture(outcome, text):
            return
        if outcome.status_message_id is not None:
            try:
                await self._bot.edit_message_text(text, chat_id=outcome.chat_id, message_id=outcome.status_message_id)
                return
            except BadRequest as exc:
                if "not modified" in exc.message:  # delivered before a restart
                    return
                log.info("could not edit the status reply of request %s (%s)", outcome.request_id, exc.message)
        await self._bot.send_message(outcome.chat_id, text, reply_parameters=self._thread(outcome))

    async def _send_picture(self, outcome: Outcome, caption: str) -> bool:
        """The annotated screenshot, when the answer has boxes; False to fall back to text."""
        solution = outcome.solution
        if not self._answer_image or outcome.image is None or solution is None:
            return False
        if solution.piece is None or solution.gap is None:
            return False
        try:
            picture = await asyncio.to_thread(
                render_answer_picture,
                outcome.image,
                f"{self._units.drag(solution)} px",
                solution.piece,
                solution.gap,
                focus=solution.puzzle,
            )
            await self._bot.send_photo(
                outcome.chat_id, picture, caption=caption, reply_parameters=self._thread(outcome)
            )
        except BadRequest as exc:  # the answer matters more than the picture
            log.warning("answer picture of request %s refused (%s); answering in text", outcome.request_id, exc)
            return False
        await self._remove_status(outcome)
        return True

    @staticmethod
    def _thread(outcome: Outcome) -> ReplyParameters:
        return ReplyParameters(message_id=outcome.message_id, allow_sending_without_reply=True)

    async def _remove_status(self, outcome: Outcome) -> None:
        if outcome.status_message_id is None:
            return
        try:
            await self._bot.delete_message(outcome.chat_id, outcome.status_message_id)
        except BadRequest:
            log.info("status reply of request %s was already gone", outcome.request_id)
