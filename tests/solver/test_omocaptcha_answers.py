"""Every answer shape OmoCaptcha has been seen to give, read without any I/O."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.solver.base import ImageRejected, InvalidApiKey, OutOfFunds, ProtocolError, SolverError
from bot.solver.omocaptcha.answers import (
    MAX_MESSAGE_CHARS,
    Failed,
    Pending,
    Ready,
    UnreadableAnswer,
    error_for_message,
    parse_balance,
    parse_created,
    parse_job_result,
)

SECRET = "omo-5ecret-key-0451"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"error": false, "status": "success", "result": "100"}', Ready(100, "100")),
        (b'{"success": true, "status": "success", "result": "50"}', Ready(50, "50")),
        (b'{"error": false, "status": "success", "result": 100}', Ready(100, "100")),
        (b'{"error": false, "status": "success", "result": 100.0}', Ready(100, "100.0")),
        (b'{"error": false, "status": "success", "result": 99.5}', Ready(100, "99.5")),
        (b'{"error": false, "status": "success", "result": " 99.4 "}', Ready(99, " 99.4 ")),
        (b'{"error": false, "status": "success", "result": {"x": "100"}}', Ready(100, '{"x":"100"}')),
        (b'{"error": false, "status": "success", "result": {"100": null}}', Ready(100, '{"100":null}')),
        (b'{"error": false, "status": "success", "result": ["100"]}', Ready(100, '["100"]')),
        (b'{"error": false, "status": "success", "result": [[276.0]]}', Ready(276, "[[276.0]]")),
        (b'{"error": false, "status": "success", "result": {"100"}}', Ready(100, '["100"]')),  # the Bytrade doc
        (b'{"error": false, "status": "success", "result": {100}}', Ready(100, "[100]")),
        (b'{"error": "false", "status": "SUCCESS", "result": "0"}', Ready(0, "0")),
        (b'{"error": false, "result": "7"}', Ready(7, "7")),
        (b'{"error": false, "status": "running"}', Pending("running")),
        (b'{"error": false, "status": "processing"}', Pending("processing")),
        (b'{"success": true, "status": "waiting"}', Pending("waiting")),
        (b'{"error": false, "status": "queued"}', Pending("queued")),
        (b'{"error": false, "status": null, "result": "12"}', Ready(12, "12")),
        (b'{"error": false, "status": "fail", "result": null}', Failed("fail")),
        (b'{"error": false, "status": "Failed"}', Failed("failed")),
    ],
)
def test_job_results(body: bytes, expected: object) -> None:
    assert parse_job_result(body, secret=SECRET) == expected


@pytest.mark.parametrize(
    "result",
    ['"abc"', '"-5"', "-1", "true", "null", "[]", '["1", "2"]', '{"a": "x"}', '"1e3"', "1e9", '"NaN"', '""'],
)
def test_a_result_that_is_no_offset_is_a_protocol_error(result: str) -> None:
    body = f'{{"error": false, "status": "success", "result": {result}}}'.encode()
    with pytest.raises(ProtocolError) as caught:
        parse_job_result(body, secret=SECRET)
    assert not isinstance(caught.value, UnreadableAnswer)  # a real answer: asking again will not change it


def test_success_without_a_result_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="without a result"):
        parse_job_result(b'{"error": false, "status": "success"}', secret=SECRET)


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        b'{"error": false, "sta',
        b"",
        b"\xff\xfe\x00garbage",
        b'["success", "100"]',
        b'{"error": false}',
        b'{"error": false, "status": "success", "result": {"100", "200"}}',
    ],
)
def test_bodies_that_are_no_answer_are_unreadable(body: bytes) -> None:
    with pytest.raises(UnreadableAnswer):
        parse_job_result(body, secret=SECRET)


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("Invalid api token.", InvalidApiKey),
        ("Wrong API key", InvalidApiKey),
        ("api_token is invalid", InvalidApiKey),
        ("Unauthorized", InvalidApiKey),
        ("Your balance is not enough to create a job.", OutOfFunds),
        ("Insufficient funds", OutOfFunds),
        ("Not enough money", OutOfFunds),
        ("Invalid image_base64.", ImageRejected),
        ("Image size too large", ImageRejected),
        ("Unsupported format", ImageRejected),
        ("Bad request api_token=xyz", ProtocolError),
        ("Invalid type_job_id.", ProtocolError),
        ("", ProtocolError),
    ],
)
def test_provider_messages_map_to_typed_errors(message: str, error: type[SolverError]) -> None:
    assert type(error_for_message(message, secret=SECRET)) is error
    with pytest.raises(error):
        parse_created(f'{{"error": true, "message": "{message}"}}'.encode(), secret=SECRET)
    with pytest.raises(error):
        parse_job_result(f'{{"success": false, "message": "{message}"}}'.encode(), secret=SECRET)


def test_provider_text_in_errors_is_scrubbed_and_capped() -> None:
    error = error_for_message(f"unknown request {{'api_token': '{SECRET}'}} " + "x" * 500, secret=SECRET)
    assert SECRET not in str(error)
    assert "***" in str(error)
    assert len(str(error)) <= MAX_MESSAGE_CHARS + len("OmoCaptcha: ")


@pytest.mark.parametrize(
    ("body", "job_id"),
    [
        (b'{"error": false, "job_id": 123456, "message": "Create job success."}', 123456),
        (b'{"success": true, "job_id": 123456.0}', 123456),
        (b'{"error": false, "job_id": "abc-77"}', "abc-77"),
    ],
)
def test_created_jobs_keep_the_id_as_sent(body: bytes, job_id: int | str) -> None:
    assert parse_created(body, secret=SECRET) == job_id


@pytest.mark.parametrize(
    "body", [b'{"error": false}', b'{"error": false, "job_id": true}', b'{"error": false, "job_id": -3}']
)
def test_a_created_job_without_a_usable_id_is_a_protocol_error(body: bytes) -> None:
    with pytest.raises(ProtocolError, match="job_id"):
        parse_created(body, secret=SECRET)


@pytest.mark.parametrize(
    ("body", "balance"),
    [
        (b'{"error": false, "balance": "12.34500", "message": "Get balance success."}', Decimal("12.345")),
        (b'{"success": true, "balance": 0.1}', Decimal("0.1")),
        (b'{"error": false, "balance": 3}', Decimal(3)),
    ],
)
def test_balances(body: bytes, balance: Decimal) -> None:
    assert parse_balance(body, secret=SECRET) == balance


def test_balance_errors() -> None:
    with pytest.raises(InvalidApiKey):
        parse_balance(b'{"error": true, "message": "Invalid api token."}', secret=SECRET)
    with pytest.raises(ProtocolError, match="no usable balance"):
        parse_balance(b'{"error": false, "balance": "lots"}', secret=SECRET)
