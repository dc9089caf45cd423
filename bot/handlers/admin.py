"""Admin commands: /grant, /users, /stats, /ledger. Anyone else is refused and nothing changes."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, cast

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.handlers.context import profile_of, reply, runtime_of, texts_of, watch_of
from bot.handlers.render_feedback import accuracy_lines
from bot.handlers.render_reports import ledger_text, member_name, provider_line, stats_text, users_pages
from bot.services.accounts import MAX_GRANT, MAX_USER_ID, GrantRefused
from bot.solver.base import SolverError
from bot.texts import Texts, pick_language, texts


def _number(text: str, bound: int = MAX_GRANT) -> int | None:
    try:
        value = int(text)
    except ValueError:
        return None
    return value if abs(value) <= bound else None


AdminCommand = Callable[[Update, Message, Texts, ContextTypes.DEFAULT_TYPE], Awaitable[None]]
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def admin_only(command: AdminCommand) -> Handler:
    """Runs `command` for admins; anyone else gets a polite refusal and nothing changes."""

    @functools.wraps(command)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        t = texts_of(update, context)
        runtime = runtime_of(context)
        await runtime.accounts.visit(profile_of(user))
        if runtime.access.is_admin(user.id):
            await command(update, message, t, context)
        else:
            await reply(message, t.not_admin)

    return guarded


@admin_only
async def grant_command(update: Update, message: Message, t: Texts, context: ContextTypes.DEFAULT_TYPE) -> None:
    runtime = runtime_of(context)
    args = context.args or []
    replied = message.reply_to_message
    replied_member = replied.from_user if replied is not None else None
    if replied_member is not None and not replied_member.is_bot and args and _number(args[0]) is not None:
        await runtime.accounts.visit(profile_of(replied_member))
        target_id, who = (
            replied_member.id,
            member_name(replied_member.username, replied_member.first_name, replied_member.id),
        )
        amount, note_words = _number(args[0]), args[1:]
    elif len(args) >= 2 and _number(args[1]) is not None:
        found = await runtime.accounts.find(args[0])
        given_id = _number(args[0], MAX_USER_ID - 1)
        if found is None and (given_id is None or given_id <= 0):
            await reply(message, t.unknown_member.format(who=args[0]))
            return
        target_id = found.id if found is not None else cast(int, given_id)
        who = member_name(found.username, found.first_name, found.id) if found is not None else args[0]
        amount, note_words = _number(args[1]), args[2:]
    else:
        await reply(message, t.grant_usage)
        return
    assert amount is not None
    actor = f"admin:{message.from_user.id}" if message.from_user else "admin"
    note = " ".join(note_words) or None
    try:
        # Once per update: handed over again after a crash, it is not granted twice.
        balance = await runtime.accounts.grant(target_id, amount, actor=actor, note=note, update_id=update.update_id)
    except GrantRefused as exc:
        await reply(message, t.grant_refused.format(who=who, balance=exc.balance, removed=-amount))
        return
    if balance is None:
        return
    done = t.grant_done.format(who=who, amount=amount, balance=balance)
    if target_id != message.chat_id and not await _tell_member(context, target_id, amount, balance):
        done = f"{done}\n{t.grant_not_told}"
    await reply(message, done)


async def _tell_member(context: ContextTypes.DEFAULT_TYPE, user_id: int, amount: int, balance: int) -> bool:
    runtime = runtime_of(context)
    member = await runtime.accounts.get(user_id)
    language = pick_language(member.language_code if member else None, runtime.settings.default_language)
    try:
        await context.bot.send_message(user_id, texts(language).grant_notice.format(amount=amount, balance=balance))
    except TelegramError:
        return False
    return True


@admin_only
async def users_command(_update: Update, message: Message, t: Texts, context: ContextTypes.DEFAULT_TYPE) -> None:
    pages = users_pages(t, await runtime_of(context).accounts.usage_table())
    args = context.args or []
    page = _number(args[0]) if args else 1
    await reply(message, pages[min(max(page or 1, 1), len(pages)) - 1])


@admin_only
async def stats_command(_update: Update, message: Message, t: Texts, context: ContextTypes.DEFAULT_TYPE) -> None:
    runtime = runtime_of(context)
    stats = await runtime.reports.usage()
    watch = watch_of(context)
    balance, error = None, None
    if watch is not None:
        try:
            balance = await watch.check()
        except SolverError as exc:
            error = exc.code
    settings = runtime.settings
    gap = max(settings.tokens_per_solve - settings.tokens_per_local_solve, 0)
    accuracy = accuracy_lines(t, await runtime.feedback.accuracy())
    await reply(message, stats_text(t, stats, provider_line(t, balance, error), gap, accuracy))


@admin_only
async def ledger_command(_update: Update, message: Message, t: Texts, context: ContextTypes.DEFAULT_TYPE) -> None:
    runtime = runtime_of(context)
    args = context.args or []
    member = await runtime.accounts.find(args[0]) if args else None
    if not args:
        await reply(message, t.ledger_usage)
        return
    if member is None:
        await reply(message, t.unknown_member.format(who=args[0]))
        return
    entries = await runtime.accounts.ledger(member.id)
    who = member_name(member.username, member.first_name, member.id)
    await reply(message, ledger_text(t, who, member.balance, entries, runtime.settings.timezone))
