"""CPU per HTTP request: httpx's own engine against httpx on our aiohttp transport (the OmoCaptcha client),
and PTB's getFile through its httpx backend against our aiohttp backend (every Bot API call).

    .venv/bin/python bench/http_clients.py [--requests 3000] [--concurrency 32]

A small aiohttp server runs in a child process, so the figures are the client's alone: each client
sends the same POST (the size of a Bot API call) with `concurrency` requests in flight.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

from bot.http_transport import AiohttpTransport
from bot.telegram_request import AiohttpRequest

ANSWER = b'{"ok":true,"result":{"file_id":"AgAD","file_unique_id":"x","file_size":1234,"file_path":"photos/f.jpg"}}'


def serve(port: int) -> None:
    async def answer(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=ANSWER, content_type="application/json")

    app = web.Application()
    app.router.add_post("/{path:.*}", answer)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


async def cpu_per_call(call: Callable[[], Awaitable[object]], requests: int, concurrency: int) -> float:
    """Milliseconds of this process's CPU per call, with `concurrency` calls in flight."""
    slots = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with slots:
            await call()

    await asyncio.gather(*(one() for _ in range(200)))  # warm: connections open
    started = time.process_time()
    await asyncio.gather(*(one() for _ in range(requests)))
    return (time.process_time() - started) / requests * 1000


async def measure(name: str, make: Callable[[], httpx.AsyncClient], url: str, requests: int, concurrency: int) -> None:
    async with make() as client:

        async def call() -> None:
            (await client.post(url, json={"file_id": "AgAD"})).json()

        cpu = await cpu_per_call(call, requests, concurrency)
    print(f"{name:>44}: {cpu:.3f} ms of CPU per request")


async def measure_bot(name: str, request: BaseRequest, url: str, requests: int, concurrency: int) -> None:
    bot = Bot("123:bench", base_url=url.removesuffix("getFile"), request=request)
    async with request:
        cpu = await cpu_per_call(lambda: bot.get_file("AgAD"), requests, concurrency)
    print(f"{name:>44}: {cpu:.3f} ms of CPU per call")


async def compare(url: str, requests: int, concurrency: int) -> None:
    def engine(connections: int) -> Callable[[], httpx.AsyncClient]:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        return lambda: httpx.AsyncClient(limits=limits)

    clients = {
        "httpx engine, 32 connections": engine(32),
        "httpx engine, 8 connections": engine(8),
        "aiohttp transport, 32": lambda: httpx.AsyncClient(transport=AiohttpTransport(max_connections=32)),
    }
    for name, make in clients.items():
        await measure(name, make, url, requests, concurrency)
    transport = AiohttpTransport(max_connections=32)
    backends: dict[str, BaseRequest] = {
        "PTB getFile, HTTPXRequest on our transport": HTTPXRequest(
            32, pool_timeout=None, httpx_kwargs={"transport": transport}
        ),
        "PTB getFile, AiohttpRequest": AiohttpRequest(connections=32),
    }
    for name, request in backends.items():
        await measure_bot(name, request, url, requests, concurrency)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/getFile"
    with subprocess.Popen([sys.executable, __file__, "--serve", str(port)]) as server:
        try:
            for _ in range(200):  # until the server listens
                try:
                    httpx.post(url)
                    break
                except httpx.ConnectError:
                    time.sleep(0.05)
            asyncio.run(compare(url, args.requests, args.concurrency))
        finally:
            server.terminate()


if __name__ == "__main__":
    main()
