"""The fake Telegram server, driven by PTB's real Bot and Application over HTTP."""

from __future__ import annotations

import asyncio
import io
import itertools
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import httpx
import pytest
from PIL import Image
from telegram import Bot, BotCommand, BotCommandScopeChat, Message, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from tests.fakes.telegram.flood import FloodLimits
from tests.fakes.telegram.params import Upload
from tests.fakes.telegram.server import FakeTelegram

App = Application[Any, Any, Any, Any, Any, Any]
Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def png(width: int = 400, height: int = 300) -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").resize((width, height)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token="123:ABC") as fake:
        yield fake


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as plain_bot:
        yield plain_bot


@pytest.fixture
async def app(tg: FakeTelegram) -> AsyncIterator[App]:
    """A polling Application; tests add handlers before the first update arrives."""
    application = Application.builder().token(tg.token).base_url(tg.base_url).base_file_url(tg.base_file_url).build()
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        yield application
        await application.updater.stop()
        await application.stop()


async def test_start_in_private_chat_gets_a_threaded_reply(tg: FakeTelegram, app: App) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        assert update.effective_user is not None
        # PTB 22 threads a reply_text only in groups unless do_quote=True.
        await update.effective_message.reply_text(f"hello, {update.effective_user.language_code}", do_quote=True)

    app.add_handler(CommandHandler("start", start))
    alice = tg.user("Alice", language_code="vi")
    chat = tg.private_chat(alice)
    command = tg.send_text(alice, chat, "/start")

    reply = await tg.wait_for(lambda m: m.chat_id == chat.id)

    assert reply.text == "hello, vi"
    assert reply.reply_to_message_id == command["message_id"]
    assert reply.message_id == command["message_id"] + 1
    (call,) = tg.calls("sendMessage")
    assert call.params["reply_parameters"]["message_id"] == command["message_id"]


