"""What a user sees of a formatted text: parse_mode="HTML" is parsed and checked as Telegram does.

Other parse modes are kept verbatim; the fake does not model Markdown.
"""

from __future__ import annotations

import html
import re

from tests.fakes.telegram.params import bad_request

_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "code",
        "del",
        "em",
        "i",
        "ins",
        "pre",
        "s",
        "span",
        "strike",
        "strong",
        "tg-emoji",
        "tg-spoiler",
        "u",
    }
)
_TAG = re.compile(r"<(/?)([A-Za-z-]*)[^>]*(>?)")


def visible_text(text: str, parse_mode: str | None) -> str:
    if parse_mode is None or parse_mode.lower() != "html":
        return text
    pieces: list[str] = []
    open_tags: list[str] = []
    position = 0
    for tag in _TAG.finditer(text):
        pieces.append(html.unescape(text[position : tag.start()]))
        position = tag.end()
        at = f"at byte offset {len(text[: tag.start()].encode())}"
        closing, name, end = tag.group(1), tag.group(2).lower(), tag.group(3)
        if not end or name not in _HTML_TAGS:
            raise bad_request(f'can\'t parse entities: Unsupported start tag "{name}" {at}')
        if not closing:
            open_tags.append(name)
        elif not open_tags or open_tags.pop() != name:
            raise bad_request(f"can't parse entities: Unexpected end tag {at}")
    if open_tags:
        raise bad_request(f"can't parse entities: Can't find end tag corresponding to start tag \"{open_tags[-1]}\"")
    pieces.append(html.unescape(text[position:]))
    return "".join(pieces)
