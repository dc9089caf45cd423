"""The settings object: documented everywhere, and strict about bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, SolverMode, load_settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("document", [".env.example", "README.md"])
def test_every_setting_is_documented(document: str) -> None:
    text = (ROOT / document).read_text()
    missing = [name.upper() for name in Settings.model_fields if name.upper() not in text]
    assert missing == []


def test_lists_of_ids_are_comma_separated() -> None:
    settings = load_settings(_env_file=None, admin_user_ids="1, 22,333", allowed_chat_ids="")
    assert settings.admin_user_ids == frozenset({1, 22, 333})
    assert settings.allowed_chat_ids == frozenset()


@pytest.mark.parametrize(
    ("values", "members_only"),
    [({}, False), ({"allowed_chat_ids": "-100"}, True), ({"allowed_chat_ids": "-100", "members_only": "false"}, False)],
)
def test_private_chats_are_for_members_only_when_groups_are_listed_unless_told(
    values: dict[str, str], members_only: bool
) -> None:
    assert load_settings(_env_file=None, **values).serves_members_only is members_only


def test_the_solver_defaults_to_auto_only_with_a_key() -> None:
    assert load_settings(_env_file=None).solver_mode is SolverMode.LOCAL
    assert load_settings(_env_file=None, omocaptcha_api_key="k").solver_mode is SolverMode.AUTO


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"tokens_per_solve": "lots"}, "TOKENS_PER_SOLVE: Input should be a valid integer"),
        ({"default_language": "fr"}, "DEFAULT_LANGUAGE: Input should be 'vi' or 'en'"),
        ({"timezone": "Mars/Olympus"}, "TIMEZONE: unknown time zone 'Mars/Olympus'"),
        ({"solver": "omocaptcha"}, "SOLVER=omocaptcha needs OMOCAPTCHA_API_KEY"),
        ({"omocaptcha_max_polls": 50}, "OMOCAPTCHA_MAX_POLLS: Input should be less than or equal to 20"),
        (
            {"database_url": "postgresql+asyncpg://bot:pa55word@db/captcha"},
            "DATABASE_URL: postgresql+asyncpg is not supported; the bot keeps its data in SQLite",
        ),
        ({"database_url": "data/captcha-bot.sqlite3"}, "DATABASE_URL: not a database URL"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_setting(values: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None, **values)
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)
    assert "pa55word" not in str(error.value)
