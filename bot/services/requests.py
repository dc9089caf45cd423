"""A photo as the service knows it: what a handler asks of an update, and the job it becomes once charged."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.accounts import Profile
from bot.texts import Language


@dataclass(frozen=True, slots=True)
class PhotoRequest:
    """A message holding a puzzle image, as a handler read it from an update."""

    update_id: int  # the update that brought it; it is confirmed handled with the first record of the photo
    chat_id: int
    message_id: int  # the message holding the image: everything said about it replies to it
    profile: Profile  # who asks
    language: Language
    file_id: str
    file_size: int | None  # as Telegram reports it, before downloading
    downscaled_photo: bool = False  # a photo Telegram scaled down to 1280 px: its pixels are not the screen's
    asked_again: bool = False  # /solve in reply to it, rather than the image itself arriving


@dataclass(frozen=True, slots=True)
class Job:
    """A request whose tokens are reserved: to be solved, settled and answered."""

    request_id: int
    user_id: int  # whose: their photos share the solve slots fairly with the others'
    chat_id: int
    message_id: int
    language: Language
    file_id: str
    downscaled_photo: bool = False
    placeholder: int | None = None  # the "solving…" reply, once sent


def is_private(chat_id: int) -> bool:
    """A private chat's id is its user's, and Telegram's user ids are positive; groups' and channels' are not."""
    return chat_id > 0
