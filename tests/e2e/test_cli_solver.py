"""`captcha-bot solve` and `captcha-bot balance` against the fake OmoCaptcha, as an admin runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.images import plain_png
from tests.e2e.process import bot_environment, run_cli_async
from tests.fakes.omocaptcha_server import FakeOmoCaptcha


def provider_env(omo: FakeOmoCaptcha, key: str = "test-key") -> dict[str, str]:
    return bot_environment(
        OMOCAPTCHA_API_KEY=key,
        OMOCAPTCHA_BASE_URL=omo.base_url,
        OMOCAPTCHA_FIRST_POLL_DELAY="0.05",
        OMOCAPTCHA_POLL_INTERVAL="0.05",
    )


async def test_solve_prints_the_providers_answer_for_each_image(omo: FakeOmoCaptcha, tmp_path: Path) -> None:
    omo.answer = lambda image: str(len(image) % 97)
    files = []
    for n in range(3):
        path = tmp_path / f"puzzle{n}.png"
        path.write_bytes(plain_png(colour=(n * 50, 10, 10)))
        files.append(path)
    code, stdout, _ = await run_cli_async(
        tmp_path, provider_env(omo), "solve", "--solver", "omocaptcha", "--json", *map(str, files)
    )
    assert code == 0
    results = json.loads(stdout)
    assert [r["file"] for r in results] == [str(path) for path in files]
    assert [r["answer"] for r in results] == [len(path.read_bytes()) % 97 for path in files]
    assert all(r["solver"] == "omocaptcha" and r["seconds"] > 0 and "error" not in r for r in results)
    assert omo.jobs_created == 3


async def test_solve_reports_failures_per_image_and_exits_non_zero(omo: FakeOmoCaptcha, tmp_path: Path) -> None:
    omo.fail_next = 1
    image = tmp_path / "puzzle.png"
    image.write_bytes(plain_png())
    code, stdout, _ = await run_cli_async(tmp_path, provider_env(omo), "solve", "--solver", "omocaptcha", str(image))
    assert code == 1
    assert stdout.startswith(f"{image}: error unsolvable")


async def test_balance_prints_the_account_balance_and_explains_a_bad_key(omo: FakeOmoCaptcha, tmp_path: Path) -> None:
    code, stdout, _ = await run_cli_async(tmp_path, provider_env(omo), "balance")
    assert (code, stdout.strip()) == (0, "OmoCaptcha balance: 12.34500")

    code, _, stderr = await run_cli_async(tmp_path, provider_env(omo, key="wrong-key"), "balance")
    assert code == 1
    assert stderr.startswith("captcha-bot: OmoCaptcha: invalid_key")
    assert "wrong-key" not in stderr
