"""Reading OmoCaptcha's answers: every shape seen in the wild, turned into values or typed errors.

Pure functions on response bodies, no I/O. The provider and its public clients disagree on details:
success is `"error": false` or `"success": true`; a result is "100", 100, 100.0, {"x": "100"}, {"100": ...}
or ["100"]; and the Bytrade documentation shows the invalid JSON `"result": {"100"}`, which we repair.
Provider messages go into our errors capped and with the API key scrubbed, never whole bodies.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bot.solver.base import ImageRejected, InvalidApiKey, OutOfFunds, ProtocolError, SolverError

MAX_MESSAGE_CHARS = 200
# No screenshot is this wide; a larger "offset" is a broken answer, not a drag distance.
MAX_OFFSET = 100_000

_KEY_WORDS = r"(?:api[\s_-]*)?(?:token|key)"
_INVALID_KEY = re.compile(
    rf"\b(?:invalid|wrong|incorrect|bad|unknown)\s+{_KEY_WORDS}\b"
    rf"|\b{_KEY_WORDS}\s+(?:is\s+)?(?:invalid|wrong|incorrect|expired)\b|unauthori[sz]ed",
    re.IGNORECASE,
)
_OUT_OF_FUNDS = re.compile(r"balance|insufficient|not enough|\bfunds?\b|\bmoney\b", re.IGNORECASE)
_IMAGE = re.compile(r"image|base64|format|size|too (large|big)", re.IGNORECASE)
# `{"100"}` as shown by the Bytrade page: braces around a single value, which JSON cannot hold.
_BRACED_VALUE = re.compile(r'\{\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)\s*\}')
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_FINAL_FAILURES = frozenset({"fail", "failed"})


class UnreadableAnswer(ProtocolError):
    """The body is not an answer at all (HTML, garbage): a poll may simply be asked again."""


@dataclass(frozen=True, slots=True)
class Ready:
    offset: int
    raw_answer: str


@dataclass(frozen=True, slots=True)
class Failed:
    status: str


@dataclass(frozen=True, slots=True)
class Pending:
    status: str


JobStatus = Ready | Failed | Pending


def parse_created(body: bytes, *, secret: str) -> int | str:
    """The job id of a createJob answer, as the provider wrote it (it wants it back the same way)."""
    answer = _load_answer(body, secret=secret)
    job_id = answer.get("job_id")
    if isinstance(job_id, str) and job_id.strip():
        return job_id.strip()
    number = None if isinstance(job_id, str) else _as_decimal(job_id)
    if number is not None and number >= 0 and number == number.to_integral_value():
        return int(number)
    raise ProtocolError("OmoCaptcha createJob answer has no usable job_id")


def parse_job_result(body: bytes, *, secret: str) -> JobStatus:
    answer = _load_answer(body, secret=secret)
    status = str(answer.get("status") or "").strip().lower()
    if status == "success" or (not status and "result" in answer):
        if "result" not in answer:
            raise ProtocolError("OmoCaptcha reported success without a result")
        result = answer["result"]
        return Ready(offset=_offset(result, secret=secret), raw_answer=_raw_text(result))
    if status in _FINAL_FAILURES:
        return Failed(status)
    if not status:
        raise UnreadableAnswer("OmoCaptcha job answer has neither a status nor a result")
    return Pending(status)


def parse_balance(body: bytes, *, secret: str) -> Decimal:
    balance = _load_answer(body, secret=secret).get("balance")
    amount = _as_decimal(balance)
    if amount is None:
        raise ProtocolError("OmoCaptcha balance answer has no usable balance")
    return amount


def _offset(result: object, *, secret: str) -> int:
    """The drag offset in a result of any known shape, rounded half up to whole pixels."""
    amount = _unwrap_number(result)
    if amount is None:
        raise ProtocolError(f"OmoCaptcha answer is not a number: {_cap(_scrub(_raw_text(result), secret))!r}")
    if not 0 <= amount <= MAX_OFFSET:
        raise ProtocolError(f"OmoCaptcha answer is out of range: {_cap(str(amount))}")
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def error_for_message(message: str, *, secret: str) -> SolverError:
    """The typed error for a provider's `"error": true` message."""
    text = f"OmoCaptcha: {_cap(_scrub(message, secret)) or 'error without a message'}"
    if _INVALID_KEY.search(message):
        return InvalidApiKey(text)
    if _OUT_OF_FUNDS.search(message):
        return OutOfFunds(text)
    if _IMAGE.search(message):
        return ImageRejected(text)
    return ProtocolError(text)


def _scrub(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text


def _load_answer(body: bytes, *, secret: str) -> dict[str, Any]:
    """The answer object, or the typed error it reports."""
    answer = _load_json(body)
    if not isinstance(answer, dict):
        raise UnreadableAnswer(f"OmoCaptcha answer is not a JSON object ({len(body)} bytes)")
    if _flag(answer.get("error")) is True or _flag(answer.get("success")) is False:
        raise error_for_message(str(answer.get("message") or ""), secret=secret)
    return answer


def _load_json(body: bytes) -> Any:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableAnswer(f"OmoCaptcha answer is not text ({len(body)} bytes)") from None
    try:
        return json.loads(text, parse_float=Decimal)
    except ValueError:
        pass
    repaired = _BRACED_VALUE.sub(r"[\1]", text)
    try:
        return json.loads(repaired, parse_float=Decimal)
    except ValueError:
        raise UnreadableAnswer(f"OmoCaptcha answer is not JSON ({len(body)} bytes)") from None


def _flag(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return None


def _unwrap_number(value: object) -> Decimal | None:
    if isinstance(value, list) and len(value) == 1:
        return _unwrap_number(value[0])
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        found = _unwrap_number(inner)
        return found if found is not None else _as_decimal(key)
    return _as_decimal(value)


def _as_decimal(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        amount = Decimal(value.strip())
    else:
        return None
    return amount if amount.is_finite() else None


def _raw_text(result: object) -> str:
    if isinstance(result, str | int | Decimal):
        return str(result)
    return json.dumps(result, default=float, ensure_ascii=False, separators=(",", ":"))


def _cap(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"
