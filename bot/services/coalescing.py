"""Answers waiting for the same chat's flood allowance, put into one message.

A group is allowed 20 messages a minute: twelve members posting at once would otherwise wait for the next
minute. One message carries the answers waiting for the chat, each numbered (as its row of ✅/❌ buttons) under
its member's name and the time their photo arrived; it replies to the oldest photo and takes the place of its
"solving…" reply, and the other such replies are removed. Telegram's 4096 characters bound what one message
carries; the rest waits for the next.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from zoneinfo import ZoneInfo

from bot.db.requests import Asker
from bot.services.ports import OutgoingMessage
from bot.services.requests import is_private

MAX_TEXT = 4096  # characters in a Telegram message
MAX_CARRIED = 50  # answers in one message at most: it stays readable


def can_share(message: OutgoingMessage) -> bool:
    """Whether a message may share one with others: a text about a photo in a group. A private chat's answers
    each reply to their own photo (its allowance is one a second, not a minute's 20); a picture goes alone."""
    return message.picture is None and message.request_id is not None and not is_private(message.chat_id)


def combined(
    waiting: Sequence[OutgoingMessage], askers: Mapping[int, Asker], zone: ZoneInfo
) -> tuple[OutgoingMessage, list[OutgoingMessage]]:
    """One message carrying as many of `waiting` (one chat's, oldest first, each `can_share`) as fit; and the
    messages it carries."""
    parts: list[str] = []
    carried: list[OutgoingMessage] = []
    length = 0
    for number, message in enumerate(waiting[:MAX_CARRIED], start=1):
        asker = askers.get(message.request_id or 0)
        part = f"{number}. 👤 {_heading(asker, zone)}\n{message.text}" if asker else f"{number}. {message.text}"
        if carried and length + len(part) + 2 > MAX_TEXT:
            break
        parts.append(part)
        carried.append(message)
        length += len(part) + 2
    if len(carried) == 1:
        return carried[0], carried
    placeholders = [message.replaces for message in carried if message.replaces is not None]
    first = carried[0]
    return (
        replace(
            first,
            text="\n\n".join(parts),
            replaces=placeholders[0] if placeholders else None,
            removes=tuple(placeholders[1:]),
            request_id=None,
            reports=tuple(report for message in carried for report in message.reports),
        ),
        carried,
    )


def _heading(asker: Asker, zone: ZoneInfo) -> str:
    return f"{asker.name} · {asker.received_at.astimezone(zone):%H:%M:%S}"
