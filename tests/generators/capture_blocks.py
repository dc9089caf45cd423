"""Pieces of the exchange's web pages behind the captcha, for phone and desktop layouts alike.

Each block draws itself in a column (CSS pixels: left edge, top, width) and returns the height it took.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from tests.generators.capture_draw import TICKERS, Pen, Theme, fitting_words, photo, price, vivid, words

Block = Callable[[random.Random, Pen, Theme, float, float, float, bool], float]

_GREEN, _RED = (14, 203, 129), (246, 70, 93)


def heading(rng: random.Random, pen: Pen, theme: Theme, x: float, y: float, width: float, vi: bool) -> float:
    size = rng.uniform(19, 28)
    lines = rng.choice((1, 1, 2))
    for line in range(lines):
        text = fitting_words(rng, pen, size, width * rng.uniform(0.5, 1), vi, bold=True)
        pen.text(x, y + line * size * 1.3, text, size, theme.text, bold=True)
    return lines * size * 1.3 + rng.uniform(8, 16)


def paragraph(rng: random.Random, pen: Pen, theme: Theme, x: float, y: float, width: float, vi: bool) -> float:
    size = rng.uniform(12.5, 15.5)
    leading = size * rng.uniform(1.4, 1.65)
    lines = rng.randint(2, 5)
    for line in range(lines):
        share = rng.uniform(0.85, 1) if line < lines - 1 else rng.uniform(0.2, 0.9)
        pen.text(x, y + line * leading, fitting_words(rng, pen, size, width * share, vi), size, theme.muted)
    return lines * leading + rng.uniform(10, 18)


def field(rng: random.Random, pen: Pen, theme: Theme, x: float, y: float, width: float, vi: bool) -> float:
    label_height = 0.0
    if rng.random() < 0.6:
        pen.text(x, y, words(rng, rng.randint(1, 3), vi), 13, theme.text)
        label_height = 22
    height = rng.uniform(42, 52)
    fill = theme.surface if rng.random() < 0.5 else theme.page
    pen.box(x, y + label_height, width, height, fill, rng.uniform(4, 10), outline=theme.border)
    middle = y + label_height + height / 2
    pen.text(x + 14, middle, words(rng, rng.randint(1, 3), vi), 14, theme.muted, anchor="lm")
    if rng.random() < 0.4:
        pen.text(x + width - 14, middle, "Send code" if not vi else "Gửi mã", 13, theme.accent, anchor="rm")
    return label_height + height + rng.uniform(12, 20)


def button(rng: random.Random, pen: Pen, theme: Theme, x: float, y: float, width: float, vi: bool) -> float:
    height = rng.uniform(42, 52)
    wide = width if rng.random() < 0.7 else width * rng.uniform(0.4, 0.6)
    pen.box(x, y, wide, height, theme.accent, rng.choice((4.0, 8.0, height / 2)))
    ink = (20, 20, 20) if sum(theme.accent) > 480 else (255, 255, 255)
    label = rng.choice(("Log in", "Sign up", "Continue", "Đăng nhập", "Tiếp tục", "Trade now"))
    pen.text(x + wide / 2, y + height / 2, label, 15, ink, bold=True, anchor="mm")
    return height + rng.uniform(14, 24)


def banner(rng: random.Random, pen: Pen, theme: Theme, x: float, y: float, width: float, vi: bool) -> float:
    height = width * rng.uniform(0.3, 0.5)
    pen.picture(x, y, width, height, photo(rng, theme.dark), rng.uniform(0, 14))
    if rng.random() < 0.7:
        size = rng.uniform(16, 24)
        pen.text(x + 16, y + height * 0.3, words(rng, 3, vi), size, (255, 255, 255), bold=True)
        pen.text(x + 16, y + height * 0.3 + size * 1.5, words(rng, 4, vi), size * 0.6, (240, 240, 240))
    return height + rng.uniform(14, 24)


def tickers(rng: random.Random, pen: Pen, theme: Theme, x: float, y: float, width: float, vi: bool) -> float:
    row = rng.uniform(46, 60)
    top = y
    if rng.random() < 0.6:
        pen.text(x, y, "Name", 12, theme.muted)
        if width > 300:
            pen.text(x + width * 0.45, y, "Last price", 12, theme.muted)
        pen.text(x + width, y, "24h chg", 12, theme.muted, anchor="ra")
        y += 24
    for _ in range(rng.randint(3, 7)):
        middle = y + row / 2
        pen.ellipse(x, middle - 12, 24, 24, vivid(rng, theme.dark))
        width_of_name = pen.text(x + 32, middle, rng.choice(TICKERS), 15, theme.text, bold=True, anchor="lm")
        pen.text(x + 34 + width_of_name, middle, "/USDT", 12, theme.muted, anchor="lm")
        if width > 300:
            pen.text(x + width * 0.45, middle, price(rng), 15, theme.text, anchor="lm")
        change = rng.uniform(-9, 12)
        pen.box(x + width - 78, middle - 15, 78, 30, _GREEN if change >= 0 else _RED, 4)
        pen.text(x + width - 39, middle, f"{change:+.2f}%", 13, (255, 255, 255), bold=True, anchor="mm")
        y += row
    return y - top + rng.uniform(8, 16)


def tiles(rng: random.Random, pen: Pen, theme: Theme, x: float, y: float, width: float, vi: bool) -> float:
    columns = rng.choice((4, 5))
    size = min(44.0, width / columns - 20)
    rows = rng.choice((1, 2))
    for row in range(rows):
        for column in range(columns):
            cx = x + (column + 0.5) * width / columns
            top = y + row * (size + 34)
            colour = vivid(rng, theme.dark) if rng.random() < 0.5 else theme.surface
            pen.box(cx - size / 2, top, size, size, colour, size * rng.choice((0.25, 0.5)))
            pen.text(cx, top + size + 8, words(rng, 1, vi), 11.5, theme.text, anchor="ma")
    return rows * (size + 34) + rng.uniform(10, 20)


def tabs(rng: random.Random, pen: Pen, theme: Theme, x: float, y: float, width: float, vi: bool) -> float:
    left = x
    chosen = rng.randint(0, 2)
    for index in range(rng.randint(3, 5)):
        label = words(rng, 1, vi)
        colour = theme.text if index == chosen else theme.muted
        spent = pen.text(left, y, label, 15, colour, bold=index == chosen)
        if index == chosen:
            pen.box(left, y + 24, spent, 2.5, theme.accent)
        left += spent + rng.uniform(18, 28)
        if left > x + width - 40:
            break
    pen.box(x, y + 27, width, 1, theme.border)
    return 27 + rng.uniform(14, 22)


def checkbox(rng: random.Random, pen: Pen, theme: Theme, x: float, y: float, width: float, vi: bool) -> float:
    pen.box(x, y, 16, 16, theme.page, 3, outline=theme.muted)
    pen.text(x + 26, y + 8, words(rng, rng.randint(4, 7), vi), 13, theme.muted, anchor="lm")
    return 16 + rng.uniform(14, 22)


BLOCKS: tuple[Block, ...] = (
    heading,
    paragraph,
    paragraph,
    field,
    field,
    button,
    banner,
    tickers,
    tiles,
    tabs,
    checkbox,
)


def stack(
    rng: random.Random, pen: Pen, theme: Theme, column: tuple[float, float, float], bottom: float, vi: bool
) -> float:
    """Fills the column with random blocks down to `bottom`; returns where the last one ended."""
    x, y, width = column
    while y < bottom:
        y += rng.choice(BLOCKS)(rng, pen, theme, x, y, width, vi)
    return y
