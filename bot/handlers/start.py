"""/start and /help: what the bot does, how to use it, and the sender's balance."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.context import photos_of, profile_of, reply, runtime_of, texts_of


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    runtime = runtime_of(context)
    balance = await runtime.accounts.visit(profile_of(user))
    text = texts_of(update, context).help.format(price=photos_of(context).price, balance=balance)
    await reply(message, text)
