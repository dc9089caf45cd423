"""Who is served: private chats always, groups when listed (if a list is set); admins by id."""

from __future__ import annotations

from enum import Enum


class Access(Enum):
    SERVE = "serve"
    REFUSE = "refuse"  # tell the chat once why it gets no service
    IGNORE = "ignore"  # already told: stay silent


class ChatAccess:
    def __init__(self, allowed_chat_ids: frozenset[int], admin_user_ids: frozenset[int]) -> None:
        self._allowed = allowed_chat_ids
        self.admins = admin_user_ids
        # Remembered per process: after a restart an unlisted group hears the refusal once more.
        self._told: set[int] = set()

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admins

    def check(self, chat_id: int, *, private: bool) -> Access:
        if private or not self._allowed or chat_id in self._allowed:
            return Access.SERVE
        if chat_id in self._told:
            return Access.IGNORE
        self._told.add(chat_id)
        return Access.REFUSE
