"""Photos and image files in, photo requests out: the Telegram side of the solve loop.

A handler only reads the update; the photo service (services/photos.py) takes the request from there, and marks
the update handled when it records the photo, so the last handler group must not (ApplicationHandlerStop).
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Chat, Message, Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.handlers.context import language_of, photos_of, profile_of, reply, texts_of
from bot.services.requests import PhotoRequest

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
        _hand_over(update, context, message, image)


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
    _hand_over(update, context, target, image, asked_again=True)


async def on_other_private_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text, a sticker, a video, an unknown command: in a private chat, nothing goes unanswered."""
    if update.effective_message is not None:
        await reply(update.effective_message, texts_of(update, context).dm_hint)


def _hand_over(
    update: Update, context: ContextTypes.DEFAULT_TYPE, target: Message, image: _ImageFile, *, asked_again: bool = False
) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    photos_of(context).take(
        PhotoRequest(
            update_id=update.update_id,
            chat_id=chat.id,
            message_id=target.message_id,
            profile=profile_of(user),
            language=language_of(update, context),
            file_id=image.file_id,
            file_size=image.size,
            downscaled_photo=image.downscaled_photo,
            asked_again=asked_again,
        )
    )
    raise ApplicationHandlerStop  # the photo service marks the update handled once the photo is recorded
