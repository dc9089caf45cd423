"""Building the Telegram Application from the settings; tests build it against fakes the same way."""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

from telegram.ext import AIORateLimiter, Application, CommandHandler, ContextTypes, ExtBot, JobQueue

from bot.handlers.context import RUNTIME_KEY
from bot.handlers.errors import on_error
from bot.handlers.start import help_command
from bot.runtime import open_runtime
from bot.settings import Settings

BotApplication = Application[
    ExtBot[int],  # int: the rate limiter's per-call argument (max retries)
    ContextTypes.DEFAULT_TYPE,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]


def build_application(settings: Settings) -> BotApplication:
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is required")
    resources = AsyncExitStack()

    async def post_init(application: BotApplication) -> None:
        application.bot_data[RUNTIME_KEY] = await resources.enter_async_context(open_runtime(settings))

    async def post_shutdown(_application: BotApplication) -> None:
        await resources.aclose()

    application = (
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        # A modest pool: the CPU, not the network, sets the pace with many photos in flight.
        .connection_pool_size(32)
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=settings.telegram_max_messages_per_second,
                overall_time_period=1,
                group_max_rate=20,
                group_time_period=60,
                max_retries=3,
            )
        )
        .concurrent_updates(256)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    application.add_handler(CommandHandler(["start", "help"], help_command))
    application.add_error_handler(on_error)
    return application
