"""The one settings object. Nothing else in the project reads the environment."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/captcha-bot.sqlite3"

IdList = Annotated[frozenset[int], NoDecode]


class SolverMode(StrEnum):
    LOCAL = "local"
    OMOCAPTCHA = "omocaptcha"
    AUTO = "auto"


class AnswerImage(StrEnum):
    """Where an answer comes as the annotated screenshot rather than text."""

    PRIVATE = "private"  # in private chats; in groups a picture per answer would crowd the chat
    ALWAYS = "always"
    NEVER = "never"


class RefundPolicy(StrEnum):
    """Which answers a ❌ refunds: none, those of the paid API, or every charged one."""

    NEVER = "never"
    PAID = "paid"
    ALWAYS = "always"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        arbitrary_types_allowed=True, env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    # Telegram
    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    # Telegram's flood limits (its Bot FAQ); bot/services/flood.py keeps under them.
    telegram_max_messages_per_second: float = Field(30.0, gt=0)
    telegram_max_messages_per_chat_per_second: float = Field(1.0, gt=0)
    telegram_max_group_messages_per_minute: int = Field(20, ge=1)
    proxy_url: SecretStr | None = None  # for Telegram and OmoCaptcha alike; it may hold a password

    # Storage
    database_url: str = DEFAULT_DATABASE_URL

    # Team and access
    admin_user_ids: IdList = frozenset()
    allowed_chat_ids: IdList = frozenset()
    members_only: bool | None = None  # private chats for members only; None: when ALLOWED_CHAT_IDS is set
    membership_cache_seconds: float = Field(300.0, gt=0)
    default_language: Literal["vi", "en"] = "vi"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    timezone: ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")  # where "today" begins in /usage and /stats

    # Prices and balances
    tokens_per_solve: int = Field(1, ge=0)
    tokens_per_local_solve: int = Field(0, ge=0)
    initial_tokens: int = Field(0, ge=0)
    provider_low_balance: Decimal = Field(Decimal("1.0"), ge=0)
    provider_balance_check_seconds: float = Field(300.0, gt=0)

    # ✅/❌ reports on answers
    report_window_minutes: float = Field(30.0, gt=0)  # how long after its answer a request can be reported
    refund_wrong: RefundPolicy = RefundPolicy.PAID
    refund_wrong_per_day: int = Field(5, ge=0)  # refunds for ❌ per member per day (in TIMEZONE)

    # Solving
    solver: SolverMode | None = None  # None: auto with an OmoCaptcha key, local without
    max_concurrent_jobs: int = Field(200, ge=1)
    max_jobs_per_user: int = Field(5, ge=1)
    max_photos_per_minute: int = Field(20, ge=1)
    local_min_confidence: float = Field(0.9, ge=0, le=1)
    answer_image: AnswerImage = AnswerImage.PRIVATE
    puzzle_width: int | None = Field(None, gt=0, le=4000)  # CSS px at which the captcha shows; None: picture px

    # OmoCaptcha
    omocaptcha_api_key: SecretStr | None = None
    omocaptcha_base_url: str = "https://omocaptcha.com/api"
    omocaptcha_type_job_id: str = "43"
    omocaptcha_first_poll_delay: float = Field(3.0, gt=0)
    omocaptcha_poll_interval: float = Field(2.0, gt=0)
    omocaptcha_max_polls: int = Field(20, ge=1, le=20)
    omocaptcha_deadline: float = Field(120.0, gt=0)
    omocaptcha_create_retries: int = Field(3, ge=0)
    omocaptcha_request_timeout: float = Field(15.0, gt=0)

    @field_validator("admin_user_ids", "allowed_chat_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @field_validator("database_url")
    @classmethod
    def _sqlite(cls, value: str) -> str:
        # bot/db/ writes with SQLite's upserts and takes SQLite's write lock; another database would fail at the
        # first photo instead of here. The URL is not echoed: another database's may hold a password.
        try:
            driver = make_url(value).drivername
        except ArgumentError:
            raise ValueError("not a database URL (sqlite+aiosqlite:///data/captcha-bot.sqlite3, say)") from None
        if driver != "sqlite+aiosqlite":
            raise ValueError(f"{driver} is not supported; the bot keeps its data in SQLite (sqlite+aiosqlite:///…)")
        return value

    @field_validator("timezone", mode="before")
    @classmethod
    def _zone(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return ZoneInfo(value.strip())
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {value!r} (use an IANA name like Asia/Ho_Chi_Minh)") from None
        return value

    @field_validator("answer_image", mode="before")
    @classmethod
    def _answer_image(cls, value: Any) -> Any:
        """true/false, as the setting was a switch before it had three values."""
        if isinstance(value, str):
            value = value.strip().lower()
            return {"true": AnswerImage.ALWAYS, "false": AnswerImage.NEVER}.get(value, value)
        if isinstance(value, bool):
            return AnswerImage.ALWAYS if value else AnswerImage.NEVER
        return value

    @field_validator("default_language", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("telegram_bot_token", "omocaptcha_api_key", "proxy_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _solver_needs_key(self) -> Settings:
        if self.solver in (SolverMode.OMOCAPTCHA, SolverMode.AUTO) and self.omocaptcha_api_key is None:
            raise ValueError(f"SOLVER={self.solver.value} needs OMOCAPTCHA_API_KEY")
        return self

    @property
    def solver_mode(self) -> SolverMode:
        if self.solver is not None:
            return self.solver
        return SolverMode.AUTO if self.omocaptcha_api_key else SolverMode.LOCAL

    @property
    def serves_members_only(self) -> bool:
        return self.members_only if self.members_only is not None else bool(self.allowed_chat_ids)

    @property
    def proxy(self) -> str | None:
        return self.proxy_url.get_secret_value() if self.proxy_url else None

    def sqlite_path(self) -> Path | None:
        """The database file, unless the database is in memory."""
        path = make_url(self.database_url).database
        return None if path in (None, "", ":memory:") else Path(path)


class SettingsError(Exception):
    """A setting is missing or invalid; the message names it in one line."""


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        message = error["msg"].removeprefix("Value error, ")
        name = ".".join(str(part) for part in error["loc"]).upper()
        raise SettingsError(f"{name}: {message}" if name else message) from None
