"""Every command the bot answers, in its menu's order: the one table that the handlers and the menu are made from.

Each command's description in the menu is in bot/texts.py, under its name, in every language.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.admin import grant_command, ledger_command, stats_command, users_command
from bot.handlers.member import balance_command, usage_command
from bot.handlers.solve import on_solve_command
from bot.handlers.start import help_command

CommandCallback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    callback: CommandCallback
    admin: bool = False  # in the menu of admins' private chats only; admin_only guards the callback itself
    aliases: tuple[str, ...] = ()  # answered, but not in the menu


COMMANDS = (
    Command("solve", on_solve_command),
    Command("balance", balance_command),
    Command("usage", usage_command),
    Command("help", help_command, aliases=("start",)),  # Telegram sends /start when a chat with the bot begins
    Command("grant", grant_command, admin=True),
    Command("users", users_command, admin=True),
    Command("stats", stats_command, admin=True),
    Command("ledger", ledger_command, admin=True),
)
