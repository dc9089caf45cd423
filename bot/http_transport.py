"""httpx's API on aiohttp's HTTP engine: the transport of the OmoCaptcha client (the Bot API's backend,
bot/telegram_request.py, opens its sessions here too).

At a few hundred photos in flight the bot's CPU sets the pace, and a request through httpx's own
engine (httpcore + h11) costs 0.7–1.8 ms of CPU on a 2-core machine against 0.2 ms through this
transport (`bench/http_clients.py`). The code keeps httpx's API, timeouts and exceptions.

Errors keep the distinction the callers rely on: `ConnectError` and `ConnectTimeout` only when the
request cannot have left (no connection, or none free in time), so a paid call may be retried;
anything that fails after sending is a read or protocol error. That is why this is not the `httpx-aiohttp`
package, which does the same otherwise: its mapping turns a connection dropped after sending into a
`ConnectTimeout`, and the OmoCaptcha client would then pay for a second `createJob`.
"""

from __future__ import annotations

import aiohttp
import httpx

# Most specific first: aiohttp's exception classes inherit from each other.
_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (aiohttp.ClientConnectorError, httpx.ConnectError),
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),  # connecting, or waiting for a free connection
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),
    (aiohttp.ClientPayloadError, httpx.ReadError),
    (aiohttp.ClientOSError, httpx.ReadError),
    (aiohttp.ClientResponseError, httpx.RemoteProtocolError),
)


class AiohttpTransport(httpx.AsyncBaseTransport):
    """One aiohttp session with at most `max_connections`, opened on the first request, through `proxy`
    (an http:// URL) when one is given.

    Closing it closes the session; a later request opens a new one (PTB re-initialises its clients).
    """

    def __init__(self, *, max_connections: int, proxy: str | None = None) -> None:
        self._max_connections = max_connections
        self._proxy = proxy
        self._session: aiohttp.ClientSession | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        headers = [(name, value) for name, value in request.headers.multi_items() if name != "transfer-encoding"]
        timeout = request.extensions.get("timeout", {})
        try:
            async with self._open().request(
                request.method,
                str(request.url),
                headers=headers,
                data=body or None,
                allow_redirects=False,
                auto_decompress=False,  # httpx decodes, as it would with its own engine
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeout.get("pool"),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
            ) as response:
                content = await response.read()
        except aiohttp.ClientError as exc:
            raise _httpx_error(exc, request) from exc
        return httpx.Response(
            response.status,
            headers=list(response.raw_headers),
            content=content,
            request=request,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": (response.reason or "").encode()},
        )

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = open_session(self._max_connections, self._proxy)
        return self._session


def open_session(max_connections: int, proxy: str | None) -> aiohttp.ClientSession:
    """An aiohttp session verifying certificates as httpx does (certifi's), through `proxy` when one is given."""
    connector = aiohttp.TCPConnector(limit=max_connections, ssl=httpx.create_ssl_context())
    return aiohttp.ClientSession(connector=connector, proxy=proxy)


def _httpx_error(exc: aiohttp.ClientError, request: httpx.Request) -> httpx.TransportError:
    message = f"{type(exc).__name__}: {exc}"
    for aiohttp_error, httpx_error in _ERRORS:
        if isinstance(exc, aiohttp_error):
            return httpx_error(message, request=request)
    # Unknown: it may have been sent, so it must not look retryable.
    return httpx.TransportError(message, request=request)
