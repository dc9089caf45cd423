"""The local solver in the bot: free instant answers, an annotated picture, and `auto` paying only when unsure."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from PIL import Image

from bot.texts import EN
from tests.e2e.harness import bot_settings, paid_solver, replies_to, running_bot
from tests.e2e.images import SAMPLE_OFFSET, as_jpeg, plain_png, sample_screenshot
from tests.e2e.process import bot_environment, run_cli
from tests.fakes.omocaptcha_server import FakeOmoCaptcha
from tests.fakes.telegram.server import FakeTelegram
from tests.generators.samples import SAMPLE_PUZZLE_WIDTH, sample_in_phone_photo

MESSAGE_CALLS = {"sendChatAction", "sendMessage", "sendPhoto", "editMessageText", "deleteMessage"}


def offset_in(text: str | None) -> int:
    match = re.match(r"➡️ (\d+) px", text or "")
    assert match is not None, text
    return int(match.group(1))


async def test_local_mode_answers_with_an_annotated_picture_for_free(tg: FakeTelegram, tmp_path: Path) -> None:
    settings = bot_settings(tg, tmp_path / "bot.sqlite3", answer_image=True, initial_tokens=1)
    assert settings.solver_mode == "local"  # no OmoCaptcha key: a fresh install solves on its own
    async with running_bot(settings) as bot:
        anna = tg.user("Anna")
        photo = tg.send_photo(anna, tg.private_chat(anna), as_jpeg(sample_screenshot(), quality=80))
        answer = await tg.wait_for(lambda m: m.is_photo and m.reply_to_message_id == photo["message_id"])
        assert abs(offset_in(answer.text) - SAMPLE_OFFSET) <= 2
        assert answer.text is not None
        assert "(solved locally, free)" in answer.text
        assert answer.photo is not None
        picture = Image.open(io.BytesIO(answer.photo))
        assert picture.width >= 422  # the user's screenshot, annotated
        # One message: the chat showed the bot at work, and no "solving…" reply came and went.
        assert [call.method for call in tg.calls() if call.method in MESSAGE_CALLS] == ["sendChatAction", "sendPhoto"]
        assert bot.balance(anna.id) == 1

        # The bot's own picture is not a puzzle to solve again.
        ask = tg.send_text(anna, tg.private_chat(anna), "/solve", reply_to=answer)
        hint = await tg.wait_for(replies_to(ask))
        assert (hint.text or "").startswith("Reply /solve to a photo")
        assert bot.query("SELECT COUNT(*) FROM solve_requests") == [(1,)]


async def test_auto_answers_confident_puzzles_locally_and_pays_only_when_unsure(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    omo.answer = "123"
    settings = bot_settings(tg, tmp_path / "bot.sqlite3", initial_tokens=2, **{**paid_solver(omo), "solver": "auto"})
    async with running_bot(settings) as bot:
        anna = tg.user("Anna")
        dm = tg.private_chat(anna)
        puzzle = tg.send_document(anna, dm, sample_screenshot(), "puzzle.png", "image/png")
        local = await tg.wait_for(replies_to(puzzle, settled=True))
        assert abs(offset_in(local.text) - SAMPLE_OFFSET) <= 2
        assert omo.jobs_created == 0
        assert bot.balance(anna.id) == 2  # reserved, then refunded: local answers are free

        unsure = tg.send_photo(anna, dm, plain_png())  # no puzzle in it: the local solver will not guess
        paid = await tg.wait_for(replies_to(unsure, settled=True))
        assert paid.text == "➡️ 123 px\n(pixels of your picture)\nBalance: 1 token(s)."
        assert omo.jobs_created == 1
        assert bot.query("SELECT solver, answer FROM solve_requests ORDER BY id")[1] == ("omocaptcha", 123)


async def test_stats_show_the_split_and_what_local_answers_saved(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    boss = tg.user("Boss")
    settings = bot_settings(
        tg,
        tmp_path / "bot.sqlite3",
        initial_tokens=5,
        admin_user_ids=str(boss.id),
        **{**paid_solver(omo), "solver": "auto"},
    )
    async with running_bot(settings):
        dm = tg.private_chat(boss)
        for image in (sample_screenshot(), plain_png()):
            sent = tg.send_document(boss, dm, image, "p.png", "image/png")
            await tg.wait_for(replies_to(sent, settled=True))
        command = tg.send_text(boss, dm, "/stats")
        stats = (await tg.wait_for(replies_to(command))).text or ""
        assert "local 1 / OmoCaptcha 1" in stats
        assert "💡 Local answers saved 1 paid OmoCaptcha call(s) (1 token(s) for members)." in stats


def test_the_command_line_solves_locally_without_any_network(tmp_path: Path) -> None:
    sample = tmp_path / "sample.png"
    sample.write_bytes(sample_screenshot())
    blank = tmp_path / "blank.png"
    blank.write_bytes(plain_png())
    env = bot_environment(OMOCAPTCHA_BASE_URL="http://127.0.0.1:9/unreachable")
    result = run_cli(tmp_path, env, "solve", "--solver", "local", "--json", str(sample), str(blank))
    assert result.returncode == 1  # one image had no puzzle
    answers = json.loads(result.stdout)
    assert abs(answers[0]["answer"] - SAMPLE_OFFSET) <= 2
    assert answers[0]["solver"] == "local"
    assert answers[1]["answer"] is None
    assert answers[1]["error"].startswith("no_puzzle")


async def test_a_refused_picture_still_delivers_the_answer_as_text(tg: FakeTelegram, tmp_path: Path) -> None:
    tg.fail_next("sendPhoto", error_code=400, description="Bad Request: IMAGE_PROCESS_FAILED")
    async with running_bot(bot_settings(tg, tmp_path / "bot.sqlite3", answer_image=True)):
        anna = tg.user("Anna")
        photo = tg.send_photo(anna, tg.private_chat(anna), sample_screenshot())
        answer = await tg.wait_for(replies_to(photo, settled=True))
        assert not answer.is_photo
        assert abs(offset_in(answer.text) - SAMPLE_OFFSET) <= 2


async def test_balance_names_both_prices_in_auto_mode(tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path) -> None:
    settings = bot_settings(tg, tmp_path / "bot.sqlite3", initial_tokens=4, **{**paid_solver(omo), "solver": "auto"})
    async with running_bot(settings):
        anna = tg.user("Anna")
        ask = tg.send_text(anna, tg.private_chat(anna), "/balance")
        reply = await tg.wait_for(replies_to(ask))
        assert reply.text == (
            "💰 Balance: 4 token(s).\nA solve costs 1 token(s); answers from the local solver cost 0.\n"
            "Ask an admin for more tokens."
        )


def share_in(text: str | None) -> float:
    match = re.search(r"(\d+[.,]\d)% of", text or "")
    assert match is not None, text
    return float(match.group(1).replace(",", ".")) / 100


async def test_a_phone_capture_sent_as_a_photo_is_answered_in_units_a_member_can_use(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    photo, scale = sample_in_phone_photo(sample_screenshot(), 2.75)  # 591 × 1280, as Telegram hands it over
    truth_share = SAMPLE_OFFSET / SAMPLE_PUZZLE_WIDTH
    anna = tg.user("Anna")
    async with running_bot(bot_settings(tg, tmp_path / "bot.sqlite3")):
        sent = tg.send_photo(anna, tg.private_chat(anna), photo)
        answer = await tg.wait_for(replies_to(sent, settled=True))
        assert abs(offset_in(answer.text) - SAMPLE_OFFSET * scale) <= 2  # pixels of the photo
        assert abs(share_in(answer.text) - truth_share) <= 0.006
        assert EN.photo_hint in (answer.text or "")  # Telegram shrank it: a file would give screen pixels

    async with running_bot(bot_settings(tg, tmp_path / "bot.sqlite3", puzzle_width=SAMPLE_PUZZLE_WIDTH)):
        sent = tg.send_photo(anna, tg.private_chat(anna), photo)
        answer = await tg.wait_for(replies_to(sent, settled=True))
        assert abs(offset_in(answer.text) - SAMPLE_OFFSET) <= 2  # the drag at the captcha's own width
        assert "(at the puzzle's display width of 388 px;" in (answer.text or "")
        assert EN.photo_hint not in (answer.text or "")


async def test_the_paid_api_gets_the_puzzle_alone_and_its_answer_comes_in_the_same_units(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    photo, scale = sample_in_phone_photo(sample_screenshot(), 2.75)
    sent_sizes: list[tuple[int, int]] = []

    def answer(image: bytes) -> str:
        with Image.open(io.BytesIO(image)) as received:
            sent_sizes.append(received.size)
        return str(round(SAMPLE_OFFSET * scale))  # a worker reads the cut at the photo's own scale

    omo.answer = answer
    settings = bot_settings(
        tg, tmp_path / "bot.sqlite3", initial_tokens=1, puzzle_width=SAMPLE_PUZZLE_WIDTH, **paid_solver(omo)
    )
    async with running_bot(settings):
        anna = tg.user("Anna")
        sent = tg.send_photo(anna, tg.private_chat(anna), photo)
        reply = await tg.wait_for(replies_to(sent, settled=True))
        assert abs(offset_in(reply.text) - SAMPLE_OFFSET) <= 2  # converted to the display width like a local answer
        assert "(at the puzzle's display width of 388 px;" in (reply.text or "")
    assert len(sent_sizes) == 1
    width, height = sent_sizes[0]
    assert abs(width - SAMPLE_PUZZLE_WIDTH * scale * 1.06) <= 6  # the puzzle and a margin, not the phone's screen
    assert height < 1280 / 3


async def test_a_small_screenshot_goes_to_the_paid_api_whole_and_its_answer_still_has_its_share(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    received: list[bytes] = []

    def answer(image: bytes) -> str:
        received.append(image)
        return str(SAMPLE_OFFSET)

    omo.answer = answer
    async with running_bot(bot_settings(tg, tmp_path / "bot.sqlite3", initial_tokens=1, **paid_solver(omo))):
        anna = tg.user("Anna")
        sent = tg.send_document(anna, tg.private_chat(anna), sample_screenshot(), "puzzle.png", "image/png")
        reply = await tg.wait_for(replies_to(sent, settled=True))
        assert "(pixels of your picture;" in (reply.text or "")
        assert abs(share_in(reply.text) - SAMPLE_OFFSET / SAMPLE_PUZZLE_WIDTH) <= 0.006
    assert received == [sample_screenshot()]  # a crop already: sent as it came, not cut again
