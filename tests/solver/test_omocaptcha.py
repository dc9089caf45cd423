"""The OmoCaptcha backend against the fake provider over real HTTP: answers, errors, paid jobs, polls."""

from __future__ import annotations

import asyncio
import logging
import math
import random
import re
import socket
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import httpx
import pytest

from bot.settings import Settings
from bot.solver.base import (
    ImageRejected,
    InvalidApiKey,
    OutOfFunds,
    ProtocolError,
    ProviderUnavailable,
    ResumableSolver,
    SolverError,
    SolveTimeout,
    Unsolvable,
)
from bot.solver.cropping import MEASURE_AFTER, CroppingSolver
from bot.solver.omocaptcha.poll_planner import PollPlanner
from bot.solver.omocaptcha.solver import OmoCaptchaOptions, OmoCaptchaSolver, open_omocaptcha_client
from tests.e2e.images import sample_screenshot
from tests.fakes.omocaptcha_server import FakeOmoCaptcha, Fault, ResultShape

KEY = "omo-5ecret-key-0451"  # distinctive, so that "not in the logs" means something
IMAGE = b"\x89PNG\r\n\x1a\n a puzzle screenshot"


@pytest.fixture
async def omo() -> AsyncIterator[FakeOmoCaptcha]:
    async with FakeOmoCaptcha() as fake:
        fake.api_keys = {KEY}
        yield fake


@pytest.fixture
async def client(omo: FakeOmoCaptcha) -> AsyncIterator[httpx.AsyncClient]:
    async with open_omocaptcha_client(omo.base_url, timeout=2.0) as http:
        yield http


def fast_options(
    *, poll_interval: float = 0.03, max_polls: int = 20, deadline: float = 5.0, create_retries: int = 3
) -> OmoCaptchaOptions:
    """Real pacing shrunk to hundredths of a second."""
    return OmoCaptchaOptions(
        first_poll_delay=0.03,
        poll_interval=poll_interval,
        max_polls=max_polls,
        deadline=deadline,
        create_retries=create_retries,
        retry_backoff=0.01,
    )


def make_solver(
    client: httpx.AsyncClient,
    key: str = KEY,
    *,
    poll_interval: float = 0.03,
    max_polls: int = 20,
    deadline: float = 5.0,
    create_retries: int = 3,
) -> OmoCaptchaSolver:
    options = fast_options(
        poll_interval=poll_interval, max_polls=max_polls, deadline=deadline, create_retries=create_retries
    )
    return OmoCaptchaSolver(client, key, options)


async def test_solves_a_puzzle_with_one_paid_job(omo: FakeOmoCaptcha, client: httpx.AsyncClient) -> None:
    omo.answer, omo.solve_delay = "276", 0.2
    seen_polls_at_creation: list[int] = []

    async def on_job_created(job_id: str) -> None:
        seen_polls_at_creation.append(omo.polls_of(job_id))

    solver = make_solver(client)
    solution = await solver.solve(IMAGE, on_job_created=on_job_created)

    assert isinstance(solver, ResumableSolver)
    assert (solution.offset, solution.raw_answer, solution.backend) == (276, "276", "omocaptcha")
    assert omo.jobs_created == 1
    job = omo.jobs[int(solution.job_id or "")]
    assert job.image == IMAGE  # plain base64 round trip
    assert seen_polls_at_creation == [0]  # the id was handed over before any poll
    assert solution.polls == omo.polls_of(job.job_id) >= 2  # pending at first, then the answer


@pytest.mark.parametrize(
    ("shape", "answer", "offset"),
    [
        ("string", "100", 100),
        ("int", "100", 100),
        ("float", "100.6", 101),
        ("object", "100", 100),
        ("object_key", "100", 100),
        ("list", "100", 100),
        ("bytrade", "100", 100),
    ],
)
async def test_reads_every_result_shape(
    omo: FakeOmoCaptcha, client: httpx.AsyncClient, shape: ResultShape, answer: str, offset: int
) -> None:
    omo.result_shape, omo.answer = shape, answer
    assert (await make_solver(client).solve(IMAGE)).offset == offset


