"""Every stable code for what can go wrong with a photo: stored with its request, and the key of the text the
member reads (`Texts.problems` has one per code in each language)."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # From the solvers (each SolverError names its code).
    SOLVER_ERROR = "solver_error"  # a solver failure without a more precise code
    INVALID_KEY = "invalid_key"
    OUT_OF_FUNDS = "out_of_funds"
    UNSOLVABLE = "unsolvable"
    UNAVAILABLE = "unavailable"
    TIMEOUT = "timeout"
    IMAGE_REJECTED = "image_rejected"
    PROTOCOL = "protocol"
    NO_PUZZLE = "no_puzzle"
    # From the bot, once tokens were reserved (refunded).
    INTERNAL = "internal"  # our own bug
    MAYBE_SUBMITTED = "maybe_submitted"  # the bot stopped while the paid job was being created: it may exist
    CHAT_GONE = "chat_gone"  # the chat refuses the bot (blocked, kicked): nobody to answer
    # Before anything is charged.
    NOT_ENOUGH_TOKENS = "not_enough_tokens"
    CHAT_NOT_ALLOWED = "chat_not_allowed"
    NOT_A_MEMBER = "not_a_member"  # MEMBERS_ONLY: a private chat of someone who is not on the team
    MEMBERSHIP_UNKNOWN = "membership_unknown"  # Telegram could not say whether they are, and nobody remembers
    TOO_MANY_PHOTOS = "too_many_photos"  # past MAX_PHOTOS_PER_MINUTE
    TOO_BIG = "too_big"
    DOWNLOAD_FAILED = "download_failed"
    EMPTY = "empty"
    NOT_AN_IMAGE = "not_an_image"
    CORRUPT = "corrupt"
    TOO_MANY_PIXELS = "too_many_pixels"
    TOO_SMALL = "too_small"
    UNSUPPORTED_FORMAT = "unsupported_format"
