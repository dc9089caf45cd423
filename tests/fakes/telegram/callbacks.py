"""Inline keyboards' other half in the fake Telegram: button presses, their answers, and keyboard edits.

`press(user, message, data)` is a user tapping a button of a bot's message: a `callback_query` update carrying
the message as it stands (keyboard included). The bot answers each press once (`answerCallbackQuery`, whose text
is the toast a test reads with `toast` or `wait_for_toast`) and may replace the keyboard
(`editMessageReplyMarkup`).
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass

from tests.fakes.telegram.messages import MessageStore, SentMessage
from tests.fakes.telegram.methods import _NOT_MODIFIED, Method, editable
from tests.fakes.telegram.objects import Directory, User
from tests.fakes.telegram.params import JSONDict, Params, bad_request
from tests.fakes.telegram.updates import UpdateQueue
from tests.fakes.telegram.watch import Watch

MAX_TOAST = 200
_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


@dataclass(frozen=True, slots=True)
class Pressed:
    query_id: str
    update_id: int


@dataclass(frozen=True, slots=True)
class Toast:
    query_id: str
    text: str | None
    show_alert: bool


def buttons(message: SentMessage) -> list[list[tuple[str, str]]]:
    """The keyboard under a bot's message as it stands now: rows of (label, callback data)."""
    keyboard = (message.reply_markup or {}).get("inline_keyboard", [])
    return [[(button["text"], button.get("callback_data", "")) for button in row] for row in keyboard]


class CallbackQueries:
    def __init__(self, directory: Directory, messages: MessageStore, updates: UpdateQueue) -> None:
        self._directory = directory
        self._messages = messages
        self._updates = updates
        self._queries: dict[str, JSONDict] = {}
        self._toasts: dict[str, Toast] = {}
        self._watch: Watch[Toast] = Watch()
        self._count = 0

    def methods(self) -> dict[str, Method]:
        return {
            "answercallbackquery": self.answer_callback_query,
            "editmessagereplymarkup": self.edit_message_reply_markup,
        }

    def press(self, user: User, message: SentMessage, data: str, *, stale: bool = False) -> Pressed:
        """`user` taps the button with `data` under `message`. `stale`: on the keyboard as their app still
        showed it, a button the bot had already replaced (two quick taps)."""
        found = self._messages.find(message.chat_id, message.message_id)
        if found is None:
            raise LookupError(f"no message {message.message_id} in chat {message.chat_id}")
        if not stale and data not in {d for row in buttons(message) for _, d in row}:
            raise LookupError(f"no button {data!r} under message {message.message_id}: {buttons(message)}")
        self._count += 1
        query_id = f"{user.id}-{self._count}"
        query = {
            "id": query_id,
            "from": user.to_api(),
            "message": copy.deepcopy(found),
            "chat_instance": str(message.chat_id),
            "data": data,
        }
        self._queries[query_id] = query
        return Pressed(query_id, self._updates.push("callback_query", query))

    def toast(self, query_id: str) -> Toast | None:
        return self._toasts.get(query_id)

    async def wait_for_toast(self, pressed: Pressed, timeout: float = 10.0) -> Toast:  # noqa: ASYNC109
        def what() -> str:
            return f"answered presses: {list(self._toasts)}"

        return await self._watch.wait(
            self._toasts.values(), lambda toast: toast.query_id == pressed.query_id, timeout, what
        )

    async def answer_callback_query(self, params: Params) -> object:
        query_id = params.text("callback_query_id") or ""
        if query_id not in self._queries or query_id in self._toasts:  # Telegram takes one answer per press
            raise bad_request(_TOO_OLD)
        text = params.text("text")
        if text is not None and len(text) > MAX_TOAST:
            raise bad_request("MESSAGE_TOO_LONG")
        toast = Toast(query_id, text, params.get("show_alert") in (True, "true"))
        self._toasts[query_id] = toast
        self._watch.notify(toast)
        return True

    async def edit_message_reply_markup(self, params: Params) -> object:
        message, sent = editable(self._directory, self._messages, params)
        markup = params.mapping("reply_markup")
        if message.get("reply_markup") == markup:
            raise bad_request(_NOT_MODIFIED)
        message.pop("reply_markup", None)
        if markup is not None:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        sent.reply_markup = markup
        self._messages.changed(sent)
        return message
