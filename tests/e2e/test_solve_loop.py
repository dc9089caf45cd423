"""The solve loop end to end: photos in, answers out, every token accounted for."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import bot_settings, paid_solver, replies_to, running_bot
from tests.e2e.images import as_jpeg, plain_png
from tests.fakes.omocaptcha_server import FakeOmoCaptcha, Fault
from tests.fakes.telegram.messages import SentMessage
from tests.fakes.telegram.objects import Chat, User
from tests.fakes.telegram.params import JSONDict
from tests.fakes.telegram.server import FakeTelegram

IMAGE = plain_png()


async def final_reply(tg: FakeTelegram, message: JSONDict) -> SentMessage:
    """The bot's settled reply to a message (the "solving…" reply once it has been edited)."""
    return await tg.wait_for(replies_to(message, settled=True))


def member(tg: FakeTelegram, name: str = "Anna", language: str = "en") -> tuple[User, Chat]:
    user = tg.user(name, language_code=language, username=name.lower())
    return user, tg.private_chat(user)


async def start(tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path, **overrides: Any) -> Any:
    settings = bot_settings(tg, tmp_path / "bot.sqlite3", **{**paid_solver(omo), **overrides})
    return running_bot(settings)


async def test_a_photo_in_a_private_chat_is_answered_and_charged_once(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    omo.answer = "137"
    async with await start(tg, omo, tmp_path, initial_tokens=5) as bot:
        anna, dm = member(tg)
        photo = tg.send_photo(anna, dm, as_jpeg(IMAGE))
        status = await tg.wait_for(replies_to(photo))
        answer = await final_reply(tg, photo)

        assert status.message_id == answer.message_id  # the "solving…" reply became the answer
        assert answer.history[0] == "⏳ Solving…"
        assert answer.text == "➡️ 137 px\n(pixels of your picture)\nBalance: 4 token(s)."
        assert bot.balance(anna.id) == 4
        assert omo.jobs_created == 1
        job = next(iter(omo.jobs.values()))
        assert job.image == as_jpeg(IMAGE)  # the largest photo size, byte for byte


async def test_vietnamese_members_get_vietnamese_answers(tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path) -> None:
    async with await start(tg, omo, tmp_path, initial_tokens=2):
        an, dm = member(tg, "An", "vi")
        photo = tg.send_photo(an, dm, IMAGE)
        answer = await final_reply(tg, photo)
        assert answer.text == "➡️ 100 px\n(điểm ảnh trong ảnh của bạn)\nSố dư: 1 token."


async def test_an_image_sent_as_a_file_is_decided_by_its_content(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    async with await start(tg, omo, tmp_path, initial_tokens=1) as bot:
        anna, dm = member(tg)
        document = tg.send_document(anna, dm, IMAGE, "puzzle.dat", "application/octet-stream")
        answer = await final_reply(tg, document)
        assert answer.text is not None
        assert answer.text.startswith("➡️ 100 px")
        assert omo.jobs[min(omo.jobs)].image == IMAGE
        assert bot.balance(anna.id) == 0


async def test_each_album_item_is_its_own_request(tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path) -> None:
    async with await start(tg, omo, tmp_path, initial_tokens=5) as bot:
        anna, dm = member(tg)
        photos = [
            tg.send_photo(anna, dm, plain_png(colour=(i * 40, 200, 200)), media_group_id="album1") for i in range(3)
        ]
        answers = [await final_reply(tg, photo) for photo in photos]
        assert all(answer.text is not None and answer.text.startswith("➡️ 100 px") for answer in answers)
        assert omo.jobs_created == 3
        assert bot.balance(anna.id) == 2


async def test_groups_with_privacy_off_answer_every_photo_but_ignore_other_files(
    omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    async with FakeTelegram(privacy_mode=False) as tg, await start(tg, omo, tmp_path, initial_tokens=3) as bot:
        anna = tg.user("Anna", language_code="en")
        team = tg.group()
        photo = tg.send_photo(anna, team, IMAGE)
        tg.send_document(anna, team, b"%PDF-1.4 minutes", "minutes.pdf", "application/pdf")
        tg.send_text(anna, team, "good morning")
        answer = await final_reply(tg, photo)
        assert answer.text is not None
        assert answer.text.startswith("➡️ 100 px")
        await asyncio.sleep(0.3)
        assert [m.reply_to_message_id for m in tg.messages_in(team)] == [photo["message_id"]]
        assert bot.balance(anna.id) == 2


async def test_solve_as_caption_and_as_reply_in_a_group_with_privacy_on(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    async with await start(tg, omo, tmp_path, initial_tokens=5) as bot:
        anna = tg.user("Anna", language_code="en")
        team = tg.group()
        captioned = tg.send_photo(anna, team, IMAGE, caption="/solve")
        plain = tg.send_photo(anna, team, plain_png(colour=(10, 20, 30)))  # privacy mode hides it
        first = await final_reply(tg, captioned)
        assert first.text is not None
        assert first.text.startswith("➡️ 100 px")

        tg.send_text(anna, team, "/solve", reply_to=plain)
        second = await final_reply(tg, plain)
        assert second.text is not None
        assert second.text.startswith("➡️ 100 px")
        assert bot.balance(anna.id) == 3

        tg.send_text(anna, team, "/solve", reply_to=plain)  # asked again: answered, not charged again
        repeat = await tg.wait_for(lambda m: (m.text or "").startswith("This image was already solved"))
        assert repeat.reply_to_message_id == plain["message_id"]
        assert bot.balance(anna.id) == 3
        assert omo.jobs_created == 2


async def test_a_private_chat_is_told_what_to_send(tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path) -> None:
    async with await start(tg, omo, tmp_path):
        anna, dm = member(tg)
        command = tg.send_text(anna, dm, "/solve")
        hint = await tg.wait_for(replies_to(command))
        assert hint.text is not None
        assert "Reply /solve to a photo" in hint.text
        sticker = {"file_id": "s1", "file_unique_id": "s1", "type": "regular", "width": 512, "height": 512}
        sticker |= {"is_animated": False, "is_video": False}
        video = {"file_id": "v1", "file_unique_id": "v1", "width": 720, "height": 1280, "duration": 3}
        others = [
            tg.send_text(anna, dm, "hello?"),
            tg.send_text(anna, dm, "/solvee"),
            tg.send_other(anna, dm, {"sticker": sticker}),
            tg.send_other(anna, dm, {"video": video}),
        ]
        for message in others:
            dm_hint = await tg.wait_for(replies_to(message))
            assert (dm_hint.text or "").startswith("Send me a screenshot"), message


async def test_not_enough_tokens_is_refused_without_calling_the_provider(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    boss = tg.user("Boss", language_code="en", username="boss")
    async with await start(tg, omo, tmp_path, admin_user_ids=str(boss.id)) as bot:
        tg.send_text(boss, tg.private_chat(boss), "/start")  # so the bot knows the admin's @username
        await tg.wait_for(lambda m: m.chat_id == boss.id)
        anna, dm = member(tg)
        photo = tg.send_photo(anna, dm, IMAGE)
        reply = await final_reply(tg, photo)
        assert reply.text == "💸 Not enough tokens: a solve costs 1, your balance is 0. Ask @boss for more tokens."
        assert omo.jobs_created == 0
        assert bot.balance(anna.id) == 0


async def test_twenty_photos_on_five_tokens_give_exactly_five_solves(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    omo.solve_delay = 0.2
    async with await start(tg, omo, tmp_path, initial_tokens=5, max_concurrent_jobs=3) as bot:
        anna, dm = member(tg)
        photos = [tg.send_photo(anna, dm, plain_png(colour=(i, i, i))) for i in range(20)]
        replies = [await final_reply(tg, photo) for photo in photos]
        texts = [reply.text or "" for reply in replies]
        assert sum(text.startswith("➡️ 100 px") for text in texts) == 5
        assert sum(text.startswith("💸 Not enough tokens") for text in texts) == 15
        assert omo.jobs_created == 5
        assert bot.balance(anna.id) == 0


@pytest.mark.parametrize(
    ("setup", "cause"),
    [
        (lambda omo: setattr(omo, "fail_next", 1), "❌ The solver could not solve this puzzle."),
        (lambda omo: setattr(omo, "api_keys", {"another-key"}), "🔑 The solving service rejected our API key."),
        (lambda omo: setattr(omo, "out_of_funds", True), "💳 The solving service account is out of funds."),
        (lambda omo: omo.create_faults.extend([Fault.http(503)] * 10), "📡 The solving service is unreachable"),
        (lambda omo: setattr(omo, "solve_delay", 60), "⌛ The solver took too long to answer."),
    ],
    ids=["unsolvable", "invalid-key", "out-of-funds", "unavailable", "timeout"],
)
async def test_every_failure_is_explained_and_refunded(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path, setup: Any, cause: str
) -> None:
    setup(omo)
    async with await start(tg, omo, tmp_path, initial_tokens=3, omocaptcha_deadline=0.5) as bot:
        anna, dm = member(tg)
        photo = tg.send_photo(anna, dm, IMAGE)
        reply = await final_reply(tg, photo)
        assert reply.text is not None
        assert reply.text.startswith(cause)
        assert reply.text.endswith("Your 1 token(s) were returned; balance: 3.")
        assert bot.balance(anna.id) == 3
        refunds = bot.query("SELECT delta FROM ledger WHERE user_id = ? AND reason = 'refund'", anna.id)
        assert refunds == [(1,)]


async def test_a_burst_of_server_errors_is_ridden_out(tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path) -> None:
    omo.create_faults.extend([Fault.http(502), Fault.http(503)])
    omo.poll_faults.extend([Fault.http(500), Fault.html()])
    async with await start(tg, omo, tmp_path, initial_tokens=1) as bot:
        anna, dm = member(tg)
        photo = tg.send_photo(anna, dm, IMAGE)
        reply = await final_reply(tg, photo)
        assert reply.text == "➡️ 100 px\n(pixels of your picture)\nBalance: 0 token(s)."
        assert omo.jobs_created == 1
        assert bot.balance(anna.id) == 0


@pytest.mark.parametrize(
    ("data", "name", "mime", "reason"),
    [
        (b"", "empty.png", "image/png", "🖼 That file is empty."),
        (plain_png()[:200], "cut.png", "image/png", "🖼 I could not read that image"),
        (
            b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n",
            "puzzle.pdf",
            "application/pdf",
            "🖼 That file is not an image.",
        ),
    ],
    ids=["empty", "corrupt", "pdf"],
)
async def test_unusable_files_are_refused_before_any_charge(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path, data: bytes, name: str, mime: str, reason: str
) -> None:
    async with await start(tg, omo, tmp_path) as bot:
        anna, dm = member(tg)
        await bot.accounts.grant(anna.id, 2, actor="test")
        document = tg.send_document(anna, dm, data, name, mime)
        reply = await final_reply(tg, document)
        assert reply.text is not None
        assert reply.text.startswith(reason)
        assert omo.jobs_created == 0
        assert bot.balance(anna.id) == 2


async def test_files_over_twenty_megabytes_are_refused_without_downloading(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    async with await start(tg, omo, tmp_path) as bot:
        anna, dm = member(tg)
        await bot.accounts.grant(anna.id, 2, actor="test")
        photo = tg.send_photo(anna, dm, IMAGE, file_size=25 * 1024 * 1024)
        reply = await final_reply(tg, photo)
        assert reply.text is not None
        assert reply.text.startswith("📦 That file is too big (25.0 MB)")
        assert tg.calls("getFile") == []
        assert bot.balance(anna.id) == 2


async def test_a_redelivered_update_is_not_charged_twice(tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path) -> None:
    async with await start(tg, omo, tmp_path, initial_tokens=3) as bot:
        anna, dm = member(tg)
        photo = tg.send_photo(anna, dm, IMAGE)
        await final_reply(tg, photo)
        tg.redeliver(tg.update_id_of(photo))
        tg.redeliver(tg.update_id_of(photo))
        await asyncio.sleep(0.5)
        await bot.wait_idle()
        assert omo.jobs_created == 1
        assert bot.balance(anna.id) == 2
        assert len(tg.messages_in(dm)) == 1  # the answer, once: redeliveries are not answered again


async def test_unlisted_groups_hear_one_refusal_then_silence(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    async with await start(tg, omo, tmp_path, allowed_chat_ids="-1") as bot:
        anna = tg.user("Anna", language_code="en")
        await bot.accounts.grant(anna.id, 3, actor="test")
        stranger_group = tg.group("Strangers")
        first = tg.send_photo(anna, stranger_group, IMAGE, caption="/solve")
        refusal = await tg.wait_for(replies_to(first))
        assert refusal.text is not None
        assert refusal.text.startswith("🚫 This group is not on my list")
        tg.send_photo(anna, stranger_group, IMAGE, caption="/solve")
        photo = tg.send_photo(anna, tg.private_chat(anna), IMAGE)  # granted tokens: served in private
        await final_reply(tg, photo)
        assert len(tg.messages_in(stranger_group)) == 1
        assert bot.balance(anna.id) == 2


async def test_an_answer_survives_a_telegram_outage_while_delivering(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    tg.fail_next("editMessageText", error_code=502, description="Bad Gateway")
    async with await start(tg, omo, tmp_path, initial_tokens=1) as bot:
        anna, dm = member(tg)
        photo = tg.send_photo(anna, dm, IMAGE)
        answer = await final_reply(tg, photo)
        assert answer.text == "➡️ 100 px\n(pixels of your picture)\nBalance: 0 token(s)."
        assert len(tg.calls("editMessageText")) == 2
        assert bot.balance(anna.id) == 0


async def test_a_lost_status_reply_does_not_lose_the_answer(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    async with await start(tg, omo, tmp_path, initial_tokens=1) as bot:
        anna, dm = member(tg)
        tg.fail_next("sendMessage", error_code=400, description="Bad Request: message to be replied not found")
        photo = tg.send_photo(anna, dm, IMAGE)
        answer = await final_reply(tg, photo)
        assert answer.text == "➡️ 100 px\n(pixels of your picture)\nBalance: 0 token(s)."
        assert answer.history == [answer.text]  # sent as a new reply, no "solving…" to edit
        assert bot.balance(anna.id) == 0
