from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.omocaptcha_server import FakeOmoCaptcha
from tests.fakes.telegram_server import FakeTelegram


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def omo() -> AsyncIterator[FakeOmoCaptcha]:
    async with FakeOmoCaptcha() as fake:
        fake.solve_delay = 0.05
        yield fake
