"""The composition root: the Application, the services and their resources, started and stopped in one place.

`captcha-bot run` and the end-to-end tests start the bot the same way, through `running_bot`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import warnings
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any, cast

from telegram import Update
from telegram.error import BadRequest, InvalidToken, NetworkError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    JobQueue,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from bot.handlers.alerts import AdminAlarm
from bot.handlers.commands import COMMANDS
from bot.handlers.context import INBOX_KEY, PHOTOS_KEY, RUNTIME_KEY, WATCH_KEY
from bot.handlers.errors import on_error
from bot.handlers.feedback import on_report_press
from bot.handlers.flood_gate import FloodGate
from bot.handlers.menu import publish_menu
from bot.handlers.polling import UpdateFeed, mark_handled
from bot.handlers.render import AnswerUnits, Renderer
from bot.handlers.report_buttons import PATTERN as REPORT_PRESS
from bot.handlers.report_buttons import ReportButtons
from bot.handlers.solve import on_image_message, on_other_private_message
from bot.handlers.telegram_chat import TelegramChat
from bot.runtime import Runtime, open_runtime
from bot.services.admission import Admission
from bot.services.backoff import backoff
from bot.services.bookkeeping import Bookkeeper
from bot.services.flood import FloodLimits, FloodPlan
from bot.services.inbox import Inbox
from bot.services.membership import Membership
from bot.services.outbox import Outbox
from bot.services.photo_rate import PhotoRate
from bot.services.photos import PhotoService
from bot.services.pricing import Prices
from bot.services.provider_watch import ProviderWatch
from bot.settings import Settings
from bot.telegram_request import AiohttpRequest
from bot.texts import texts

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
ALLOWED_UPDATES = ("message", "callback_query")
HANDLED_GROUP = 1  # after every feature handler (group 0): marks the update handled in the inbox


def build_application(settings: Settings, plan: FloodPlan) -> BotApplication:
    """The Application and its handlers, without an Updater: updates come through the inbox (handlers/polling.py).
    Everything it sends keeps to the flood plan."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is required")
    application = (
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .request(AiohttpRequest(connections=TELEGRAM_CONNECTIONS, proxy=settings.proxy))
        .get_updates_request(AiohttpRequest(connections=1, proxy=settings.proxy))
        .rate_limiter(FloodGate(plan))
        .updater(None)
        .concurrent_updates(256)
        .build()
    )
    new_messages = filters.UpdateType.MESSAGE
    for command in COMMANDS:
        names = (command.name, *command.aliases)
        application.add_handler(CommandHandler(names, command.callback, filters=new_messages))
    application.add_handler(MessageHandler(new_messages & (filters.PHOTO | filters.Document.ALL), on_image_message))
    # Last in its group: whatever a private chat sends that no handler above takes gets the hint.
    private_rest = new_messages & filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL
    application.add_handler(MessageHandler(private_rest, on_other_private_message))
    application.add_handler(CallbackQueryHandler(on_report_press, pattern=REPORT_PRESS))
    application.add_handler(TypeHandler(Update, mark_handled), group=HANDLED_GROUP)
    application.add_error_handler(on_error)
    return application


@dataclass(frozen=True, slots=True)
class RunningBot:
    application: BotApplication
    runtime: Runtime
    photos: PhotoService
    outbox: Outbox
    feed: UpdateFeed

    async def wait_idle(self) -> None:
        """Until every photo taken is settled and every message owed delivered (for tests and benchmarks)."""
        await self.photos.wait_idle()
        await self.outbox.wait_idle()


def flood_plan(settings: Settings) -> FloodPlan:
    return FloodPlan(
        FloodLimits(
            overall_per_second=settings.telegram_max_messages_per_second,
            chat_per_second=settings.telegram_max_messages_per_chat_per_second,
            group_per_minute=settings.telegram_max_group_messages_per_minute,
        )
    )


@asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[RunningBot]:
    """The bot, serving until the block ends; then everything stops in the reverse order."""
    # PTB 22.2+ warns whenever a 429's RetryAfter is made or read, until PTB_TIMEDELTA opts into v23's timedelta.
    # Either form is read right (handlers/context.seconds), so the warning would only be noise in the log.
    warnings.filterwarnings("ignore", message=".*retry_after.*", category=PTBDeprecationWarning)
    async with AsyncExitStack() as stack:
        runtime = await stack.enter_async_context(open_runtime(settings))
        plan = flood_plan(settings)
        application = build_application(settings, plan)
        stack.push_async_callback(application.bot.shutdown)  # its connections, also when never initialized
        await _initialized(application)
        stack.push_async_callback(application.shutdown)
        bot = application.bot
        units = AnswerUnits(settings.puzzle_width)
        chat = TelegramChat(bot, plan, units=units, buttons=ReportButtons(texts(settings.default_language)))
        books = Bookkeeper(
            runtime.sessions,
            Renderer(units),
            prices=Prices.from_settings(settings),
            initial_tokens=settings.initial_tokens,
            admins=settings.admin_user_ids,
        )
        outbox = Outbox(runtime.sessions, chat, plan, zone=settings.timezone)
        photos = PhotoService(
            books,
            chat,
            outbox,
            runtime.solvers.active,
            access=admission(settings, runtime, chat),
            max_concurrent_jobs=settings.max_concurrent_jobs,
            max_jobs_per_user=settings.max_jobs_per_user,
            answer_image=settings.answer_image,
            resumer=runtime.solvers.provider,
        )
        inbox = Inbox(runtime.sessions)
        application.bot_data.update({RUNTIME_KEY: runtime, PHOTOS_KEY: photos, INBOX_KEY: inbox})
        provider = runtime.solvers.provider
        if provider is not None:
            alarm = AdminAlarm(
                bot,
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
            stack.push_async_callback(_cancel, asyncio.create_task(watch.run()))
        await publish_menu(bot, runtime.accounts, settings.admin_user_ids, settings.default_language)

        await outbox.start()
        stack.push_async_callback(outbox.stop)
        stack.push_async_callback(photos.stop)
        if recovered := await photos.recover():
            log.info("picking up %d request(s) left open by the previous run", recovered)
        await application.start()
        stack.push_async_callback(application.stop)
        feed = UpdateFeed(bot, inbox, application.update_queue, allowed_updates=ALLOWED_UPDATES)
        await feed.start()
        stack.push_async_callback(feed.stop)
        # Everything alive now lives as long as the process: keep it out of the collector's full passes,
        # which otherwise stall the loop for ~0.1 s in the middle of a burst of photos.
        gc.freeze()
        yield RunningBot(application, runtime, photos, outbox, feed)


@asynccontextmanager
async def telegram_chat(settings: Settings) -> AsyncIterator[TelegramChat]:
    """The chat over the Bot API without the bot around it: `captcha-bot reports export` downloads with it."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is required")
    plan = flood_plan(settings)
    bot = ExtBot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=settings.telegram_base_url,
        base_file_url=settings.telegram_base_file_url,
        request=AiohttpRequest(connections=4, proxy=settings.proxy),
        rate_limiter=FloodGate(plan),
    )
    async with bot:
        yield TelegramChat(
            bot,
            plan,
            units=AnswerUnits(settings.puzzle_width),
            buttons=ReportButtons(texts(settings.default_language)),
        )


def admission(settings: Settings, runtime: Runtime, chat: TelegramChat) -> Admission:
    """Who may use the bot: the groups listed, a photo cap per member, and members only in private chats."""
    members = (
        Membership(
            chat,
            runtime.sessions,
            groups=settings.allowed_chat_ids,
            admins=settings.admin_user_ids,
            cache_seconds=settings.membership_cache_seconds,
        )
        if settings.serves_members_only
        else None
    )
    return Admission(runtime.access, PhotoRate(settings.max_photos_per_minute), runtime.accounts, members=members)


def run_bot(settings: Settings) -> int:
    """`captcha-bot run`: serve until SIGINT or SIGTERM (0); 1 if Telegram refuses the token, at start-up or later."""
    return asyncio.run(_serve(settings))


async def _serve(settings: Settings) -> int:
    serving = cast(asyncio.Task[int], asyncio.current_task())
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, _stop, serving)
    try:
        async with running_bot(settings) as bot:
            await asyncio.wait([bot.feed.task])  # it ends on its own only when Telegram refuses the token
    except asyncio.CancelledError:
        return 0
    except InvalidToken:
        # PTB's message carries the token itself.
        log.critical("Telegram refuses the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather)")
    return 1


def _stop(serving: asyncio.Task[int]) -> None:
    """Cancelling stops whatever the bot is doing, waiting for Telegram at start-up included, in order; a second
    signal does not cut that short."""
    if not serving.cancelling():
        serving.cancel()


async def _initialized(application: BotApplication) -> None:
    """The Application initialized, which asks Telegram who the bot is: a bot started before the network is up,
    or while Telegram cannot be reached, waits for it. A token Telegram refuses is final (InvalidToken)."""
    waits = backoff()
    while True:
        try:
            await application.initialize()
            return
        except NetworkError as exc:
            if isinstance(exc, BadRequest):
                raise
            wait = next(waits)
            log.warning("Telegram cannot be reached at start-up (%s); trying again in %.1f s", exc, wait)
            await asyncio.sleep(wait)


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