@pytest.mark.parametrize(
    ("flag_style", "pending_status"), [("success", "waiting"), ("error", "processing"), ("success", "running")]
)
async def test_understands_both_success_flags_and_every_pending_word(
    omo: FakeOmoCaptcha, client: httpx.AsyncClient, flag_style: str, pending_status: str
) -> None:
    omo.flag_style = "success" if flag_style == "success" else "error"
    omo.pending_status, omo.solve_delay = pending_status, 0.2
    solution = await make_solver(client).solve(IMAGE)
    assert solution.offset == 100
    assert solution.polls >= 2


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        (lambda fake: fake.api_keys.clear(), InvalidApiKey),
        (lambda fake: setattr(fake, "out_of_funds", True), OutOfFunds),
        (lambda fake: setattr(fake, "create_error", "Invalid image size."), ImageRejected),
        (lambda fake: setattr(fake, "create_error", "Server is under maintenance"), ProtocolError),
        (lambda fake: fake.create_faults.append(Fault.html()), ProtocolError),
        (lambda fake: fake.create_faults.append(Fault.invalid_json()), ProtocolError),
    ],
    ids=["invalid-key", "out-of-funds", "image-rejected", "unknown-error", "html", "invalid-json"],
)
async def test_create_job_errors_are_typed_and_never_retried(
    omo: FakeOmoCaptcha, client: httpx.AsyncClient, setup: Callable[[FakeOmoCaptcha], object], error: type[SolverError]
) -> None:
    setup(omo)
    with pytest.raises(error) as caught:
        await make_solver(client).solve(IMAGE)
    assert caught.value.code == error.code
    assert caught.value.job_id is None
    assert (omo.create_requests, omo.jobs_created) == (1, 0)


async def test_provider_messages_reach_the_error(omo: FakeOmoCaptcha, client: httpx.AsyncClient) -> None:
    omo.create_error = "Server is under maintenance"
    with pytest.raises(ProtocolError, match="under maintenance"):
        await make_solver(client).solve(IMAGE)


async def test_an_empty_image_is_rejected_by_the_provider(omo: FakeOmoCaptcha, client: httpx.AsyncClient) -> None:
    with pytest.raises(ImageRejected):
        await make_solver(client).solve(b"")
    assert omo.jobs_created == 0


async def test_a_failed_job_is_unsolvable_and_names_the_job(omo: FakeOmoCaptcha, client: httpx.AsyncClient) -> None:
    omo.fail_next = 1
    solver = make_solver(client)
    with pytest.raises(Unsolvable) as caught:
        await solver.solve(IMAGE)
    assert caught.value.job_id == str(next(iter(omo.jobs)))
    assert (await solver.solve(IMAGE)).offset == 100  # only the next one failed
    assert omo.jobs_created == 2


@pytest.mark.parametrize("status", [500, 502, 503, 429])
async def test_a_short_burst_of_overload_on_create_is_retried_and_paid_once(
    omo: FakeOmoCaptcha, client: httpx.AsyncClient, status: int
) -> None:
    omo.create_faults.extend([Fault.http(status)] * 3)
    solution = await make_solver(client, create_retries=3).solve(IMAGE)
    assert solution.offset == 100
    assert (omo.create_requests, omo.jobs_created) == (4, 1)


async def test_overload_outlasting_the_retries_is_unavailable(omo: FakeOmoCaptcha, client: httpx.AsyncClient) -> None:
    omo.create_faults.extend([Fault.http(503)] * 5)
    with pytest.raises(ProviderUnavailable) as caught:
        await make_solver(client, create_retries=2).solve(IMAGE)
    assert caught.value.job_id is None
    assert (omo.create_requests, omo.jobs_created) == (3, 0)


async def test_a_refused_connection_is_unavailable() -> None:
    with socket.socket() as sock:  # a port nobody listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with open_omocaptcha_client(f"http://127.0.0.1:{port}/api", timeout=1.0) as http:
        with pytest.raises(ProviderUnavailable, match="ConnectError after 3 tries"):
            await make_solver(http, create_retries=2).solve(IMAGE)


@pytest.mark.parametrize("fault", [Fault.slow(1.0), Fault.drop()], ids=["read-timeout", "dropped"])
async def test_a_create_job_lost_after_sending_is_not_paid_twice(omo: FakeOmoCaptcha, fault: Fault) -> None:
    omo.create_faults.append(fault)
    async with open_omocaptcha_client(omo.base_url, timeout=0.2) as http:
        with pytest.raises(ProviderUnavailable) as caught:
            await make_solver(http, create_retries=3).solve(IMAGE)
    assert caught.value.job_id is None
    assert (omo.create_requests, omo.jobs_created) == (1, 1)  # the provider made it; we did not ask again


async def test_polls_stop_at_the_cap(omo: FakeOmoCaptcha, client: httpx.AsyncClient) -> None:
    omo.solve_delay = math.inf
    with pytest.raises(SolveTimeout) as caught:
        await make_solver(client, max_polls=4, poll_interval=0.01).solve(IMAGE)
    job_id = next(iter(omo.jobs))
    assert caught.value.job_id == str(job_id)
    assert omo.polls_of(job_id) == 4


