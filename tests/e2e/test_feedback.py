"""✅/❌ under answers, end to end: who may report, refunds by policy and their limits, the figures, the export of
the reported pictures and the calibration from reports."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.db.engine import create_engine
from bot.db.migrate import upgrade_database
from bot.settings import load_settings
from tests.e2e.harness import RunningBot, bot_settings, ledger_mismatches, paid_solver, replies_to, running_bot
from tests.e2e.images import as_jpeg, plain_png, sample_screenshot
from tests.e2e.process import run_cli_async
from tests.e2e.test_process import telegram_env
from tests.fakes.omocaptcha_server import FakeOmoCaptcha
from tests.fakes.telegram.callbacks import Toast, buttons
from tests.fakes.telegram.messages import SentMessage
from tests.fakes.telegram.objects import User
from tests.fakes.telegram.server import FakeTelegram

WORKED, WRONG = "✅ It worked", "❌ Wrong"


def choice(request_id: int) -> list[list[tuple[str, str]]]:
    return [[(WORKED, f"rp:{request_id}:r"), (WRONG, f"rp:{request_id}:w")]]


def mark(label: str, request_id: int) -> list[list[tuple[str, str]]]:
    return [[(label, f"rp:{request_id}:c")]]


async def press(tg: FakeTelegram, user: User, message: SentMessage, data: str, *, stale: bool = False) -> Toast:
    return await tg.callbacks.wait_for_toast(tg.callbacks.press(user, message, data, stale=stale))


async def keyboard(tg: FakeTelegram, message: SentMessage, wanted: list[list[tuple[str, str]]]) -> SentMessage:
    """The message once its keyboard is `wanted`."""
    return await tg.wait_for(
        lambda m: (m.chat_id, m.message_id) == (message.chat_id, message.message_id) and buttons(m) == wanted
    )


def balanced(bot: RunningBot) -> bool:
    return ledger_mismatches(bot.database) == []


async def test_reports_on_paid_answers_refund_once_within_the_cap_and_are_counted(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    boss = tg.user("Boss")
    database = tmp_path / "bot.sqlite3"
    settings = bot_settings(
        tg, database, admin_user_ids=str(boss.id), initial_tokens=5, refund_wrong_per_day=2, **paid_solver(omo)
    )
    async with running_bot(settings) as bot:
        team = tg.group()
        tg.set_member_status(team, tg.bot, "administrator")
        anna, bob = tg.user("Anna"), tg.user("Bob")
        # One at a time: four answers ready at once would share one message (services/coalescing.py).
        photos, answers = [], []
        for n in range(4):
            photos.append(tg.send_photo(anna, team, plain_png(colour=(n, 0, 0))))
            answers.append(await tg.wait_for(replies_to(photos[-1], settled=True)))
        first, second, third, fourth = answers
        r1, r2, r3, r4 = [
            bot.query("SELECT id FROM solve_requests WHERE message_id = ?", p["message_id"])[0][0] for p in photos
        ]
        assert (first.text or "").startswith("➡️ 100 px\n(pixels of your picture)")
        assert buttons(first) == choice(r1)
        assert bot.balance(anna.id) == 1

        tg.send_text(anna, team, "/solve", reply_to=photos[0])  # the earlier answer, with its buttons
        again = await tg.wait_for(lambda m: (m.text or "").startswith("This image was already solved"))
        assert buttons(again) == choice(r1)

        refused = await press(tg, bob, first, f"rp:{r1}:w")
        assert refused.text == "Only the member who sent the photo (or an admin) can report on this answer."
        assert buttons(first) == choice(r1)

        wrong = tg.callbacks.press(anna, first, f"rp:{r1}:w")
        toast = await tg.callbacks.wait_for_toast(wrong)
        assert toast.text == "❌ Wrong: thanks for the report. 1 token(s) refunded; balance 2."
        marked = await keyboard(tg, first, mark(WRONG, r1))
        assert (bot.balance(anna.id), balanced(bot)) == (2, True)

        tg.redeliver(wrong.update_id)  # the same press, delivered again
        again_wrong = await press(tg, anna, first, f"rp:{r1}:w", stale=True)  # a quick second tap
        assert again_wrong.text == "Already reported: ❌ Wrong."
        assert bot.balance(anna.id) == 2
        assert bot.query("SELECT COUNT(*) FROM ledger WHERE reason = 'reported_wrong'") == [(1,)]

        reopen = await press(tg, anna, marked, f"rp:{r1}:c")
        assert reopen.text == "Choose again: ✅ or ❌."
        reopened = await keyboard(tg, first, choice(r1))
        right = await press(tg, anna, reopened, f"rp:{r1}:r")
        assert right.text == "✅ Worked: thanks for the report. The refund of 1 token(s) was taken back; balance 1."
        await keyboard(tg, first, mark("✅ Worked", r1))
        assert (bot.balance(anna.id), balanced(bot)) == (1, True)
        wrong_again = await press(tg, anna, reopened, f"rp:{r1}:w", stale=True)
        assert wrong_again.text == "❌ Wrong: thanks for the report. No refund: this answer was refunded once already."
        assert bot.balance(anna.id) == 1

        both = [tg.callbacks.press(anna, second, f"rp:{r2}:w") for _ in range(2)]  # two taps at once
        toasts = await asyncio.gather(*(tg.callbacks.wait_for_toast(pressed) for pressed in both))
        assert sorted(toast.text or "" for toast in toasts) == [
            "Already reported: ❌ Wrong.",
            "❌ Wrong: thanks for the report. 1 token(s) refunded; balance 2.",
        ]
        assert (bot.balance(anna.id), balanced(bot)) == (2, True)

        capped = await press(tg, boss, third, f"rp:{r3}:w")  # an admin may report too; two refunds today already
        assert capped.text == "❌ Wrong: thanks for the report. No refund: at most 2 refunds a day."
        await keyboard(tg, third, mark(WRONG, r3))
        assert (await press(tg, anna, fourth, f"rp:{r4}:r")).text == "✅ Worked: thanks for the report."
        assert (bot.balance(anna.id), balanced(bot)) == (2, True)
        assert set(bot.query("SELECT request_id, verdict, reported_by FROM answer_reports")) == {
            (r1, "wrong", anna.id),
            (r2, "wrong", anna.id),
            (r3, "wrong", boss.id),
            (r4, "right", anna.id),
        }

        stats = await tg.wait_for(replies_to(tg.send_text(boss, tg.private_chat(boss), "/stats")))
        assert "🎯 Reported accuracy (✅/❌ under answers)" in (stats.text or "")
        assert "OmoCaptcha · Today: 4 answer(s), 4 reported — 1 ✅, 3 ❌; 25.0% right (n=4)" in (stats.text or "")
        assert "Local · All time: 0 answer(s), 0 reported — 0 ✅, 0 ❌; — right (n=0)" in (stats.text or "")
        usage = await tg.wait_for(replies_to(tg.send_text(anna, tg.private_chat(anna), "/usage")))
        assert (usage.text or "").endswith(
            "OmoCaptcha · All time: 4 answer(s), 4 reported — 1 ✅, 3 ❌; 25.0% right (n=4)"
        )
        assert "Local ·" not in (usage.text or "")

        code, stdout, _ = await run_cli_async(tmp_path, telegram_env(tg, database), "stats", "--json")
        assert code == 0
        figures = json.loads(stdout)
        assert figures["today"]["accuracy"]["omocaptcha"] == {
            "answers": 4,
            "reported": 4,
            "right": 1,
            "wrong": 3,
            "share_right": 0.25,
        }
        assert figures["all"]["succeeded"] == 4
        await bot.wait_idle()


async def test_picture_answers_carry_buttons_late_reports_are_refused_and_the_reported_pictures_export(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    database = tmp_path / "bot.sqlite3"
    async with running_bot(bot_settings(tg, database, answer_image=True, initial_tokens=1)) as bot:
        anna = tg.user("Anna")
        image = as_jpeg(sample_screenshot(), quality=80)
        photo = tg.send_photo(anna, tg.private_chat(anna), image)
        answer = await tg.wait_for(lambda m: m.is_photo and m.reply_to_message_id == photo["message_id"])
        ((request_id, offset, width, confidence),) = bot.query(
            "SELECT id, answer, puzzle_width, confidence FROM solve_requests"
        )
        assert buttons(answer) == choice(request_id)

        toast = await press(tg, anna, answer, f"rp:{request_id}:r")
        assert toast.text == "✅ Worked: thanks for the report."  # a free answer: nothing to refund
        marked = await keyboard(tg, answer, mark("✅ Worked", request_id))

        ((answered_at,),) = bot.query("SELECT answered_at FROM solve_requests")
        earlier = datetime.fromisoformat(answered_at) - timedelta(minutes=31)  # as if half an hour went by
        bot.query("UPDATE solve_requests SET answered_at = ?", earlier.isoformat(sep=" "))
        late = await press(tg, anna, marked, f"rp:{request_id}:c")
        assert late.text == "Too late: an answer can be reported for 30 minutes after it is given."
        assert buttons(marked) == mark("✅ Worked", request_id)
        await bot.wait_idle()

        env = telegram_env(tg, database)
        today = datetime.now(bot.settings.timezone).date().isoformat()
        code, _, stderr = await run_cli_async(
            tmp_path, env, "reports", "export", str(tmp_path / "all"), "--since", today
        )
        assert (code, stderr) == (0, "")
        lines = [json.loads(line) for line in (tmp_path / "all" / "reports.jsonl").read_text().splitlines()]
        assert lines == [
            {
                "request_id": request_id,
                "backend": "local",
                "confidence": confidence,
                "answer": offset,
                "units": "pixels of the picture",
                "puzzle_width": width,
                "share": round(offset / width, 5),
                "downscaled_photo": False,
                "report": "right",
                "reported_at": lines[0]["reported_at"],
                "file": f"{request_id}.jpg",
            }
        ]
        assert (tmp_path / "all" / f"{request_id}.jpg").read_bytes() == image  # what the fake Bot API served
        code, _, _ = await run_cli_async(tmp_path, env, "reports", "export", str(tmp_path / "wrong"), "--wrong")
        assert code == 0
        assert (tmp_path / "wrong" / "reports.jsonl").read_text() == ""


def seed_local_reports(database: Path, labels: list[tuple[float, str]]) -> None:
    """Reported local answers, as a team's bot would have stored them."""
    now = datetime.now(UTC).isoformat(sep=" ")
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT OR IGNORE INTO users (id, balance, first_seen_at, last_seen_at) VALUES (1, 0, ?, ?)", (now, now)
        )
        start = connection.execute("SELECT COUNT(*) FROM solve_requests").fetchone()[0]
        for number, (confidence, verdict) in enumerate(labels, start=start + 1):
            connection.execute(
                "INSERT INTO solve_requests (id, chat_id, message_id, user_id, language, status, solver, answer, "
                "confidence, tokens_charged, received_at, answered_at) "
                "VALUES (?, 1, ?, 1, 'en', 'succeeded', 'local', 100, ?, 0, ?, ?)",
                (number, number, confidence, now, now),
            )
            connection.execute(
                "INSERT INTO answer_reports (request_id, verdict, reported_by, reported_at) VALUES (?, ?, 1, ?)",
                (number, verdict, now),
            )


async def test_calibrate_recommends_the_threshold_the_reports_show(tg: FakeTelegram, tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    engine = create_engine(load_settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{database}"))
    await upgrade_database(engine)
    await engine.dispose()
    seed_local_reports(database, [(0.97, "right")] * 600 + [(0.75, "wrong")] * 20 + [(0.75, "right")] * 30)
    code, stdout, _ = await run_cli_async(tmp_path, telegram_env(tg, database), "calibrate")
    lines = stdout.splitlines()
    assert (code, lines[0]) == (0, "650 reported local answer(s); LOCAL_MIN_CONFIDENCE now 0.9")
    assert "     0.70    650   96.92%        0.0%" in lines
    assert "     0.80    600  100.00%        7.7%  ✓" in lines
    assert "     0.98      0        —      100.0%" in lines
    assert lines[-1] == "LOCAL_MIN_CONFIDENCE=0.8 keeps delivered local answers ≥ 99.5% right"
