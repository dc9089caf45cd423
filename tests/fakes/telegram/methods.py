"""The Bot API methods the fake answers, with Telegram's checks and error texts."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable

from tests.fakes.telegram.files import FileStore, image_size
from tests.fakes.telegram.markup import visible_text
from tests.fakes.telegram.messages import MessageStore, SentMessage
from tests.fakes.telegram.objects import Chat, Directory, command_entities, member_payload
from tests.fakes.telegram.params import ApiError, JSONDict, Params, Upload, bad_request
from tests.fakes.telegram.updates import UpdateQueue

Method = Callable[[Params], Awaitable[object]]

MAX_TEXT = 4096
MAX_CAPTION = 1024
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


class BotApi:
    def __init__(
        self,
        directory: Directory,
        messages: MessageStore,
        files: FileStore,
        updates: UpdateQueue,
        *,
        privacy_mode: bool,
    ) -> None:
        self._directory = directory
        self._messages = messages
        self._files = files
        self._updates = updates
        self._privacy_mode = privacy_mode
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}  # (scope as JSON, language) → commands

    def methods(self) -> dict[str, Method]:
        """Bot API method names, lower-cased as Telegram matches them, to their implementations."""
        return {
            "getme": self.get_me,
            "deletewebhook": self.delete_webhook,
            "getupdates": self.get_updates,
            "getfile": self.get_file,
            "sendmessage": self.send_message,
            "sendphoto": self.send_photo,
            "editmessagetext": self.edit_message_text,
            "editmessagecaption": self.edit_message_caption,
            "deletemessage": self.delete_message,
            "sendchataction": self.send_chat_action,
            "setmycommands": self.set_my_commands,
            "deletemycommands": self.delete_my_commands,
            "getmycommands": self.get_my_commands,
            "getchatmember": self.get_chat_member,
        }

    async def get_me(self, params: Params) -> object:
        return {
            **self._directory.bot.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": not self._privacy_mode,
            "supports_inline_queries": False,
        }

    async def delete_webhook(self, params: Params) -> object:
        if params.flag("drop_pending_updates"):
            self._updates.drop_pending()
        return True

    async def get_updates(self, params: Params) -> object:
        limit = params.integer("limit") or 100
        if not 1 <= limit <= 100:
            limit = 100
        allowed = params.get("allowed_updates")
        if allowed is not None and not (isinstance(allowed, list) and all(isinstance(k, str) for k in allowed)):
            raise bad_request("can't parse allowed updates")
        return await self._updates.get(params.integer("offset"), limit, params.integer("timeout") or 0, allowed)

    async def get_file(self, params: Params) -> object:
        return self._files.downloadable(params.text("file_id") or "").to_api()

    async def send_message(self, params: Params) -> object:
        chat = self._directory.chat(params.chat_ref())
        text = self._text(params)
        return self._send(chat, params, {"text": text}, text)

    async def send_photo(self, params: Params) -> object:
        chat = self._directory.chat(params.chat_ref())
        caption = self._caption(params)
        photo_bytes, ref = self._photo_input(params)
        content: JSONDict = {"photo": self._files.add_photo(photo_bytes or b"")}
        if caption is not None:
            content["caption"] = caption
        return self._send(chat, params, content, caption, photo=photo_bytes, photo_ref=ref)

    def _photo_input(self, params: Params) -> tuple[bytes | None, str | None]:
        """The photo's bytes, and the file_id or URL it came by when it was not uploaded."""
        photo = params.get("photo")
        if isinstance(photo, str) and photo.startswith("attach://"):
            photo = params.get(photo.removeprefix("attach://"))
        if isinstance(photo, Upload):
            if image_size(photo.data) is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            return photo.data, None
        if not isinstance(photo, str) or not photo:
            raise bad_request("there is no photo in the request")
        if photo.startswith(("http://", "https://")):
            return None, photo
        try:
            return self._files.get(photo).content(), photo
        except ApiError:
            raise bad_request("wrong file identifier/HTTP URL specified") from None

    @staticmethod
    def _text(params: Params) -> str:
        text = visible_text(params.text("text") or "", params.text("parse_mode"))
        if not text.strip():
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad_request("message is too long")
        return text

    @staticmethod
    def _caption(params: Params) -> str | None:
        caption = params.text("caption")
        if caption is None:
            return None
        caption = visible_text(caption, params.text("parse_mode"))
        if len(caption) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        return caption

    def _send(
        self,
        chat: Chat,
        params: Params,
        content: JSONDict,
        visible: str | None,
        *,
        photo: bytes | None = None,
        photo_ref: str | None = None,
    ) -> JSONDict:
        if visible:
            entities = command_entities(visible)
            if entities:
                content["caption_entities" if "photo" in content else "entities"] = entities
        reply_markup = params.mapping("reply_markup")
        if reply_markup is not None:
            content["reply_markup"] = reply_markup
        reply_to = self._reply_target(chat, params)
        message = self._messages.create(chat, self._directory.bot, content, reply_to)
        self._messages.track(
            SentMessage(
                chat_id=chat.id,
                message_id=message["message_id"],
                history=[visible],
                reply_to_message_id=None if reply_to is None else reply_to["message_id"],
                sent_at=time.monotonic(),
                photo=photo,
                photo_ref=photo_ref,
                reply_markup=reply_markup,
                parse_mode=params.text("parse_mode"),
            )
        )
        return message

    def _reply_target(self, chat: Chat, params: Params) -> JSONDict | None:
        """The replied-to message from reply_parameters (PTB 22) or the older reply_to_message_id."""
        reply = params.mapping("reply_parameters") or {}
        message_id = reply.get("message_id", params.integer("reply_to_message_id"))
        if message_id is None:
            return None
        if not isinstance(message_id, int) or reply.get("chat_id", chat.id) != chat.id:
            raise bad_request("message to be replied not found")
        quoted = self._messages.quote(chat.id, message_id)
        allow_missing = reply.get("allow_sending_without_reply") or params.flag("allow_sending_without_reply")
        if quoted is None and not allow_missing:
            raise bad_request("message to be replied not found")
        return quoted

    async def edit_message_text(self, params: Params) -> object:
        return self._edit(params, "text", self._text(params), "there is no text in the message to edit")

    async def edit_message_caption(self, params: Params) -> object:
        return self._edit(params, "caption", self._caption(params), "there is no caption in the message to edit")

    def _edit(self, params: Params, field: str, value: str | None, wrong_kind: str) -> JSONDict:
        if params.get("inline_message_id") is not None:
            raise bad_request("inline messages are not supported by the fake")
        message, sent = editable(self._directory, self._messages, params)
        if ("text" in message) != (field == "text"):
            raise bad_request(wrong_kind)
        reply_markup = params.mapping("reply_markup")
        if message.get(field) == value and message.get("reply_markup") == reply_markup:
            raise bad_request(_NOT_MODIFIED)
        entities_key = "entities" if field == "text" else "caption_entities"
        for key in (field, entities_key, "reply_markup"):
            message.pop(key, None)
        if value is not None:
            message[field] = value
            if entities := command_entities(value):
                message[entities_key] = entities
        if reply_markup is not None:
            message["reply_markup"] = reply_markup
        message["edit_date"] = int(time.time())
        sent.history.append(value)
        sent.reply_markup = reply_markup
        sent.parse_mode = params.text("parse_mode")
        self._messages.changed(sent)
        return message

    async def delete_message(self, params: Params) -> object:
        chat = self._directory.chat(params.chat_ref())
        if not self._messages.remove(chat.id, params.required_integer("message_id")):
            raise bad_request("message to delete not found")
        return True

    async def send_chat_action(self, params: Params) -> object:
        self._directory.chat(params.chat_ref())
        if params.text("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def set_my_commands(self, params: Params) -> object:
        commands = params.get("commands")
        if not isinstance(commands, list) or not all(_is_command(c) for c in commands):
            raise bad_request("BOT_COMMAND_INVALID")
        self._commands[self._commands_key(params)] = commands
        return True

    async def delete_my_commands(self, params: Params) -> object:
        self._commands.pop(self._commands_key(params), None)
        return True

    async def get_my_commands(self, params: Params) -> object:
        return self._commands.get(self._commands_key(params), [])

    @staticmethod
    def _commands_key(params: Params) -> tuple[str, str]:
        scope = params.mapping("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.text("language_code") or ""

    async def get_chat_member(self, params: Params) -> object:
        chat = self._directory.chat(params.chat_ref())
        user = self._directory.user(params.required_integer("user_id"))
        return member_payload(user, self._directory.status(chat, user))


def editable(directory: Directory, messages: MessageStore, params: Params) -> tuple[JSONDict, SentMessage]:
    """The bot's message that `chat_id` and `message_id` name, as the edit methods find it."""
    chat = directory.chat(params.chat_ref())
    message_id = params.required_integer("message_id")
    message = messages.find(chat.id, message_id)
    sent = messages.sent(chat.id, message_id)
    if message is None or sent is None:
        raise bad_request("message to edit not found" if message is None else "message can't be edited")
    return message, sent


def _is_command(command: object) -> bool:
    if not isinstance(command, dict):
        return False
    name, description = command.get("command"), command.get("description")
    return (
        isinstance(name, str)
        and _COMMAND_NAME.fullmatch(name) is not None
        and isinstance(description, str)
        and 1 <= len(description) <= 256
    )
