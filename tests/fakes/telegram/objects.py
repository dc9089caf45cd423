"""Users, chats and memberships of the fake Telegram, rendered as Bot API objects."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from tests.fakes.telegram.params import JSONDict, bad_request

ChatType = Literal["private", "group", "supergroup"]
MemberStatus = Literal["creator", "administrator", "member", "restricted", "left", "kicked"]

_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
# Fields the Bot API requires for each member status beyond "user" and "status".
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)
_MEMBER_RIGHTS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
    "can_edit_tag",
    "can_react_to_messages",
)


@dataclass(frozen=True, slots=True)
class User:
    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_api(self) -> JSONDict:
        user: JSONDict = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.username is not None:
            user["username"] = self.username
        if self.language_code is not None:
            user["language_code"] = self.language_code
        return user


@dataclass(frozen=True, slots=True)
class Chat:
    """A private chat has the id of its user; groups have negative ids."""

    id: int
    type: ChatType
    title: str | None = None
    first_name: str | None = None
    username: str | None = None

    def to_api(self) -> JSONDict:
        chat: JSONDict = {"id": self.id, "type": self.type}
        for field in ("title", "first_name", "username"):
            if (value := getattr(self, field)) is not None:
                chat[field] = value
        return chat


def utf16_len(text: str) -> int:
    """Telegram measures entity offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[JSONDict]:
    """The bot_command entities Telegram attaches to a text or caption."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group())}
        for m in _COMMAND.finditer(text)
    ]


def has_command_for(text: str, bot_username: str) -> bool:
    """Whether `text` holds a command Telegram hands to this bot: "/cmd" or "/cmd@this_bot"."""
    for command in _COMMAND.finditer(text):
        target = command.group().partition("@")[2]
        if not target or target.lower() == bot_username.lower():
            return True
    return False


def member_payload(user: User, status: MemberStatus) -> JSONDict:
    member: JSONDict = {"user": user.to_api(), "status": status}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True), can_be_edited=False, is_anonymous=False)
    elif status == "restricted":
        member.update(dict.fromkeys(_MEMBER_RIGHTS, False), is_member=True, until_date=0)
    elif status == "kicked":
        member["until_date"] = 0
    return member


class Directory:
    """Who exists: the bot, the users a test created, their chats and their statuses in groups."""

    def __init__(self, bot: User) -> None:
        self.bot = bot
        self._users: dict[int, User] = {bot.id: bot}
        self._chats: dict[int, Chat] = {}
        self._statuses: dict[tuple[int, int], MemberStatus] = {}
        self._next_user_id = 100_001
        self._next_group = 1

    def new_user(self, first_name: str, language_code: str | None, username: str | None) -> User:
        user = User(self._next_user_id, first_name, username, language_code)
        self._next_user_id += 1
        self._users[user.id] = user
        self._chats[user.id] = Chat(user.id, "private", first_name=first_name, username=username)
        return user

    def new_group(self, title: str, chat_type: ChatType) -> Chat:
        number = self._next_group
        self._next_group += 1
        chat_id = -(1_000_000_000_000 + number) if chat_type == "supergroup" else -(4_000_000 + number)
        chat = Chat(chat_id, chat_type, title=title)
        self._chats[chat_id] = chat
        return chat

    def chat(self, ref: int | str) -> Chat:
        found = self._chats.get(ref) if isinstance(ref, int) else self._chat_by_username(ref[1:])
        if found is None:
            raise bad_request("chat not found")
        return found

    def _chat_by_username(self, username: str) -> Chat | None:
        return next((chat for chat in self._chats.values() if chat.username == username), None)

    def user(self, user_id: int) -> User:
        if (user := self._users.get(user_id)) is None:
            raise bad_request("user not found")
        return user

    def set_status(self, chat: Chat, user: User, status: MemberStatus) -> None:
        self._statuses[chat.id, user.id] = status

    def status(self, chat: Chat, user: User) -> MemberStatus:
        if chat.type == "private":
            return "member"
        return self._statuses.get((chat.id, user.id), "member")
