"""Building the Telegram Application from the settings; tests build it against fakes the same way."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from contextlib import AsyncExitStack
from typing import Any

from telegram.ext import (
    AIORateLimiter,
    Application,
    CommandHandler,
    ContextTypes,
    ExtBot,
    JobQueue,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.handlers.admin import grant_command, ledger_command, stats_command, users_command
from bot.handlers.alerts import AdminAlarm
from bot.handlers.context import RUNTIME_KEY, SOLVING_KEY, WATCH_KEY
from bot.handlers.delivery import TelegramDelivery
from bot.handlers.errors import on_error
from bot.handlers.member import balance_command, usage_command
from bot.handlers.menu import publish_menu
from bot.handlers.render import AnswerUnits
from bot.handlers.solve import on_image_message, on_private_text, on_solve_command
from bot.handlers.start import help_command
from bot.http_transport import AiohttpTransport
from bot.runtime import open_runtime
from bot.services.pricing import Prices
from bot.services.provider_watch import ProviderWatch
from bot.services.solving import SolveService
from bot.settings import Settings

log = logging.getLogger(__name__)

BotApplication = Application[
    ExtBot[int],  # int: the rate limiter's per-call argument (max retries)
    ContextTypes.DEFAULT_TYPE,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]


TELEGRAM_CONNECTIONS = 16


def telegram_request(proxy: str | None, connections: int) -> HTTPXRequest:
    """PTB's HTTP client on our aiohttp transport. A burst of photos queues for a free connection
    without a deadline: PTB's pool timeout (1 s) would turn it into errors."""
    transport = AiohttpTransport(max_connections=connections, proxy=proxy)
    return HTTPXRequest(connection_pool_size=connections, pool_timeout=None, httpx_kwargs={"transport": transport})


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def build_application(settings: Settings) -> BotApplication:
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is required")
    resources = AsyncExitStack()

    async def post_init(application: BotApplication) -> None:
        runtime = await resources.enter_async_context(open_runtime(settings))
        solving = SolveService(
            runtime.sessions,
            runtime.solvers.active,
            TelegramDelivery(
                application.bot, answer_image=settings.answer_image, units=AnswerUnits(settings.puzzle_width)
            ),
            prices=Prices.from_settings(settings),
            initial_tokens=settings.initial_tokens,
            max_concurrent_jobs=settings.max_concurrent_jobs,
            resumer=runtime.solvers.provider,
        )
        resources.push_async_callback(solving.stop)
        application.bot_data[RUNTIME_KEY] = runtime
        application.bot_data[SOLVING_KEY] = solving
        provider = runtime.solvers.provider
        if provider is not None:
            alarm = AdminAlarm(
                application.bot,
                runtime.accounts,
                settings.admin_user_ids,
                threshold=settings.provider_low_balance,
                default_language=settings.default_language,
            )
            watch = ProviderWatch(
                provider.balance,
                alarm,
                threshold=settings.provider_low_balance,
                interval=settings.provider_balance_check_seconds,
            )
            application.bot_data[WATCH_KEY] = watch
            resources.push_async_callback(_cancel, asyncio.create_task(watch.run()))
        await publish_menu(application.bot, runtime.accounts, settings.admin_user_ids, settings.default_language)
        recovered = await solving.recover()
        if recovered:
            log.info("recovering %d request(s) left open by the previous run", recovered)
        # Everything alive now lives as long as the process: keep it out of the collector's full passes,
        # which otherwise stall the loop for ~0.1 s in the middle of a burst of photos.
        gc.freeze()

    async def post_shutdown(_application: BotApplication) -> None:
        await resources.aclose()

    application = (
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .request(telegram_request(settings.proxy, TELEGRAM_CONNECTIONS))
        .get_updates_request(telegram_request(settings.proxy, 1))
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
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler(["start", "help"], help_command, filters=new_messages))
    application.add_handler(CommandHandler("solve", on_solve_command, filters=new_messages))
    application.add_handler(CommandHandler("balance", balance_command, filters=new_messages))
    application.add_handler(CommandHandler("usage", usage_command, filters=new_messages))
    application.add_handler(CommandHandler("grant", grant_command, filters=new_messages))
    application.add_handler(CommandHandler("users", users_command, filters=new_messages))
    application.add_handler(CommandHandler("stats", stats_command, filters=new_messages))
    application.add_handler(CommandHandler("ledger", ledger_command, filters=new_messages))
    application.add_handler(MessageHandler(new_messages & (filters.PHOTO | filters.Document.ALL), on_image_message))
    application.add_handler(
        MessageHandler(new_messages & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, on_private_text)
    )
    application.add_error_handler(on_error)
    return application
