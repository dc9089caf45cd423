"""The last line of defence: log the failure for the operator, apologise to the user."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.handlers.context import reply, texts_of

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("update %s failed", getattr(update, "update_id", "?"), exc_info=context.error)
    if not isinstance(update, Update) or update.effective_message is None:
        return
    try:
        await reply(update.effective_message, texts_of(update, context).something_went_wrong)
    except TelegramError:
        log.warning("could not tell the user about the failure", exc_info=True)
