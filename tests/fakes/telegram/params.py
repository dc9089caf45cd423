"""Reading Bot API request parameters in any encoding Telegram accepts, and the errors it answers with.

A client may send a query string, a JSON body, a form-encoded body or multipart/form-data. Outside JSON
bodies every value is a string: PTB sends strings as they are and JSON-encodes everything else (numbers,
booleans, nested objects such as reply_parameters). `read_params` undoes that per field, so recorded
calls look the same whichever encoding the client chose.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from aiohttp import web

JSONDict = dict[str, Any]

_JSON_FIELDS = frozenset(
    {
        "allowed_updates",
        "caption_entities",
        "commands",
        "entities",
        "link_preview_options",
        "reply_markup",
        "reply_parameters",
        "scope",
    }
)
_INT_FIELDS = frozenset(
    {"chat_id", "limit", "message_id", "message_thread_id", "offset", "reply_to_message_id", "timeout", "user_id"}
)
_BOOL_FIELDS = frozenset(
    {"allow_sending_without_reply", "disable_notification", "drop_pending_updates", "protect_content"}
)


@dataclass(frozen=True, slots=True)
class Upload:
    """A file sent as a multipart part."""

    filename: str | None
    content_type: str
    data: bytes


class ApiError(Exception):
    """An unsuccessful Bot API answer: `{"ok": false, "error_code": ..., "description": ...}`."""

    def __init__(self, error_code: int, description: str | None = None, *, retry_after: int | None = None):
        if description is None:
            description = HTTPStatus(error_code).phrase
            if retry_after is not None:
                description += f": retry after {retry_after}"
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


async def read_params(request: web.Request) -> JSONDict:
    raw: dict[str, object] = dict(request.query)
    if request.method == "POST" and request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise bad_request("JSON object expected")
            raw.update(body)
        else:
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    raw[name] = Upload(value.filename, value.content_type, value.file.read())
                else:
                    raw[name] = value
    return {name: _decode(name, value) for name, value in raw.items()}


def _decode(name: str, value: object) -> object:
    if not isinstance(value, str):
        return value
    try:
        if name in _JSON_FIELDS:
            return json.loads(value)
        if name in _INT_FIELDS and value.lstrip("-").isdigit():
            return int(value)
    except ValueError:
        raise bad_request(f"can't parse {name} JSON object") from None
    if name in _BOOL_FIELDS and value in ("true", "false"):
        return value == "true"
    return value


class Params:
    """Typed, validating access to one call's decoded parameters."""

    def __init__(self, values: JSONDict) -> None:
        self.values = values

    def get(self, name: str) -> object:
        return self.values.get(name)

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None or isinstance(value, str):
            return value
        raise bad_request(f"field {name!r} must be a string")

    def integer(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise bad_request(f"field {name!r} must be an integer")

    def required_integer(self, name: str) -> int:
        value = self.integer(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value

    def flag(self, name: str) -> bool:
        return self.values.get(name) is True

    def mapping(self, name: str) -> JSONDict | None:
        value = self.values.get(name)
        if value is None or isinstance(value, dict):
            return value
        raise bad_request(f"field {name!r} must be an object")

    def chat_ref(self) -> int | str:
        """`chat_id`: a chat id, or an "@username" string."""
        value = self.values.get("chat_id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.startswith("@"):
            return value
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        raise bad_request("chat not found")
