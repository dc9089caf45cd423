"""What the photo service needs from the chat side, implemented over Telegram by handlers/telegram_chat.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.solver.base import Solution
from bot.texts import Language


@dataclass(frozen=True, slots=True)
class Picture:
    """The answer drawn on the member's own image: kept in memory only, for the first delivery attempt."""

    image: bytes
    solution: Solution


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """A message the bot owes a chat, as the outbox holds it."""

    id: int  # in the outbox
    chat_id: int
    reply_to: int  # the member's message it answers
    text: str
    replaces: int | None = None  # the "solving…" reply it is edited into (or that makes way for a picture)
    picture: Picture | None = None
    request_id: int | None = None  # the photo it is about, if any: answers about photos may share a message
    removes: tuple[int, ...] = ()  # more "solving…" replies made redundant by it (answers sharing a message)
    reports: tuple[int, ...] = ()  # the requests whose ✅/❌ buttons go under it, one row each, in this order


class TryLater(Exception):
    """Telegram could not be reached or asked to wait; nothing was done. `after`: the wait Telegram asked for."""

    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.after = after


class ChatGone(Exception):
    """The chat refuses the bot for good: blocked by the user, kicked from the group, deleted."""


class Refused(Exception):
    """Telegram will never take this (a file it cannot hand out, a message it will not send)."""


class Courier(Protocol):
    async def deliver(self, message: OutgoingMessage) -> None:
        """Edit the placeholder into the message, or send it; raises TryLater, ChatGone or Refused."""
        ...


class Roster(Protocol):
    async def is_member(self, group_id: int, user_id: int) -> bool:
        """Whether the user is in the group now; raises TryLater, or ChatGone or Refused when the group cannot
        be asked (the bot is not in it, or it does not exist)."""
        ...


class Chat(Courier, Roster, Protocol):
    async def download(self, file_id: str) -> bytes:
        """The file's bytes; raises TryLater or Refused."""
        ...

    async def show_busy(self, chat_id: int) -> bool:
        """Show the chat that the bot is at work (a chat action: no message). Best effort, never raises;
        False only when the chat refuses the bot for good."""
        ...

    async def placeholder(self, chat_id: int, reply_to: int, language: Language) -> int:
        """Send the "solving…" reply; its message id. Raises TryLater (also when the chat's flood allowance
        is spent: the answer matters more), ChatGone or Refused."""
        ...
