"""Photos and image files in, solve requests out: the Telegram side of the solve loop."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from telegram import Chat, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.handlers.context import language_of, profile_of, reply, runtime_of, solving_of, texts_of
from bot.handlers.render import AnswerUnits, not_enough_tokens_text
from bot.images.uploads import UnusableImage, inspect_upload
from bot.services.access import Access
from bot.services.outcomes import ImageMessage, Verdict
from bot.texts import Texts

log = logging.getLogger(__name__)

# Telegram's Bot API refuses to hand bots files larger than this.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
# Telegram scales photos down to this long side: such a photo's pixels are not the member's screen's.
PHOTO_LONG_SIDE = 1280


@dataclass(frozen=True, slots=True)
class _ImageFile:
    file_id: str
    size: int | None
    downscaled_photo: bool = False


def _image_file(message: Message, *, any_document: bool) -> _ImageFile | None:
    if message.photo:
        largest = message.photo[-1]  # Telegram lists the sizes smallest first
        downscaled = max(largest.width, largest.height) >= PHOTO_LONG_SIDE
        return _ImageFile(largest.file_id, largest.file_size, downscaled)
    document = message.document
    if document is None:
        return None
    # In groups only files that claim to be images are requests; elsewhere the content decides.
    if any_document or (document.mime_type or "").startswith("image/"):
        return _ImageFile(document.file_id, document.file_size)
    return None


async def on_image_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo or a file: in private chats always a request; in groups when the bot can see it."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    explicit = chat.type == Chat.PRIVATE or (message.caption or "").strip().startswith("/solve")
    image = _image_file(message, any_document=explicit)
    if image is not None:
        await _solve(update, context, message, image)


async def on_solve_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/solve` as a reply to a photo or image file (the way to ask in groups with privacy mode on)."""
    message = update.effective_message
    if message is None:
        return
    target = message.reply_to_message
    # The bot's own messages (an annotated answer, say) are not puzzles to pay for.
    own = target is not None and target.from_user is not None and target.from_user.id == context.bot.id
    image = _image_file(target, any_document=True) if target is not None and not own else None
    if target is None or image is None:
        await reply(message, texts_of(update, context).reply_to_image)
        return
    await _solve(update, context, target, image)


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await reply(update.effective_message, texts_of(update, context).dm_hint)


async def _solve(update: Update, context: ContextTypes.DEFAULT_TYPE, target: Message, image: _ImageFile) -> None:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    runtime = runtime_of(context)
    t = texts_of(update, context)
    access = runtime.access.check(chat.id, private=chat.type == Chat.PRIVATE)
    if access is not Access.SERVE:
        if access is Access.REFUSE:
            await reply(message, t.chat_not_allowed)
        return
    if image.size is not None and image.size > MAX_DOWNLOAD_BYTES:
        await reply(target, t.too_big.format(size_mb=image.size / 1024 / 1024))
        return
    data = await _download(context, image, target, t)
    if data is None:
        return
    request = ImageMessage(
        chat_id=chat.id,
        message_id=target.message_id,
        profile=profile_of(user),
        language=language_of(update, context),
        file_id=image.file_id,
        downscaled_photo=image.downscaled_photo,
    )
    solving = solving_of(context)
    admission = await solving.admit(request)
    match admission.verdict:
        case Verdict.ACCEPTED:
            solving.start(admission, request, data, await _status_reply(target, t))
        case Verdict.NOT_ENOUGH_TOKENS:
            admins = await runtime.accounts.contacts(runtime.access.admins)
            await reply(
                target, not_enough_tokens_text(t, price=admission.price, balance=admission.balance, admins=admins)
            )
        case Verdict.ALREADY_SOLVED if message is not target:
            # Someone asked again with /solve: give the answer back. The photo itself arriving again
            # is Telegram redelivering after a restart, and its answer is already in the chat.
            assert admission.answer is not None
            answer = AnswerUnits(runtime.settings.puzzle_width).answer_text(t, admission.answer, admission.balance)
            await reply(target, f"{t.already_solved}\n{answer}")
        case _:
            log.info("message %s/%s was already handled (%s)", chat.id, target.message_id, admission.verdict.value)


async def _status_reply(target: Message, t: Texts) -> int | None:
    """The "solving…" reply, to be edited into the answer; the solve goes ahead even if it cannot be sent."""
    try:
        return (await reply(target, t.solving)).message_id
    except TelegramError as exc:
        log.warning("could not send the status reply in chat %s: %s", target.chat_id, exc)
        return None


async def _download(context: ContextTypes.DEFAULT_TYPE, image: _ImageFile, target: Message, t: Texts) -> bytes | None:
    """The file's bytes if it is a usable image; otherwise the member is told why (nothing is charged)."""
    try:
        file = await context.bot.get_file(image.file_id)
        data = bytes(await file.download_as_bytearray())
    except TelegramError as exc:
        log.warning("download of %s failed: %s", image.file_id, exc)
        await reply(target, t.image_problem["download_failed"])
        return None
    try:
        await asyncio.to_thread(inspect_upload, data)
    except UnusableImage as exc:
        log.info("refused an upload: %s", exc.reason)
        await reply(target, t.image_problem[exc.reason])
        return None
    return data