async def test_polls_stop_at_the_deadline(omo: FakeOmoCaptcha, client: httpx.AsyncClient) -> None:
    omo.solve_delay = math.inf
    with pytest.raises(SolveTimeout) as caught:
        await make_solver(client, max_polls=20, poll_interval=0.05, deadline=0.3).solve(IMAGE)
    job_id = next(iter(omo.jobs))
    assert caught.value.job_id == str(job_id)
    assert omo.polls_of(job_id) <= 6  # polls due at 0.03, 0.08, ... 0.28 s; none after 0.3 s


async def test_failed_polls_are_retried_on_the_grid(omo: FakeOmoCaptcha, client: httpx.AsyncClient) -> None:
    omo.poll_faults.extend([Fault.http(500), Fault.http(429), Fault.html(), Fault.invalid_json(), Fault.drop()])
    solution = await make_solver(client).solve(IMAGE)
    assert solution.offset == 100
    assert solution.polls == omo.polls_of(solution.job_id or "") == 6
    assert omo.jobs_created == 1


async def test_a_slow_poll_is_retried(omo: FakeOmoCaptcha) -> None:
    omo.poll_faults.append(Fault.slow(1.0))
    async with open_omocaptcha_client(omo.base_url, timeout=0.2) as http:
        solution = await make_solver(http).solve(IMAGE)
    assert (solution.offset, solution.polls, omo.jobs_created) == (100, 2, 1)


async def test_polls_that_all_fail_are_unavailable(omo: FakeOmoCaptcha, client: httpx.AsyncClient) -> None:
    omo.poll_faults.extend([Fault.http(503)] * 3)
    with pytest.raises(ProviderUnavailable) as caught:
        await make_solver(client, max_polls=3).solve(IMAGE)
    job_id = next(iter(omo.jobs))
    assert caught.value.job_id == str(job_id)
    assert (omo.polls_of(job_id), omo.jobs_created) == (3, 1)


async def test_cancelling_stops_all_polling(omo: FakeOmoCaptcha, client: httpx.AsyncClient) -> None:
    omo.solve_delay = math.inf
    task = asyncio.create_task(make_solver(client, poll_interval=0.02).solve(IMAGE))
    while omo.poll_requests < 2:  # noqa: ASYNC110 -- the fake's counter has no event to wait on
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    polls_at_cancel = omo.poll_requests
    await asyncio.sleep(0.2)  # ten poll intervals
    assert omo.poll_requests == polls_at_cancel


async def test_resume_finishes_a_job_without_paying_again(omo: FakeOmoCaptcha, client: httpx.AsyncClient) -> None:
    omo.answer, omo.solve_delay = "42", 0.1
    created: list[str] = []

    async def crash_after_creation(job_id: str) -> None:
        created.append(job_id)
        raise asyncio.CancelledError  # the process dies right after saving the id

    solver = make_solver(client)
    with pytest.raises(asyncio.CancelledError):
        await solver.solve(IMAGE, on_job_created=crash_after_creation)

    solution = await solver.resume(created[0])
    assert (solution.offset, solution.job_id) == (42, created[0])
    assert (omo.create_requests, omo.jobs_created) == (1, 1)
    assert omo.polls_of(created[0]) == solution.polls


async def test_resuming_an_unknown_job_is_a_protocol_error(omo: FakeOmoCaptcha, client: httpx.AsyncClient) -> None:
    with pytest.raises(ProtocolError, match="Job not found") as caught:
        await make_solver(client).resume("999")
    assert caught.value.job_id == "999"
    assert omo.create_requests == 0


async def test_balance(omo: FakeOmoCaptcha, client: httpx.AsyncClient) -> None:
    omo.balance = Decimal("7.5")
    assert await make_solver(client).balance() == Decimal("7.50000")
    with pytest.raises(InvalidApiKey):
        await make_solver(client, key="wrong-key").balance()
    omo.balance_faults.append(Fault.http(502))
    with pytest.raises(ProviderUnavailable):
        await make_solver(client).balance()


async def test_the_planner_learns_from_every_first_poll(omo: FakeOmoCaptcha, client: httpx.AsyncClient) -> None:
    omo.solve_delay = 0.1
    planner = PollPlanner(0.1)
    solver = OmoCaptchaSolver(client, KEY, fast_options(poll_interval=0.05), planner)
    solutions = await asyncio.gather(*(solver.solve(IMAGE) for _ in range(30)))
    assert [solution.offset for solution in solutions] == [100] * 30
    assert planner.estimate is not None
    assert 0.02 < planner.estimate < 0.2
    assert max(solution.polls for solution in solutions) <= 3


