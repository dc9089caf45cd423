"""What every handler needs from an update: the services, who is asking and in which language."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from telegram import Message, Update, User
from telegram.ext import ContextTypes

from bot.runtime import Runtime
from bot.services.accounts import Profile
from bot.services.inbox import Inbox
from bot.services.photos import PhotoService
from bot.services.provider_watch import ProviderWatch
from bot.texts import Language, Texts, pick_language, texts

RUNTIME_KEY = "runtime"
PHOTOS_KEY = "photos"
INBOX_KEY = "inbox"
WATCH_KEY = "provider_watch"


def runtime_of(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return cast(Runtime, context.bot_data[RUNTIME_KEY])


def photos_of(context: ContextTypes.DEFAULT_TYPE) -> PhotoService:
    return cast(PhotoService, context.bot_data[PHOTOS_KEY])


def inbox_of(context: ContextTypes.DEFAULT_TYPE) -> Inbox:
    return cast(Inbox, context.bot_data[INBOX_KEY])


def watch_of(context: ContextTypes.DEFAULT_TYPE) -> ProviderWatch | None:
    return cast(ProviderWatch | None, context.bot_data.get(WATCH_KEY))


def profile_of(user: User) -> Profile:
    return Profile(
        user_id=user.id,
        username=user.username,
        first_name=user.first_name,
        last_name=user.last_name,
        language_code=user.language_code,
    )


def language_of(update: object, context: ContextTypes.DEFAULT_TYPE) -> Language:
    default = runtime_of(context).settings.default_language
    user = update.effective_user if isinstance(update, Update) else None
    return pick_language(user.language_code if user else None, default)


def texts_of(update: object, context: ContextTypes.DEFAULT_TYPE) -> Texts:
    return texts(language_of(update, context))


def seconds(period: int | timedelta) -> float:
    """A period as PTB gives it (seconds, or a timedelta since v22)."""
    return period.total_seconds() if isinstance(period, timedelta) else float(period)


async def reply(message: Message, text: str) -> Message:
    """Answer threaded to `message`, in private chats too (PTB quotes only in groups by default)."""
    return await message.reply_text(text, do_quote=True)
