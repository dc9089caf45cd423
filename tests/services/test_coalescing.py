"""Answers waiting for one group's allowance, put into one message."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.db.requests import Asker
from bot.services.coalescing import MAX_TEXT, can_share, combined
from bot.services.ports import OutgoingMessage, Picture
from bot.solver.base import Solution

GROUP = -100123
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def answer(request_id: int, text: str, *, placeholder: int | None = None) -> OutgoingMessage:
    return OutgoingMessage(
        request_id, GROUP, 100 + request_id, text, placeholder, request_id=request_id, reports=(request_id,)
    )


def test_one_message_names_each_member_and_the_time_of_their_photo() -> None:
    askers = {
        1: Asker("Anna", datetime(2026, 12, 2, 7, 3, 5, tzinfo=UTC)),
        2: Asker("@binh", datetime(2026, 12, 2, 7, 3, 9, tzinfo=UTC)),
    }
    message, carried = combined([answer(1, "➡️ 276 px"), answer(2, "➡️ 131 px")], askers, ZONE)
    assert [m.id for m in carried] == [1, 2]
    assert message.text == "1. 👤 Anna · 14:03:05\n➡️ 276 px\n\n2. 👤 @binh · 14:03:09\n➡️ 131 px"
    assert message.reply_to == 101  # the oldest photo
    assert message.reports == (1, 2)  # a row of ✅/❌ for each, numbered as the answers


def test_the_first_solving_reply_becomes_the_message_and_the_others_are_removed() -> None:
    waiting = [answer(1, "a"), answer(2, "b", placeholder=900), answer(3, "c", placeholder=901)]
    message, _ = combined(waiting, {}, ZONE)
    assert (message.replaces, message.removes) == (900, (901,))


def test_what_does_not_fit_in_one_telegram_message_waits_for_the_next() -> None:
    waiting = [answer(n, "x" * 1500) for n in range(1, 5)]
    message, carried = combined(waiting, {}, ZONE)
    assert len(message.text) <= MAX_TEXT
    assert [m.id for m in carried] == [1, 2]


def test_only_texts_about_photos_in_groups_share_a_message() -> None:
    assert can_share(answer(1, "a"))
    assert not can_share(OutgoingMessage(1, GROUP, 5, "this group is not served"))  # about no photo
    assert not can_share(OutgoingMessage(1, 42, 5, "a", request_id=1))  # a private chat
    picture = Picture(b"", Solution(offset=1, raw_answer="1", backend="local"))
    assert not can_share(OutgoingMessage(1, GROUP, 5, "a", request_id=1, picture=picture))