async def seconds_to_answer(solver: OmoCaptchaSolver) -> float:
    loop = asyncio.get_running_loop()
    started = loop.time()
    await solver.solve(IMAGE)
    return loop.time() - started


class Scripted(random.Random):
    """Draws the given shares of each uniform range, in order."""

    def __init__(self, *shares: float) -> None:
        super().__init__(0)  # random(): 0.84, no probe
        self._shares = list(shares)

    def uniform(self, a: float, b: float) -> float:
        return a + self._shares.pop(0) * (b - a)


@pytest.mark.parametrize(
    ("solve_delay", "window", "shares", "within", "polls"),
    [
        # Explored at 0.5 and 1.5 × 1 s; one observation is enough (window 1). The first job's answer at 0.5 s
        # teaches the planner, and the second is then planned as a new job would be (0.5 × 1.05), not at 1.5 s.
        (0.05, 1, (0.0, 1.0, 0.5), 1.2, [1, 1]),
        # Explored at 0.5 s (too early) and 1.0 s (ready); with a window of 2 these teach the planner (t̂ 0.75 s),
        # and the first job's next poll comes then, its planned 0.8 s having passed, not a poll interval later.
        (0.8, 2, (0.0, 0.5, 0.5), 2.0, [1, 2]),
    ],
    ids=["waiting for its explored poll", "after an explored poll too early"],
)
async def test_a_job_planned_while_exploring_is_polled_as_planned_once_the_planner_has_learned(
    omo: FakeOmoCaptcha,
    client: httpx.AsyncClient,
    solve_delay: float,
    window: int,
    shares: tuple[float, ...],
    within: float,
    polls: list[int],
) -> None:
    omo.solve_delay = solve_delay
    planner = PollPlanner(1.0, window=window, rng=Scripted(*shares))
    solver = OmoCaptchaSolver(client, KEY, fast_options(poll_interval=2.0), planner)
    durations = await asyncio.gather(seconds_to_answer(solver), seconds_to_answer(solver))
    assert max(durations) < within
    assert sorted(len(job.polls) for job in omo.jobs.values()) == polls


async def test_the_key_never_leaks(
    omo: FakeOmoCaptcha, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    solver = make_solver(client, max_polls=2, create_retries=1)
    errors: list[SolverError] = []
    omo.create_error = f"Bad request api_token={KEY} data=..."  # a provider that echoes the request
    omo.create_faults.extend([Fault.http(500), Fault.http(500), Fault.drop()])
    omo.poll_faults.extend([Fault.html(), Fault.http(503)])
    for _ in range(3):
        with pytest.raises(SolverError) as caught:
            await solver.solve(IMAGE)
        errors.append(caught.value)
    omo.create_error = None
    with pytest.raises(ProviderUnavailable) as caught:
        await solver.solve(IMAGE)
    errors.append(caught.value)
    assert await solver.solve(IMAGE)

    assert [type(error) for error in errors] == [
        ProviderUnavailable,
        ProviderUnavailable,
        ProtocolError,
        ProviderUnavailable,
    ]
    assert "***" in str(errors[2])
    assert all(KEY not in str(error) for error in errors)
    assert re.search(r"OmoCaptcha job \d+: success after \d+ polls", caplog.text)  # one line per job
    assert KEY not in caplog.text


def test_options_come_from_settings_and_respect_the_ban_limit() -> None:
    settings = Settings(omocaptcha_poll_interval=1.5, omocaptcha_max_polls=7, omocaptcha_create_retries=0)
    options = OmoCaptchaOptions.from_settings(settings)
    assert (options.poll_interval, options.max_polls, options.create_retries) == (1.5, 7, 0)
    assert options.type_job_id == "43"
    with pytest.raises(ValueError, match="max_polls"):
        OmoCaptchaOptions(max_polls=21)


async def test_a_small_pictures_answer_comes_with_its_puzzle_measured_as_soon_as_the_provider_answers(
    omo: FakeOmoCaptcha, client: httpx.AsyncClient
) -> None:
    omo.answer, omo.solve_delay = "276", 0.05  # faster than a burst takes to reach the provider
    solving = asyncio.create_task(CroppingSolver(make_solver(client)).solve(sample_screenshot()))

    done, _ = await asyncio.wait([solving], timeout=MEASURE_AFTER)  # not held back until the measuring's time

    assert done, "the answer waited for MEASURE_AFTER"
    solution = solving.result()
    assert solution.offset == 276
    assert solution.puzzle_width is not None
    assert abs(solution.puzzle_width - 388) <= 4  # the sample's puzzle, not the whole screenshot (422 px)
