"""Every text exists in both languages, and every solver error has its explanation."""

from __future__ import annotations

import dataclasses

import pytest

from bot.services.solving import INTERNAL
from bot.solver import base
from bot.texts import EN, VI, pick_language


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(EN) if isinstance(getattr(EN, f.name), dict)])
def test_both_languages_have_the_same_entries(field: str) -> None:
    assert getattr(EN, field).keys() == getattr(VI, field).keys()


def test_every_solver_error_is_explained() -> None:
    codes = {
        error.code for error in vars(base).values() if isinstance(error, type) and issubclass(error, base.SolverError)
    }
    codes.discard(base.SolverError.code)
    assert codes | {INTERNAL} <= EN.solve_failed.keys()


@pytest.mark.parametrize(
    ("code", "language"), [("vi", "vi"), ("vi-VN", "vi"), ("VI", "vi"), ("en-GB", "en"), ("ru", "en"), (None, "vi")]
)
def test_the_senders_language_is_picked(code: str | None, language: str) -> None:
    assert pick_language(code, "vi") == language
