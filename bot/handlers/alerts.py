"""Messages the bot sends on its own initiative: the low provider balance warning to admins."""

from __future__ import annotations

import logging
from decimal import Decimal

from telegram import Bot
from telegram.error import TelegramError

from bot.services.accounts import Accounts
from bot.texts import Language, pick_language, texts

log = logging.getLogger(__name__)


class AdminAlarm:
    def __init__(
        self, bot: Bot, accounts: Accounts, admins: frozenset[int], *, threshold: Decimal, default_language: Language
    ) -> None:
        self._bot = bot
        self._accounts = accounts
        self._admins = admins
        self._threshold = threshold
        self._default_language = default_language

    async def __call__(self, balance: Decimal) -> None:
        for admin_id in sorted(self._admins):
            admin = await self._accounts.get(admin_id)
            language = pick_language(admin.language_code if admin else None, self._default_language)
            text = texts(language).low_provider_balance.format(balance=balance, threshold=self._threshold)
            try:
                await self._bot.send_message(admin_id, text)
            except TelegramError as exc:
                log.warning("could not warn admin %s about the provider balance: %s", admin_id, exc)
