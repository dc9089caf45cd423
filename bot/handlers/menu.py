"""The command menu: member commands for everyone, admin commands only in admins' private chats."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.handlers.commands import COMMANDS
from bot.services.accounts import Accounts
from bot.texts import Language, pick_language, texts

log = logging.getLogger(__name__)

MEMBER_COMMANDS = tuple(command.name for command in COMMANDS if not command.admin)
ADMIN_COMMANDS = tuple(command.name for command in COMMANDS if command.admin)


def _menu(language: Language, names: tuple[str, ...]) -> list[BotCommand]:
    return [BotCommand(name, texts(language).commands[name]) for name in names]


async def publish_menu(bot: Bot, accounts: Accounts, admins: frozenset[int], default_language: Language) -> None:
    try:
        await bot.set_my_commands(_menu(default_language, MEMBER_COMMANDS), scope=BotCommandScopeDefault())
        for language in ("vi", "en"):
            await bot.set_my_commands(
                _menu(language, MEMBER_COMMANDS), scope=BotCommandScopeDefault(), language_code=language
            )
    except TelegramError as exc:  # Telegram keeps the menu of the last start: no reason not to serve
        log.warning("could not publish the command menu: %s", exc)
        return
    for admin_id in sorted(admins):
        admin = await accounts.get(admin_id)
        language = pick_language(admin.language_code if admin else None, default_language)
        try:
            await bot.set_my_commands(
                _menu(language, MEMBER_COMMANDS + ADMIN_COMMANDS), scope=BotCommandScopeChat(admin_id)
            )
        except TelegramError as exc:  # typically: the admin has not started a chat with the bot yet
            log.warning("could not set the admin menu for %s: %s", admin_id, exc)
