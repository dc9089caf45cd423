"""Whether a photo is taken at all, before anything is downloaded or charged.

In order: the chat's rule (ALLOWED_CHAT_IDS, services/access.py), the sender's photos this minute
(MAX_PHOTOS_PER_MINUTE, services/photo_rate.py), and in private chats with MEMBERS_ONLY whether the sender is on
the team (services/membership.py). The answer is to serve, to stay silent, or what the chat is told instead.
"""

from __future__ import annotations

import math

from bot.errors import ErrorCode
from bot.services.access import Access, ChatAccess
from bot.services.accounts import Accounts
from bot.services.membership import Membership, Standing
from bot.services.notices import NotAnswered
from bot.services.photo_rate import PhotoRate
from bot.services.requests import PhotoRequest, is_private

Verdict = Access | NotAnswered  # SERVE or IGNORE; never REFUSE, which comes as the notice to send


class Admission:
    def __init__(
        self, chats: ChatAccess, rate: PhotoRate, accounts: Accounts, *, members: Membership | None = None
    ) -> None:
        self._chats = chats
        self._rate = rate
        self._accounts = accounts
        self._members = members  # None: private chats are open to everyone

    async def check(self, photo: PhotoRequest) -> Verdict:
        language = photo.language
        chat = self._chats.check(photo.chat_id, private=is_private(photo.chat_id))
        if chat is Access.REFUSE:
            return NotAnswered(language, ErrorCode.CHAT_NOT_ALLOWED)
        if chat is Access.IGNORE:
            return chat
        user_id = photo.profile.user_id
        slowdown = self._rate.take(user_id)
        if slowdown is not None:
            if not slowdown.tell:
                return Access.IGNORE
            limit, wait = self._rate.limit, math.ceil(slowdown.wait)
            return NotAnswered(language, ErrorCode.TOO_MANY_PHOTOS, limit=limit, wait=wait)
        if self._members is None or not is_private(photo.chat_id):
            return Access.SERVE
        standing = await self._members.standing(user_id)
        if standing is Standing.MEMBER:
            return Access.SERVE
        if standing is Standing.UNKNOWN:
            return NotAnswered(language, ErrorCode.MEMBERSHIP_UNKNOWN)
        admins = await self._accounts.contacts(self._chats.admins)
        return NotAnswered(language, ErrorCode.NOT_A_MEMBER, admins=tuple(admins))
