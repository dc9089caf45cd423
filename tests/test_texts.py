"""Every text exists in both languages, and every error code has its explanation."""

from __future__ import annotations

import dataclasses

import pytest

from bot.errors import ErrorCode
from bot.handlers.commands import COMMANDS
from bot.solver import base
from bot.texts import EN, VI, Texts, pick_language


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(EN) if isinstance(getattr(EN, f.name), dict)])
def test_both_languages_have_the_same_entries(field: str) -> None:
    assert getattr(EN, field).keys() == getattr(VI, field).keys()


@pytest.mark.parametrize("t", [EN, VI], ids=["en", "vi"])
def test_every_error_code_is_explained_and_its_text_can_be_filled_in(t: Texts) -> None:
    assert t.problems.keys() == set(ErrorCode)
    for text in t.problems.values():
        assert text.format(price=1, balance=0, ask_admin="", ask_access="", size_mb=25.0, limit=20, wait=30).strip()


@pytest.mark.parametrize("t", [EN, VI], ids=["en", "vi"])
def test_every_command_has_its_line_in_the_menu_and_nothing_else_has(t: Texts) -> None:
    assert t.commands.keys() == {command.name for command in COMMANDS}


def test_every_solver_error_has_a_code_of_its_own() -> None:
    errors = [error for error in vars(base).values() if isinstance(error, type) and issubclass(error, base.SolverError)]
    assert len({error.code for error in errors}) == len(errors)


@pytest.mark.parametrize(
    ("code", "language"), [("vi", "vi"), ("vi-VN", "vi"), ("VI", "vi"), ("en-GB", "en"), ("ru", "en"), (None, "vi")]
)
def test_the_senders_language_is_picked(code: str | None, language: str) -> None:
    assert pick_language(code, "vi") == language
