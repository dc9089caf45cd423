"""The aiohttp transport behaves like httpx's own engine where the bot relies on it, over real HTTP."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
from collections.abc import Awaitable, Callable

import httpx
import pytest
from aiohttp import web

from bot.http_transport import AiohttpTransport
from tests.conftest import Handler


def client(*, connections: int = 4, timeout: float = 2.0) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=AiohttpTransport(max_connections=connections), timeout=timeout)


async def test_a_json_request_and_a_gzipped_answer_round_trip(serve: Callable[[Handler], Awaitable[str]]) -> None:
    async def echo(request: web.Request) -> web.Response:
        seen = {"method": request.method, "path": request.path_qs, "body": await request.json()}
        seen["header"] = request.headers.get("X-Team", "")
        return web.Response(
            body=gzip.compress(json.dumps(seen).encode()),
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
            status=201,
            reason="Made",
        )

    url = await serve(echo)
    async with client() as http:
        response = await http.post(f"{url}/api/createJob?x=1", json={"a": "ö"}, headers={"X-Team": "t"})
    assert (response.status_code, response.reason_phrase) == (201, "Made")
    assert response.json() == {"method": "POST", "path": "/api/createJob?x=1", "body": {"a": "ö"}, "header": "t"}


async def test_a_multipart_upload_arrives_whole(serve: Callable[[Handler], Awaitable[str]]) -> None:
    async def sizes(request: web.Request) -> web.Response:
        form = await request.post()
        photo = form["photo"]
        assert isinstance(photo, web.FileField)
        return web.json_response({"chat_id": form["chat_id"], "photo": len(photo.file.read())})

    url = await serve(sizes)
    async with client() as http:
        response = await http.post(url, data={"chat_id": "42"}, files={"photo": ("a.png", b"\x89PNG" * 5000)})
    assert response.json() == {"chat_id": "42", "photo": 20000}


async def test_a_refused_connection_is_a_connect_error() -> None:
    with socket.socket() as sock:  # a port nobody listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with client() as http:
        with pytest.raises(httpx.ConnectError):
            await http.get(f"http://127.0.0.1:{port}/")


async def test_a_connection_dropped_after_sending_is_not_a_connect_error(
    serve: Callable[[Handler], Awaitable[str]],
) -> None:
    # Only connect errors are retried for paid calls: this one must not look like one.
    async def drop(request: web.Request) -> web.StreamResponse:
        await request.read()
        assert request.transport is not None
        request.transport.close()
        return web.Response()

    url = await serve(drop)
    async with client() as http:
        with pytest.raises(httpx.TransportError) as caught:
            await http.post(url, json={})
    assert not isinstance(caught.value, httpx.ConnectError | httpx.ConnectTimeout)


async def test_a_slow_answer_is_a_read_timeout(serve: Callable[[Handler], Awaitable[str]]) -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.Response()

    url = await serve(slow)
    async with client(timeout=0.1) as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.get(url)


async def test_waiting_too_long_for_a_free_connection_is_a_connect_timeout(
    serve: Callable[[Handler], Awaitable[str]],
) -> None:
    # Nothing was sent, so a paid call may be retried.
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(0.5)
        return web.Response()

    url = await serve(slow)
    async with client(connections=1) as http:
        busy = asyncio.create_task(http.get(url))
        await asyncio.sleep(0.05)
        with pytest.raises(httpx.ConnectTimeout):
            await http.get(url, timeout=httpx.Timeout(2.0, pool=0.1))
        assert (await busy).status_code == 200


async def test_the_transport_opens_again_after_closing(serve: Callable[[Handler], Awaitable[str]]) -> None:
    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    url = await serve(ok)
    transport = AiohttpTransport(max_connections=1)
    for _ in range(2):  # PTB closes its clients at shutdown and may initialise them again
        async with httpx.AsyncClient(transport=transport) as http:
            assert (await http.get(url)).text == "ok"


async def test_requests_go_through_the_proxy_when_one_is_set(serve: Callable[[Handler], Awaitable[str]]) -> None:
    # Where Telegram is blocked, the team reaches it through a proxy (PROXY_URL).
    async def proxy(request: web.Request) -> web.Response:
        return web.Response(text=f"proxied {request.method} {request.url}")

    proxy_url = await serve(proxy)
    async with httpx.AsyncClient(transport=AiohttpTransport(max_connections=1, proxy=proxy_url)) as http:
        response = await http.post("http://api.telegram.invalid/bot123/getMe", json={})
    assert response.text == "proxied POST http://api.telegram.invalid/bot123/getMe"
