"""A fake Telegram Bot API server on 127.0.0.1, for end-to-end tests and benchmarks.

    async with FakeTelegram(token="123:ABC") as tg:
        app = Application.builder().token(tg.token).base_url(tg.base_url).base_file_url(tg.base_file_url).build()
        ...
        alice = tg.user("Alice", language_code="vi")
        start = tg.send_text(alice, tg.private_chat(alice), "/start")
        reply = await tg.wait_for(lambda m: m.reply_to_message_id == start["message_id"])

The test plays the users (`user`, `group`, `send_text`, `send_photo`, `send_document`, `redeliver`), the bot
talks HTTP to it as to api.telegram.org, and every call and outgoing message is recorded (`calls`,
`messages_in`, `wait_for`). Groups behave as with privacy mode on unless the bot is made an administrator
(`set_member_status(group, tg.bot, "administrator")`) or the fake is built with `privacy_mode=False`.

Bad days: `fail_next` answers the next calls of a method with an error; `go_down("502" | "drop")` makes every
call fail (Bad Gateway, or the connection closed unanswered) until `come_back()`; `block_bot(user)` answers
every send to that user's chat with 403 "bot was blocked by the user"; `on_call(method, action)` runs `action`
(say, killing the bot's process) the moment a matching call arrives, before it is answered.

Within Telegram's real limits, both off unless asked for: `flood_limits=TELEGRAM_LIMITS` (or
`enforce_flood_limits`, until `lift_flood_limits()`) refuses messages sent or edited beyond Telegram's flood
limits with 429 "Too Many Requests: retry after N", counted in `flood_errors`; `latency` (and, for file
downloads, `download_latency`) holds every call that many seconds on arrival before acting on it.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Literal, Self

from aiohttp import web

from tests.fakes.telegram.callbacks import CallbackQueries
from tests.fakes.telegram.files import FileStore
from tests.fakes.telegram.flood import TELEGRAM_LIMITS, Clock, FloodControl, FloodLimits
from tests.fakes.telegram.messages import MessageStore, Predicate, SentMessage
from tests.fakes.telegram.methods import BotApi
from tests.fakes.telegram.objects import Chat, Directory, MemberStatus, User, command_entities, has_command_for
from tests.fakes.telegram.params import ApiError, JSONDict, Params, read_params
from tests.fakes.telegram.updates import UpdateQueue
from tests.fakes.telegram.watch import Watch

DOWNLOAD = "downloadFile"  # the name file downloads are recorded, and can be made to fail, under
_MAX_UPLOAD = 64 * 1024 * 1024

ReplyTo = int | JSONDict | SentMessage | None
Runner = Callable[[web.Request, Params], Awaitable[web.StreamResponse]]
Outage = Literal["502", "drop"]
# Methods that write to a chat: what a user who blocked the bot refuses.
_SENDS = frozenset(
    {"sendmessage", "sendphoto", "editmessagetext", "editmessagecaption", "deletemessage", "sendchataction"}
)
_BLOCKED = "Forbidden: bot was blocked by the user"
# Methods that send or edit a message: what Telegram's flood limits count.
MESSAGES = frozenset({"sendmessage", "sendphoto", "editmessagetext", "editmessagecaption"})


@dataclass(slots=True)
class Call:
    """One HTTP request of the bot, recorded on arrival."""

    method: str  # as the client spelled it; file downloads are DOWNLOAD with params {"file_path": ...}
    params: JSONDict  # decoded whatever the encoding: numbers, booleans and objects as such, files as Upload
    monotonic: float  # time.monotonic() on arrival
    wall: float  # time.time() on arrival
    error_code: int | None = None  # set when the fake answered with an error
    retry_after: int | None = None  # set when that error was 429 Too Many Requests: the seconds it told to wait

    @property
    def ok(self) -> bool:
        return self.error_code is None


class FakeTelegram:
    def __init__(
        self,
        token: str = "123:ABC",
        *,
        bot_username: str = "captcha_test_bot",
        privacy_mode: bool = True,
        flood_limits: FloodLimits | None = None,
        latency: float = 0.0,
        download_latency: float = 0.0,
    ):
        self.token = token
        self.bot = User(int(token.split(":", 1)[0]), "Captcha Bot", bot_username, is_bot=True)
        self._privacy_mode = privacy_mode
        self._directory = Directory(self.bot)
        self._messages = MessageStore()
        self._files = FileStore()
        self._updates = UpdateQueue()
        self._methods = BotApi(
            self._directory, self._messages, self._files, self._updates, privacy_mode=privacy_mode
        ).methods()
        self.callbacks = CallbackQueries(self._directory, self._messages, self._updates)  # button presses
        self._methods.update(self.callbacks.methods())
        self._calls: list[Call] = []
        self._call_watch: Watch[Call] = Watch()
        self._failures: defaultdict[str, list[ApiError]] = defaultdict(list)
        self._outage: Outage | None = None
        self._blocked: set[int] = set()
        self._hooks: list[tuple[str, Callable[[Call], bool], Callable[[Call], None]]] = []
        self._flood = None if flood_limits is None else FloodControl(flood_limits)
        self._flood_refusals: Counter[int] = Counter()
        self.latency = latency  # seconds every Bot API call is held on arrival
        self.download_latency = download_latency  # the same for file downloads
        self._update_ids: dict[tuple[int, int], int] = {}
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # -- lifecycle -------------------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        app = web.Application(client_max_size=_MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        if self._port is None:
            raise RuntimeError("FakeTelegram is not running; use it as `async with FakeTelegram() as tg:`")
        return f"http://127.0.0.1:{self._port}"

    @property
    def base_url(self) -> str:
        """PTB's `base_url`: it appends the token and the method."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB's `base_file_url`: it appends the token and the file_path."""
        return f"{self.url}/file/bot"

    # -- the people and chats a test plays --------------------------------------------------------------

    def user(self, first_name: str = "Alice", *, language_code: str | None = "en", username: str | None = None) -> User:
        return self._directory.new_user(first_name, language_code, username)

    def private_chat(self, user: User) -> Chat:
        return self._directory.chat(user.id)

    def group(self, title: str = "Team", *, supergroup: bool = True) -> Chat:
        return self._directory.new_group(title, "supergroup" if supergroup else "group")

    def set_member_status(self, chat: Chat, user: User, status: MemberStatus) -> None:
        """What getChatMember answers for `user` in `chat` (default "member"); for the bot, also
        whether it reads every group message (as "administrator" or "creator")."""
        self._directory.set_status(chat, user, status)

    # -- incoming messages -------------------------------------------------------------------------------

    def send_text(self, user: User, chat: Chat, text: str, *, reply_to: ReplyTo = None) -> JSONDict:
        content: JSONDict = {"text": text}
        if entities := command_entities(text):
            content["entities"] = entities
        return self._incoming(user, chat, content, reply_to)

    def send_photo(
        self,
        user: User,
        chat: Chat,
        image: bytes,
        *,
        caption: str | None = None,
        media_group_id: str | None = None,
        reply_to: ReplyTo = None,
        file_size: int | None = None,
    ) -> JSONDict:
        """A photo in three sizes, smallest first; the last serves `image` itself.

        `file_size` makes the largest size claim that many bytes, e.g. 25 MB for "too big to download"."""
        content: JSONDict = {"photo": self._files.add_photo(image, file_size)}
        if media_group_id is not None:
            content["media_group_id"] = media_group_id
        return self._incoming(user, chat, _with_caption(content, caption), reply_to)

    def send_document(
        self,
        user: User,
        chat: Chat,
        data: bytes,
        file_name: str,
        mime_type: str,
        *,
        caption: str | None = None,
        reply_to: ReplyTo = None,
        file_size: int | None = None,
    ) -> JSONDict:
        content: JSONDict = {"document": self._files.add_document(data, file_name, mime_type, file_size)}
        return self._incoming(user, chat, _with_caption(content, caption), reply_to)

    def send_other(self, user: User, chat: Chat, content: JSONDict) -> JSONDict:
        """Any other kind of message, its fields as the Bot API gives them: {"sticker": {...}}, {"video": {...}}."""
        return self._incoming(user, chat, content, None)

    def update_id_of(self, message: JSONDict) -> int:
        """The update that delivered a message sent with send_*; LookupError if the bot was not shown it."""
        key = (message["chat"]["id"], message["message_id"])
        if key not in self._update_ids:
            raise LookupError(f"message {key} reached no update: privacy mode hides it from the bot")
        return self._update_ids[key]

    def redeliver(self, update_id: int) -> None:
        """Delivers an update again, as Telegram may after a crash (it delivers at least once)."""
        self._updates.redeliver(update_id)

    def _incoming(self, user: User, chat: Chat, content: JSONDict, reply_to: ReplyTo) -> JSONDict:
        quoted = None
        if reply_to is not None:
            target = _message_id(reply_to)
            quoted = self._messages.quote(chat.id, target)
            if quoted is None:
                raise LookupError(f"no message {target} in chat {chat.id} to reply to")
        message = self._messages.create(chat, user, content, quoted)
        if self._bot_sees(chat, message):
            self._update_ids[chat.id, message["message_id"]] = self._updates.push("message", message)
        return message

    def _bot_sees(self, chat: Chat, message: JSONDict) -> bool:
        """Privacy mode: in groups the bot gets only commands for it and replies to its messages."""
        if chat.type == "private" or not self._privacy_mode:
            return True
        if self._directory.status(chat, self.bot) in ("administrator", "creator"):
            return True
        replied = message.get("reply_to_message")
        if replied is not None and replied["from"]["id"] == self.bot.id:
            return True
        return has_command_for(message.get("text") or message.get("caption") or "", self.bot.username or "")

    # -- making the bot's calls fail -----------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int = 1,
        times: int = 1,
    ) -> None:
        """Answers the next `times` calls of `method` (or DOWNLOAD) with an error instead of running them.

        By default flood control: 429 "Too Many Requests: retry after N" with parameters.retry_after;
        otherwise e.g. `error_code=400, description="Bad Request: message to edit not found"`."""
        for _ in range(times):
            error = ApiError(error_code, description, retry_after=retry_after if error_code == 429 else None)
            self._failures[method.lower()].append(error)

    def go_down(self, how: Outage = "502") -> None:
        """Every call from now on fails, file downloads included: answered 502 Bad Gateway, or ("drop") the
        connection is closed without an answer, as a proxy in trouble does. Until `come_back()`."""
        self._outage = how

    def come_back(self) -> None:
        self._outage = None

    def block_bot(self, user: User) -> None:
        """The user blocked the bot: every message to their chat is refused with 403, for good."""
        self._blocked.add(user.id)

    def on_call(
        self, method: str, action: Callable[[Call], None], when: Callable[[Call], bool] = lambda call: True
    ) -> None:
        """Run `action` once, on arrival of the first call of `method` that satisfies `when` (its parameters read,
        not yet answered)."""
        self._hooks.append((method.lower(), when, action))

    # -- Telegram's limits ---------------------------------------------------------------------------

    def enforce_flood_limits(self, limits: FloodLimits = TELEGRAM_LIMITS, *, clock: Clock = time.monotonic) -> None:
        """From now on, messages beyond `limits` (Telegram's, TELEGRAM_LIMITS, by default) are refused with 429 and
        parameters.retry_after, and not sent; counting starts afresh. `clock` lets a test play the time."""
        self._flood = FloodControl(limits, clock)

    def lift_flood_limits(self) -> None:
        self._flood = None

    @property
    def flood_errors(self) -> int:
        """How many messages the flood limits refused (not counting 429s made by `fail_next`)."""
        return self._flood_refusals.total()

    def flood_errors_in(self, chat: Chat | int) -> int:
        return self._flood_refusals[chat if isinstance(chat, int) else chat.id]

    # -- what the bot did ----------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        """Every call of the bot in arrival order, or those of one method (any spelling case)."""
        if method is None:
            return list(self._calls)
        return [call for call in self._calls if call.method.lower() == method.lower()]

    def messages_in(self, chat: Chat | int) -> list[SentMessage]:
        """The bot's messages in a chat, oldest first, as they are now (edited, deleted)."""
        return self._messages.sent_in(chat if isinstance(chat, int) else chat.id)

    # The waits take a timeout argument rather than asyncio.timeout: on expiry they report what the bot did.
    async def wait_for(self, predicate: Predicate, timeout: float = 10.0) -> SentMessage:  # noqa: ASYNC109
        """The first message of the bot that satisfies `predicate`, now or after a send, edit or delete.

        Raises TimeoutError listing the bot's last messages."""
        return await self._messages.wait_for(predicate, timeout)

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[Call], bool] = lambda call: True,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> Call:
        """The first call of `method` satisfying `predicate`, now or on arrival (parameters read, not yet
        answered: a getUpdates returned by it is already waiting for updates)."""

        def matches(call: Call) -> bool:
            return call.method.lower() == method.lower() and predicate(call)

        def what() -> str:
            return f"the bot's last calls: {[call.method for call in self._calls[-10:]]}"

        return await self._call_watch.wait(self._calls, matches, timeout, what)

    # -- HTTP --------------------------------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, request.match_info["method"], self._run_method)

    async def _handle_download(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, DOWNLOAD, self._run_download)

    async def _serve(self, request: web.Request, method: str, run: Runner) -> web.StreamResponse:
        call = Call(method, {}, time.monotonic(), time.time())
        self._calls.append(call)
        try:
            call.params = await read_params(request)
            if "file_path" in request.match_info:
                call.params["file_path"] = request.match_info["file_path"]
            self._call_watch.notify(call)
            self._run_hooks(call)
            if delay := (self.download_latency if method == DOWNLOAD else self.latency):
                await asyncio.sleep(delay)
            if self._outage == "drop" and request.transport is not None:
                call.error_code = -1
                request.transport.abort()
                return web.Response(status=502)  # never reaches the bot
            if self._outage == "502":
                raise ApiError(502, "Bad Gateway")
            if request.match_info["token"] != self.token:
                raise ApiError(401)
            if failures := self._failures.get(method.lower()):
                raise failures.pop(0)
            if method.lower() in _SENDS and call.params.get("chat_id") in self._blocked:
                raise ApiError(403, _BLOCKED)
            self._check_flood(method, call.params)
            return await run(request, Params(call.params))
        except ApiError as error:
            call.error_code = error.error_code
            call.retry_after = error.retry_after
            return web.json_response(error.payload(), status=error.error_code)

    def _check_flood(self, method: str, params: JSONDict) -> None:
        """Counts a message against the flood limits, or refuses it as Telegram does when it is beyond them."""
        if self._flood is None or method.lower() not in MESSAGES:
            return
        try:
            chat_id = self._directory.chat(Params(params).chat_ref()).id
        except ApiError:
            return  # the method itself answers that the chat is wrong, and sends nothing
        if retry_after := self._flood.admit(chat_id):
            self._flood_refusals[chat_id] += 1
            raise ApiError(429, retry_after=retry_after)

    def _run_hooks(self, call: Call) -> None:
        for hook in list(self._hooks):
            method, when, action = hook
            if call.method.lower() == method and when(call):
                self._hooks.remove(hook)
                action(call)

    async def _run_method(self, request: web.Request, params: Params) -> web.StreamResponse:
        implementation = self._methods.get(request.match_info["method"].lower())
        if implementation is None:
            raise ApiError(404)
        return web.json_response({"ok": True, "result": await implementation(params)})

    async def _run_download(self, request: web.Request, params: Params) -> web.StreamResponse:
        stored = self._files.at_path(request.match_info["file_path"])
        if stored is None:
            raise ApiError(404)
        return web.Response(body=stored.content(), content_type="application/octet-stream")


def _with_caption(content: JSONDict, caption: str | None) -> JSONDict:
    if caption is not None:
        content["caption"] = caption
        if entities := command_entities(caption):
            content["caption_entities"] = entities
    return content


def _message_id(reply_to: int | JSONDict | SentMessage) -> int:
    if isinstance(reply_to, int):
        return reply_to
    if isinstance(reply_to, SentMessage):
        return reply_to.message_id
    return int(reply_to["message_id"])