async def test_a_photo_downloads_as_the_original_bytes(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user()
    image = png()
    sent = Message.de_json(tg.send_photo(alice, tg.private_chat(alice), image, caption="/solve"), bot)

    assert [size.width for size in sent.photo] == [100, 200, 400]
    assert sent.caption == "/solve"
    largest = await bot.get_file(sent.photo[-1].file_id)
    assert bytes(await largest.download_as_bytearray()) == image
    smallest = await bot.get_file(sent.photo[0].file_id)
    with Image.open(io.BytesIO(await smallest.download_as_bytearray())) as thumbnail:
        assert thumbnail.size == (100, 75)
    # PTB rewrites File.file_path into the full download URL.
    downloaded = [call.params["file_path"] for call in tg.calls("downloadFile")]
    assert [f"{tg.base_file_url}{tg.token}/{path}" for path in downloaded] == [largest.file_path, smallest.file_path]


async def test_a_file_claimed_too_big_is_refused_by_get_file(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user()
    message = tg.send_document(
        alice, tg.private_chat(alice), b"%PDF", "big.pdf", "application/pdf", file_size=25 * 1024 * 1024
    )

    assert message["document"]["file_size"] == 25 * 1024 * 1024
    with pytest.raises(BadRequest, match="File is too big"):
        await bot.get_file(message["document"]["file_id"])


async def test_send_photo_upload_is_recorded(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user()
    chat = tg.private_chat(alice)
    question = tg.send_text(alice, chat, "where is the gap?")
    image = png(120, 80)

    answer = await bot.send_photo(chat.id, image, caption="here", reply_to_message_id=question["message_id"])

    assert answer.photo[-1].width == 120
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.text == "where is the gap?"
    (sent,) = tg.messages_in(chat)
    assert (sent.photo, sent.text, sent.reply_to_message_id) == (image, "here", question["message_id"])
    upload = tg.calls("sendPhoto")[0].params["photo"]
    assert isinstance(upload, Upload)
    assert upload.data == image


async def test_edits_change_the_current_text_and_keep_the_history(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user()
    chat = tg.private_chat(alice)
    status = await bot.send_message(chat.id, "Solving…")

    edited = await bot.edit_message_text("Drag <b>276</b> px", chat.id, status.message_id, parse_mode="HTML")

    assert isinstance(edited, Message)
    assert edited.text == "Drag 276 px"
    (sent,) = tg.messages_in(chat)
    assert (sent.text, sent.history) == ("Drag 276 px", ["Solving…", "Drag 276 px"])
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("Drag 276 px", chat.id, status.message_id)
    await bot.delete_message(chat.id, status.message_id)
    assert sent.deleted
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("late", chat.id, status.message_id)


async def test_malformed_html_is_refused_as_telegram_does(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user()

    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(alice.id, "1 < 2", parse_mode="HTML")
    assert tg.messages_in(alice.id) == []


# PTB warns, inside RetryAfter itself, that retry_after will become a timedelta.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_raises_retry_after_then_recovers(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user()
    tg.fail_next("sendMessage", retry_after=3)

    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(alice.id, "hi")
    await bot.send_message(alice.id, "hi")

    assert str(flood.value) in (
        "Flood control exceeded. Retry in 3 seconds",
        "Flood control exceeded. Retry in 0:00:03",
    )
    assert [call.error_code for call in tg.calls("sendMessage")] == [429, None]
    assert [m.text for m in tg.messages_in(alice.id)] == ["hi"]


async def test_a_chosen_error_is_answered_once(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user()
    status = await bot.send_message(alice.id, "Solving…")
    tg.fail_next("editMessageText", error_code=400, description="Bad Request: message to edit not found")

    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("Done", alice.id, status.message_id)
    await bot.edit_message_text("Done", alice.id, status.message_id)


async def test_long_poll_wakes_when_an_update_arrives(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user()
    poll = asyncio.create_task(bot.get_updates(timeout=60))
    await tg.wait_for_call("getUpdates")

    message = tg.send_text(alice, tg.private_chat(alice), "hi")

    async with asyncio.timeout(5):  # far below the poll's 60 s: it must wake on the update
        (update,) = await poll
    assert update.update_id == tg.update_id_of(message)
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()


async def test_long_poll_holds_until_its_timeout_without_updates(tg: FakeTelegram, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()

    assert await bot.get_updates(timeout=1) == ()
    assert loop.time() - started >= 0.9


async def test_redelivery_brings_the_same_update_again(tg: FakeTelegram, app: App) -> None:
    seen: list[int] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update.update_id)
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"seen {len(seen)}")

    app.add_handler(MessageHandler(filters.TEXT, record))
    alice = tg.user()
    message = tg.send_text(alice, tg.private_chat(alice), "hi")
    await tg.wait_for(lambda m: m.text == "seen 1")

    tg.redeliver(tg.update_id_of(message))
    await tg.wait_for(lambda m: m.text == "seen 2")

    assert seen == [tg.update_id_of(message)] * 2


async def test_a_command_in_a_caption_needs_a_caption_filter(tg: FakeTelegram, app: App) -> None:
    """PTB's CommandHandler reads only message.text; a command in a caption needs filters.CaptionRegex
    (or filters.CaptionEntity("bot_command"))."""
    fired: list[str] = []

    def replying(name: str) -> Callback:
        async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            fired.append(name)
            assert update.effective_message is not None
            await update.effective_message.reply_text(name)

        return callback

    app.add_handler(CommandHandler("solve", replying("command")), group=0)
    app.add_handler(
        MessageHandler(filters.PHOTO & filters.CaptionRegex(r"^/solve(@\w+)?\b"), replying("caption")), group=1
    )
    alice = tg.user()
    chat = tg.private_chat(alice)

    tg.send_photo(alice, chat, png(), caption="/solve please")
    await tg.wait_for(lambda m: m.text == "caption")
    tg.send_text(alice, chat, "/solve")
    await tg.wait_for(lambda m: m.text == "command")

    assert fired == ["caption", "command"]


async def test_privacy_mode_hides_group_chatter_but_not_commands_or_replies(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user()
    team = tg.group("Team")
    photo = tg.send_photo(alice, team, png())
    for_other_bot = tg.send_text(alice, team, "/solve@other_bot")
    command = tg.send_text(alice, team, "/solve", reply_to=photo)
    hint = await bot.send_message(team.id, "Reply /solve to a screenshot")
    thanks = tg.send_text(alice, team, "thanks", reply_to=hint.message_id)

    with pytest.raises(LookupError):
        tg.update_id_of(photo)
    with pytest.raises(LookupError):
        tg.update_id_of(for_other_bot)
    command_update, thanks_update = await bot.get_updates(timeout=0)
    assert command_update.message is not None
    assert command_update.message.message_id == command["message_id"]
    assert command_update.message.reply_to_message is not None
    assert command_update.message.reply_to_message.photo
    assert thanks_update.update_id == tg.update_id_of(thanks)
    assert team.id < 0

    tg.set_member_status(team, tg.bot, "administrator")
    tg.send_text(alice, team, "just chatting")
    assert len(await bot.get_updates(offset=thanks_update.update_id + 1, timeout=0)) == 1


async def test_commands_members_and_chat_actions(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user()
    team = tg.group()
    tg.set_member_status(team, alice, "administrator")
    commands = [BotCommand("solve", "Giải captcha")]

    await bot.set_my_commands(commands, language_code="vi")
    await bot.set_my_commands([BotCommand("balance", "Your balance")], scope=BotCommandScopeChat(team.id))

    assert await bot.get_my_commands(language_code="vi") == tuple(commands)
    assert await bot.get_my_commands() == ()
    assert await bot.delete_my_commands(language_code="vi")
    assert await bot.get_my_commands(language_code="vi") == ()
    assert (await bot.get_chat_member(team.id, alice.id)).status == "administrator"
    assert (await bot.get_chat_member(alice.id, alice.id)).status == "member"
    assert await bot.send_chat_action(team.id, "typing")
    assert tg.calls("setMyCommands")[1].params["scope"] == {"type": "chat", "chat_id": team.id}


async def test_raw_protocol_tokens_methods_and_json_bodies(tg: FakeTelegram) -> None:
    alice = tg.user()
    question = tg.send_text(alice, tg.private_chat(alice), "hi")
    async with httpx.AsyncClient() as client:
        wrong_token = await client.post(f"{tg.base_url}123:WRONG/getMe")
        unknown = await client.post(f"{tg.base_url}{tg.token}/sendTelepathy")
        sent = await client.post(
            f"{tg.base_url}{tg.token}/sendMessage",
            json={"chat_id": alice.id, "text": "ok", "reply_parameters": {"message_id": question["message_id"]}},
        )

    assert (wrong_token.status_code, wrong_token.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert (unknown.status_code, unknown.json()) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    assert sent.json()["result"]["reply_to_message"]["message_id"] == question["message_id"]


async def test_wait_for_reports_what_the_bot_sent_when_nothing_matches(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user()
    await bot.send_message(alice.id, "something else")

    with pytest.raises(TimeoutError, match="something else"):
        await tg.wait_for(lambda m: m.text == "never", timeout=0.05)


@pytest.mark.parametrize("how", ["502", "drop"])
async def test_an_outage_fails_every_call_until_telegram_comes_back(tg: FakeTelegram, bot: Bot, how: Any) -> None:
    alice = tg.user()
    tg.go_down(how)
    with pytest.raises(NetworkError) as failed:
        await bot.send_message(alice.id, "anyone there?")
    assert not isinstance(failed.value, BadRequest)
    assert tg.messages_in(alice.id) == []
    tg.come_back()
    await bot.send_message(alice.id, "back")
    assert [m.text for m in tg.messages_in(alice.id)] == ["back"]


async def test_a_user_who_blocked_the_bot_refuses_its_messages_for_good(tg: FakeTelegram, bot: Bot) -> None:
    alice, bob = tg.user("Alice"), tg.user("Bob")
    tg.block_bot(alice)
    for _ in range(2):
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(alice.id, "hello?")
    await bot.send_message(bob.id, "hello")
    assert [m.text for m in tg.messages_in(bob.id)] == ["hello"]


async def test_an_action_runs_once_when_a_matching_call_arrives(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user()
    seen: list[str] = []
    tg.on_call("sendMessage", lambda call: seen.append(call.params["text"]), when=lambda c: c.params["text"] == "b")
    for text in ("a", "b", "b"):
        await bot.send_message(alice.id, text)
    assert seen == ["b"]


def retry_after_seconds(error: RetryAfter) -> float:
    """retry_after, which PTB gives as an int or (PTB_TIMEDELTA set) a timedelta."""
    retry_after = error.retry_after
    return retry_after if isinstance(retry_after, int) else retry_after.total_seconds()


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_the_21st_message_to_a_group_within_a_minute_is_refused_as_telegram_does(
    tg: FakeTelegram, bot: Bot
) -> None:
    team = tg.group()
    tg.enforce_flood_limits(clock=itertools.count().__next__)  # each message a second after the last
    for number in range(20):
        await bot.send_message(team.id, f"message {number}")

    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(team.id, "one too many")
    async with httpx.AsyncClient() as client:
        edit = await client.post(
            f"{tg.base_url}{tg.token}/editMessageText",
            json={"chat_id": team.id, "message_id": tg.messages_in(team)[0].message_id, "text": "edited"},
        )

    assert retry_after_seconds(flood.value) == 40  # sent at 20 s, the first message (at 0 s) leaves the minute at 60 s
    assert (edit.status_code, edit.json()) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 39",
            "parameters": {"retry_after": 39},
        },
    )
    assert [m.text for m in tg.messages_in(team)] == [f"message {number}" for number in range(20)]
    assert [call.retry_after for call in tg.calls("sendMessage")] == [None] * 20 + [40]
    assert (tg.flood_errors, tg.flood_errors_in(team), tg.flood_errors_in(tg.group("Other"))) == (2, 2, 0)


async def test_without_flood_limits_nothing_is_refused(tg: FakeTelegram, bot: Bot) -> None:
    team = tg.group()
    for number in range(25):
        sent = await bot.send_message(team.id, f"message {number}")
        await bot.edit_message_text(f"edited {number}", team.id, sent.message_id)

    assert all(call.ok for call in tg.calls())
    assert tg.flood_errors == 0


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_only_messages_sent_or_edited_count_and_limits_can_be_lifted() -> None:
    limits = FloodLimits(per_chat_burst=1, per_chat_per_second=0.01)
    async with (
        FakeTelegram(flood_limits=limits) as tg,
        Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as bot,
    ):
        alice = tg.user()
        photo = tg.send_photo(alice, tg.private_chat(alice), png())
        sent = await bot.send_message(alice.id, "the one message a hundred seconds")
        with pytest.raises(RetryAfter) as flood:
            await bot.edit_message_text("edited", alice.id, sent.message_id)

        for _ in range(3):
            await bot.get_me()
            await bot.get_updates(timeout=0)
            await (await bot.get_file(photo["photo"][-1]["file_id"])).download_as_bytearray()
            await bot.send_chat_action(alice.id, "typing")
            await bot.get_chat_member(alice.id, alice.id)
            await bot.set_my_commands([BotCommand("solve", "Solve")])
            await bot.get_my_commands()
            await bot.delete_my_commands()
        await bot.delete_message(alice.id, sent.message_id)
        tg.lift_flood_limits()
        await bot.send_message(alice.id, "free again")

        assert retry_after_seconds(flood.value) == 100
        assert [call.method for call in tg.calls() if not call.ok] == ["editMessageText"]
        assert tg.flood_errors == 1


async def test_latency_holds_every_call_and_separately_every_download(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user()
    photo = tg.send_photo(alice, tg.private_chat(alice), png())
    loop = asyncio.get_running_loop()

    tg.latency = 0.1
    started = loop.time()
    file = await bot.get_file(photo["photo"][-1]["file_id"])
    called = loop.time()
    tg.latency, tg.download_latency = 0.0, 0.1
    await file.download_as_bytearray()

    assert called - started >= 0.1
    assert loop.time() - called >= 0.1
