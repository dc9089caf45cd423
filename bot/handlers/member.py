"""/balance and /usage: what a member has left and what they used."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.context import photos_of, profile_of, reply, runtime_of, texts_of
from bot.handlers.render import ask_admin_text
from bot.handlers.render_feedback import accuracy_lines
from bot.handlers.render_reports import usage_text
from bot.settings import SolverMode


async def balance_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    runtime, t = runtime_of(context), texts_of(update, context)
    balance = await runtime.accounts.visit(profile_of(user))
    settings = runtime.settings
    # Only in auto mode do the two prices differ for the same photo.
    auto = settings.solver_mode is SolverMode.AUTO
    local = t.local_price.format(price=settings.tokens_per_local_solve) if auto else ""
    admins = await runtime.accounts.contacts(runtime.access.admins)
    await reply(
        message,
        t.balance.format(
            balance=balance, price=photos_of(context).price, local=local, ask_admin=ask_admin_text(t, admins)
        ),
    )


async def usage_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    runtime = runtime_of(context)
    await runtime.accounts.visit(profile_of(user))
    stats = await runtime.reports.usage(user.id)
    t = texts_of(update, context)
    accuracy = accuracy_lines(t, await runtime.feedback.accuracy(user.id), used_only=True)
    await reply(message, "\n".join([usage_text(t, stats), *accuracy]))
