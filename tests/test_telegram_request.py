"""PTB's calls over our aiohttp backend arrive as Telegram reads them, and fail with PTB's own errors."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web
from telegram import Bot, ReplyParameters
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.telegram_request import AiohttpRequest
from tests.conftest import Handler

Serve = Callable[[Handler], Awaitable[str]]
TOKEN = "123:secret"
MESSAGE = {"message_id": 7, "date": 0, "chat": {"id": 42, "type": "private"}}


def bot_at(url: str, request: AiohttpRequest) -> Bot:
    return Bot(TOKEN, base_url=f"{url}/bot", base_file_url=f"{url}/file/bot", request=request)


def with_get_me(handler: Handler) -> Handler:
    """`handler` for every call but getMe, which PTB makes when the bot starts."""

    async def telegram(request: web.Request) -> web.StreamResponse:
        if request.path.endswith("/getMe"):
            return answer({"id": 123, "is_bot": True, "first_name": "Captcha", "username": "captcha_bot"})
        return await handler(request)

    return telegram


def answer(result: object) -> web.Response:
    return web.json_response({"ok": True, "result": result})


async def test_a_call_and_an_upload_carry_their_parameters(serve: Serve) -> None:
    seen: list[tuple[str, dict[str, int | str | bytes | bytearray]]] = []

    async def telegram(request: web.Request) -> web.Response:
        form = await request.post()
        fields = {
            name: len(value.file.read()) if isinstance(value, web.FileField) else value for name, value in form.items()
        }
        seen.append((request.path, fields))
        return answer(MESSAGE)

    async with bot_at(await serve(with_get_me(telegram)), AiohttpRequest(connections=2)) as bot:
        sent = await bot.send_message(42, "➡️ 276 px", reply_parameters=ReplyParameters(5))
        await bot.send_photo(42, b"\x89PNG" * 5000)
    assert sent.message_id == 7
    assert seen == [
        ("/bot123:secret/sendMessage", {"chat_id": "42", "text": "➡️ 276 px", "reply_parameters": '{"message_id": 5}'}),
        ("/bot123:secret/sendPhoto", {"chat_id": "42", "photo": 20000}),
    ]


async def test_a_file_downloads_whole(serve: Serve) -> None:
    async def telegram(request: web.Request) -> web.Response:
        if request.path.endswith("/getFile"):
            return answer({"file_id": "F", "file_unique_id": "U", "file_path": "photos/1.jpg"})
        assert request.path == "/file/bot123:secret/photos/1.jpg"
        return web.Response(body=b"\xff\xd8" * 100_000)

    async with bot_at(await serve(with_get_me(telegram)), AiohttpRequest(connections=2)) as bot:
        file = await bot.get_file("F")
        assert len(await file.download_as_bytearray()) == 200_000


@pytest.mark.filterwarnings("ignore:.*retry_after:telegram.warnings.PTBDeprecationWarning")
async def test_telegrams_errors_stay_telegrams(serve: Serve) -> None:
    # PTB reads the status and the description: a 429 must still say how long to wait.
    async def flooded(request: web.Request) -> web.Response:
        body = {"ok": False, "error_code": 429, "description": "Too Many Requests", "parameters": {"retry_after": 3}}
        return web.Response(status=429, text=json.dumps(body), content_type="application/json")

    async with bot_at(await serve(with_get_me(flooded)), AiohttpRequest(connections=1)) as bot:
        with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
            await bot.send_message(42, "hi")


async def test_a_slow_answer_times_out(serve: Serve) -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return answer(MESSAGE)

    async with bot_at(await serve(with_get_me(slow)), AiohttpRequest(connections=1, timeout=0.2)) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(42, "hi")


async def test_a_long_poll_may_take_its_own_timeout(serve: Serve) -> None:
    # getUpdates waits up to its `timeout` on Telegram's side: the read timeout comes on top of it.
    async def long_poll(request: web.Request) -> web.Response:
        await asyncio.sleep(0.6)
        return answer([])

    async with bot_at(await serve(with_get_me(long_poll)), AiohttpRequest(connections=1, timeout=0.3)) as bot:
        assert await bot.get_updates(timeout=1) == ()


async def test_an_unreachable_telegram_is_a_network_error_not_a_timeout() -> None:
    with socket.socket() as sock:  # a port nobody listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    request = AiohttpRequest(connections=1)
    async with request:
        with pytest.raises(NetworkError) as caught:
            await bot_at(f"http://127.0.0.1:{port}", request).send_message(42, "hi")
    assert not isinstance(caught.value, TimedOut)
    assert "secret" not in str(caught.value)


async def test_the_backend_opens_again_after_shutdown(serve: Serve) -> None:
    async def telegram(request: web.Request) -> web.Response:
        return answer(MESSAGE)

    request = AiohttpRequest(connections=1)
    for _ in range(2):  # PTB shuts its requests down with the application and may initialise them again
        async with bot_at(await serve(with_get_me(telegram)), request) as bot:
            assert (await bot.send_message(42, "hi")).message_id == 7


async def test_calls_go_through_the_proxy_when_one_is_set(serve: Serve) -> None:
    # Where Telegram is blocked, the team reaches it through a proxy (PROXY_URL).
    proxied: list[str] = []

    async def proxy(request: web.Request) -> web.Response:
        proxied.append(str(request.url))
        return answer(MESSAGE)

    request = AiohttpRequest(connections=1, proxy=await serve(with_get_me(proxy)))
    async with bot_at("http://api.telegram.invalid", request) as bot:
        await bot.send_message(42, "hi")
    assert proxied == ["http://api.telegram.invalid/bot123:secret/sendMessage"]
