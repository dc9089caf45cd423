"""A fake OmoCaptcha speaking the legacy API over real HTTP on 127.0.0.1, with knobs for every odd answer.

    async with FakeOmoCaptcha() as fake:
        fake.solve_delay = 0.1
        client = open_omocaptcha_client(fake.base_url, timeout=5)

Tests and benchmarks set the public attributes directly and read what the fake saw (`jobs`, the request
counters). Readiness is computed from timestamps, so hundreds of concurrent jobs cost no background tasks.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import itertools
import json
import socket
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from types import TracebackType
from typing import Any, Literal

from aiohttp import web

JSONDict = dict[str, Any]
ResultShape = Literal["string", "int", "float", "object", "object_key", "list", "bytrade"]
FaultKind = Literal["status", "html", "invalid_json", "slow", "drop"]

INVALID_KEY_MESSAGE = "Invalid api token."
OUT_OF_FUNDS_MESSAGE = "Your balance is not enough to create a job."
INVALID_IMAGE_MESSAGE = "Invalid image_base64."
TYPE_JOB_ID = "43"
_HTML_PAGE = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
_FIRST_JOB_ID = 123456


@dataclass(frozen=True, slots=True)
class Fault:
    """What goes wrong with one request; build one with the class methods."""

    kind: FaultKind
    status: int = 200
    seconds: float = 0.0

    @classmethod
    def http(cls, status: int) -> Fault:
        """Answered with this status and a text body before reaching the API: no job is created."""
        return cls("status", status=status)

    @classmethod
    def html(cls) -> Fault:
        """HTTP 200 with an HTML page (a proxy's error page): no job is created."""
        return cls("html")

    @classmethod
    def invalid_json(cls) -> Fault:
        """HTTP 200 with a truncated JSON body: no job is created."""
        return cls("invalid_json")

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Handled as usual (a createJob IS created and paid), answered only after `seconds`."""
        return cls("slow", seconds=seconds)

    @classmethod
    def drop(cls) -> Fault:
        """Handled as usual (a createJob IS created and paid), then the connection is closed unanswered."""
        return cls("drop")


@dataclass(slots=True)
class FakeJob:
    """One paid job. Times are `time.monotonic()`; the `_wall` twins are `time.time()` for other processes."""

    job_id: int
    image: bytes
    answer: str
    outcome: Literal["success", "fail"]
    created_at: float
    created_wall: float
    ready_at: float  # created_at + solve_delay; inf when the job never finishes
    ready_wall: float
    polls: list[float] = field(default_factory=list)  # monotonic time of every getJobResult naming this job
    final_status: str | None = None  # "success" or "fail" once a poll has reported it
    delivered_at: float | None = None  # monotonic time of that poll
    delivered_wall: float | None = None


class FakeOmoCaptcha:
    def __init__(self) -> None:
        self.api_keys: set[str] = {"test-key"}
        """Keys that work; any other gets `{"error": true, "message": "Invalid api token."}`."""
        self.balance: Decimal = Decimal("12.34500")
        """What getBalance reports (always with five decimals, as the provider writes it)."""
        self.out_of_funds = False
        """createJob fails with a balance message and creates nothing."""
        self.create_error: str | None = None
        """createJob fails with this message and creates nothing (any provider error you like)."""
        self.solve_delay = 0.05
        """Seconds from creation until a job is ready; `math.inf` for a job that never finishes."""
        self.answer: str | Callable[[bytes], str] = "100"
        """The result, or a function of the image bytes giving it. Numeric shapes need a numeric answer."""
        self.fail_next = 0
        """The next N jobs end with status "fail" instead of an answer."""
        self.fail_all = False
        """Every job ends with status "fail"."""
        self.flag_style: Literal["error", "success"] = "error"
        """Signal success as `"error": false` or, like some public clients expect, `"success": true`."""
        self.pending_status = "running"
        """The status word of an unfinished job: "running", "processing", "waiting", ..."""
        self.result_shape: ResultShape = "string"
        """How the result is written: "100", 100, 100.0, {"x": "100"}, {"100": null}, ["100"], or the
        Bytrade documentation's invalid JSON `"result": {"100"}`."""
        self.create_faults: deque[Fault] = deque()
        """Faults for the next createJob requests, one each, in order."""
        self.poll_faults: deque[Fault] = deque()
        """Faults for the next getJobResult requests, one each, in order."""
        self.balance_faults: deque[Fault] = deque()
        """Faults for the next getBalance requests, one each, in order."""
        self.on_job_created: Callable[[FakeJob], None] | None = None
        """Called the moment a paid job exists, before createJob is answered (say, to kill the bot then)."""
        self.on_result: Callable[[FakeJob], None] | None = None
        """Called when a poll first reports a job's final status, before that poll is answered."""

        self.jobs: dict[int, FakeJob] = {}
        """Every paid job by id."""
        self.create_requests = 0
        """createJob requests received, faulted ones included."""
        self.poll_requests = 0
        """getJobResult requests received, faulted ones included."""
        self.balance_requests = 0
        """getBalance requests received, faulted ones included."""

        self._job_ids = itertools.count(_FIRST_JOB_ID)
        self._runner: web.AppRunner | None = None
        self._port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/api"

    @property
    def jobs_created(self) -> int:
        """Paid jobs: the number that costs the team money."""
        return len(self.jobs)

    def polls_of(self, job_id: int | str) -> int:
        return len(self.jobs[int(job_id)].polls)

    async def __aenter__(self) -> FakeOmoCaptcha:
        app = web.Application()
        app.router.add_post("/api/createJob", self._create_job)
        app.router.add_post("/api/getJobResult", self._get_job_result)
        app.router.add_post("/api/getBalance", self._get_balance)
        # No access log and a short shutdown: slow faults must not hold a test up.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        # A deep backlog so hundreds of simultaneous connects are not dropped and retried a second later.
        await web.SockSite(self._runner, sock, backlog=1024).start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _create_job(self, request: web.Request) -> web.StreamResponse:
        self.create_requests += 1
        payload = await _read_json(request)
        return await self._serve(request, self.create_faults, lambda: self._answer_create_job(payload))

    async def _get_job_result(self, request: web.Request) -> web.StreamResponse:
        self.poll_requests += 1
        payload = await _read_json(request)
        job = self._job_named(payload.get("job_id"))
        if job is not None:
            # Faulted polls count too: the provider's polling limit sees every request.
            job.polls.append(time.monotonic())
        return await self._serve(request, self.poll_faults, lambda: self._answer_job_result(payload, job))

    async def _get_balance(self, request: web.Request) -> web.StreamResponse:
        self.balance_requests += 1
        payload = await _read_json(request)
        return await self._serve(request, self.balance_faults, lambda: self._answer_balance(payload))

    async def _serve(self, request: web.Request, faults: deque[Fault], answer: Callable[[], str]) -> web.StreamResponse:
        fault = faults.popleft() if faults else None
        if fault is None:
            return _json_response(answer())
        if fault.kind == "status":
            return web.Response(status=fault.status, text=f"HTTP {fault.status}")
        if fault.kind == "html":
            return web.Response(text=_HTML_PAGE, content_type="text/html")
        if fault.kind == "invalid_json":
            return _json_response('{"error": false, "sta')
        body = answer()  # a slow or dropped request is handled first: its createJob is paid
        if fault.kind == "slow":
            await asyncio.sleep(fault.seconds)
        elif fault.kind == "drop" and request.transport is not None:
            request.transport.abort()
        return _json_response(body)

    def _answer_create_job(self, payload: JSONDict) -> str:
        data = payload.get("data")
        if payload.get("api_token") not in self.api_keys:
            return self._error(INVALID_KEY_MESSAGE)
        if self.out_of_funds:
            return self._error(OUT_OF_FUNDS_MESSAGE)
        if self.create_error is not None:
            return self._error(self.create_error)
        if not isinstance(data, dict) or data.get("type_job_id") != TYPE_JOB_ID:
            return self._error("Invalid type_job_id.")
        try:
            image = base64.b64decode(str(data.get("image_base64", "")), validate=True)
        except binascii.Error:
            image = b""
        if not image:
            return self._error(INVALID_IMAGE_MESSAGE)
        job = self._new_job(image)
        if self.on_job_created is not None:
            self.on_job_created(job)
        return self._ok({"job_id": job.job_id, "message": "Create job success."})

    def _answer_job_result(self, payload: JSONDict, job: FakeJob | None) -> str:
        if payload.get("api_token") not in self.api_keys:
            return self._error(INVALID_KEY_MESSAGE)
        if job is None:
            return self._error("Job not found.")
        now = time.monotonic()
        if now < job.ready_at:
            return self._ok({"status": self.pending_status})
        if job.final_status is None:
            job.final_status, job.delivered_at, job.delivered_wall = job.outcome, now, time.time()
            if self.on_result is not None:
                self.on_result(job)
        if job.outcome == "fail":
            return self._ok({"status": "fail", "message": "Job failed."})
        if self.result_shape == "bytrade":
            # Written by hand: this is the documentation's body, which is not valid JSON.
            flag = '"error": false' if self.flag_style == "error" else '"success": true'
            return f'{{{flag}, "status": "success", "result": {{"{job.answer}"}}}}'
        return self._ok({"status": "success", "result": _shape(job.answer, self.result_shape)})

    def _answer_balance(self, payload: JSONDict) -> str:
        if payload.get("api_token") not in self.api_keys:
            return self._error(INVALID_KEY_MESSAGE)
        return self._ok({"balance": f"{self.balance:.5f}", "message": "Get balance success."})

    def _new_job(self, image: bytes) -> FakeJob:
        failing = self.fail_all or self.fail_next > 0
        self.fail_next = max(0, self.fail_next - 1)
        now, wall = time.monotonic(), time.time()
        job = FakeJob(
            job_id=next(self._job_ids),
            image=image,
            answer=self.answer(image) if callable(self.answer) else self.answer,
            outcome="fail" if failing else "success",
            created_at=now,
            created_wall=wall,
            ready_at=now + self.solve_delay,
            ready_wall=wall + self.solve_delay,
        )
        self.jobs[job.job_id] = job
        return job

    def _job_named(self, job_id: object) -> FakeJob | None:
        try:
            return self.jobs.get(int(str(job_id)))
        except ValueError:
            return None

    def _ok(self, fields: JSONDict) -> str:
        flag = {"error": False} if self.flag_style == "error" else {"success": True}
        return json.dumps(flag | fields)

    def _error(self, message: str) -> str:
        flag = {"error": True} if self.flag_style == "error" else {"success": False}
        return json.dumps(flag | {"message": message})


async def _read_json(request: web.Request) -> JSONDict:
    try:
        payload = json.loads(await request.read())
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def _json_response(body: str) -> web.Response:
    return web.Response(text=body, content_type="application/json")


def _shape(answer: str, shape: ResultShape) -> object:
    if shape == "int":
        return int(answer)
    if shape == "float":
        return float(answer)
    if shape == "object":
        return {"x": answer}
    if shape == "object_key":
        return {answer: None}
    if shape == "list":
        return [answer]
    return answer
