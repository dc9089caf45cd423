"""A press on the ✅/❌ buttons under an answer: recorded by the feedback service, answered with a toast, and the
answer's keyboard edited to show the report's mark (or the buttons again)."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.handlers.context import runtime_of, texts_of
from bot.handlers.render_feedback import toast_text
from bot.handlers.report_buttons import VERDICT_OF, ReportButtons, parse_press, requests_in
from bot.services.feedback import Press, Said
from bot.texts import texts

log = logging.getLogger(__name__)

_KEYBOARD_KEPT = (Said.NOT_YOURS, Said.TOO_LATE, Said.NOT_REPORTABLE)


async def on_report_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    t = texts_of(update, context)
    pressed = parse_press(query.data)
    message = query.message
    if pressed is None or not isinstance(message, Message):  # not ours, or too old for Telegram to show it
        await _toast(query, t.report_said[Said.NOT_REPORTABLE])
        return
    runtime = runtime_of(context)
    feedback = runtime.feedback
    shown = tuple(requests_in(message.reply_markup)) or (pressed.request_id,)
    press = Press(
        update.update_id, message.chat_id, query.from_user.id, pressed.request_id, VERDICT_OF.get(pressed.press), shown
    )
    try:
        result = await feedback.press(press)
    except Exception:  # the press is answered all the same, with a toast rather than a message in the chat
        log.exception("press %s on request %s failed", update.update_id, pressed.request_id)
        await _toast(query, t.something_went_wrong)
        return
    await _toast(
        query, toast_text(t, result, minutes=feedback.window_minutes, refunds_per_day=feedback.refunds_per_day)
    )
    if result.said in _KEYBOARD_KEPT:
        return
    buttons = ReportButtons(texts(runtime.settings.default_language))  # the chat's labels, as under the answer
    try:
        await message.edit_reply_markup(buttons.markup(shown, result.marks))
    except BadRequest as exc:
        if "not modified" not in exc.message:  # not modified: shown already (a second press, a redelivery)
            log.info("could not mark the report on message %s: %s", message.message_id, exc.message)
    except TelegramError as exc:  # the report is recorded; the next press shows it
        log.warning("could not mark the report on message %s: %s", message.message_id, exc)


async def _toast(query: CallbackQuery, text: str) -> None:
    """Telegram takes one answer per press, within seconds: a press delivered again after a crash gets none."""
    try:
        await query.answer(text[:200])
    except TelegramError as exc:
        log.info("could not answer press %s: %s", query.id, exc)
