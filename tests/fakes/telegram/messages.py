"""Every message in every chat, and the test's view of what the bot sent."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from tests.fakes.telegram.objects import Chat, User
from tests.fakes.telegram.params import JSONDict
from tests.fakes.telegram.watch import Watch


@dataclass(slots=True)
class SentMessage:
    """A message the bot sent, as it stands now: after every edit, and after deletion."""

    chat_id: int
    message_id: int
    history: list[str | None]  # the text (of a photo: the caption) of every version, oldest first
    reply_to_message_id: int | None
    sent_at: float  # time.monotonic() when it was sent
    photo: bytes | None = None  # the photo's bytes, when the bot sent a photo Telegram has bytes for
    photo_ref: str | None = None  # the file_id or URL it sent the photo by, when it did not upload it
    reply_markup: JSONDict | None = None
    parse_mode: str | None = None
    deleted: bool = False

    @property
    def text(self) -> str | None:
        """The current text, or the current caption of a photo, as the user sees it."""
        return self.history[-1]

    @property
    def is_photo(self) -> bool:
        return self.photo is not None or self.photo_ref is not None


Predicate = Callable[[SentMessage], bool]


class MessageStore:
    def __init__(self) -> None:
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._last_id: dict[int, int] = {}
        self._sent: dict[tuple[int, int], SentMessage] = {}
        self._sent_in_order: list[SentMessage] = []
        self._watch: Watch[SentMessage] = Watch()

    def create(self, chat: Chat, sender: User, content: JSONDict, reply_to: JSONDict | None) -> JSONDict:
        """Stores a new message; ids count up per chat, whoever sends."""
        message_id = self._last_id.get(chat.id, 0) + 1
        self._last_id[chat.id] = message_id
        message: JSONDict = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat.to_api(),
            "from": sender.to_api(),
            **content,
        }
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        self._messages[chat.id, message_id] = message
        return message

    def find(self, chat_id: int, message_id: int) -> JSONDict | None:
        return self._messages.get((chat_id, message_id))

    def quote(self, chat_id: int, message_id: int) -> JSONDict | None:
        """The message as Telegram embeds it in a reply: without its own reply_to_message."""
        message = self.find(chat_id, message_id)
        if message is None:
            return None
        return {key: value for key, value in message.items() if key != "reply_to_message"}

    def remove(self, chat_id: int, message_id: int) -> bool:
        if self._messages.pop((chat_id, message_id), None) is None:
            return False
        if (sent := self._sent.get((chat_id, message_id))) is not None:
            sent.deleted = True
            self.changed(sent)
        return True

    def track(self, sent: SentMessage) -> None:
        self._sent[sent.chat_id, sent.message_id] = sent
        self._sent_in_order.append(sent)
        self.changed(sent)

    def sent(self, chat_id: int, message_id: int) -> SentMessage | None:
        return self._sent.get((chat_id, message_id))

    def sent_in(self, chat_id: int) -> list[SentMessage]:
        return [sent for sent in self._sent_in_order if sent.chat_id == chat_id]

    def changed(self, sent: SentMessage) -> None:
        self._watch.notify(sent)

    async def wait_for(self, predicate: Predicate, seconds: float) -> SentMessage:
        return await self._watch.wait(self._sent_in_order, predicate, seconds, self._describe_recent)

    def _describe_recent(self) -> str:
        recent = "; ".join(f"{s.chat_id}/{s.message_id}: {s.text!r}" for s in self._sent_in_order[-10:])
        return f"the bot's last messages: {recent or 'none'}"
