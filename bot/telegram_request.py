"""python-telegram-bot's HTTP backend on an aiohttp session, without httpx's client in between.

In a burst of photos the bot's CPU sets the pace, and every photo takes several Bot API calls (getFile, the
download, the "solving…" reply, the answer). Through PTB's HTTPXRequest each call also builds httpx's request
and response models and merges URLs, headers and cookies, which costs more CPU than the HTTP itself
(`bench/http_clients.py`). PTB's `BaseRequest` is the extension point made for another backend: PTB still
encodes the parameters, parses the answers and raises Telegram's errors from the status code.
"""

from __future__ import annotations

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.http_transport import open_session


class AiohttpRequest(BaseRequest):
    """At most `connections` at once, through `proxy` (an http:// URL) when one is given.

    A call waits for a free connection without a deadline: nothing has been sent meanwhile, and PTB's pool
    timeout would turn a burst into errors. Timeouts are PTB's own defaults; aiohttp has no write timeout, so an
    upload may take `upload_timeout` until Telegram answers."""

    def __init__(
        self, *, connections: int, proxy: str | None = None, timeout: float = 5.0, upload_timeout: float = 20.0
    ) -> None:
        self._connections = connections
        self._proxy = proxy
        self._timeout = timeout
        self._upload_timeout = upload_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        return self._timeout  # PTB adds a long poll's own timeout to it

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = open_session(self._connections, self._proxy)

    async def shutdown(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None:
            raise RuntimeError("AiohttpRequest is used before initialize()")
        body, read = None, self._chosen(read_timeout)
        if request_data is not None:
            # As PTB's own backend sends them: a form of JSON values, multipart when it carries files.
            body = aiohttp.FormData(request_data.json_parameters)
            for name, (filename, content, mime_type) in request_data.multipart_data.items():
                body.add_field(name, content, filename=filename, content_type=mime_type)
            if request_data.contains_files and read is not None:
                read = max(read, self._upload_timeout)
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=self._chosen(connect_timeout), sock_read=read)
        try:
            async with self._session.request(method, url, data=body, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's own timeouts are TimeoutErrors too
            raise TimedOut(f"aiohttp.{type(exc).__name__}: {exc}") from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc

    def _chosen(self, timeout: object) -> float | None:
        """A timeout PTB passed for this call (None: none at all), or the default."""
        return timeout if timeout is None or isinstance(timeout, float | int) else self._timeout
