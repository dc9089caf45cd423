"""A phone's portrait screenshot of the captcha: status bar, browser or app bars, the exchange's page dimmed by the
modal's overlay, and the verification card on top, all at the phone's own resolution."""

from __future__ import annotations

import random

from PIL import Image

from tests.generators.capture_blocks import stack
from tests.generators.capture_card import Shot, draw_card, plan_card
from tests.generators.capture_draw import URLS, Colour, Pen, Theme, dim, grey, random_theme

# CSS width, CSS height, pixel ratio of common phones: 1080×2400, 1170×2532, 1290×2796, 750×1334, 1440×3200, …
_PHONES = (
    (360, 800, 3.0),
    (360, 780, 3.0),
    (384, 854, 2.8125),
    (393, 873, 2.75),
    (412, 915, 2.625),
    (390, 844, 3.0),
    (393, 852, 3.0),
    (430, 932, 3.0),
    (428, 926, 3.0),
    (375, 812, 3.0),
    (375, 667, 2.0),
    (414, 896, 2.0),
    (412, 892, 3.5),
    (411, 914, 3.5),
)
_NAV_LABELS = ("Home", "Markets", "Trade", "Futures", "Assets", "Trang chủ", "Thị trường", "Ví")


def phone_shot(rng: random.Random, bitmap: Image.Image, dark: bool) -> Shot:
    css_width, css_height, dpr = _phone(rng)
    width = round(css_width * dpr)
    height = round(css_height * dpr)
    dpr = width / css_width  # exact, so that CSS positions land where the device pixels say
    css_height = height / dpr
    theme = random_theme(rng, dark)
    ios = rng.random() < 0.45
    browser = rng.choice(("safari", "safari", "chrome", "app") if ios else ("chrome", "chrome", "samsung", "app"))
    ui: Colour = grey(rng.choice((18, 28, 32)), rng, 2) if dark else grey(rng.choice((255, 255, 248, 241)), rng, 2)
    if not dark and rng.random() < 0.15:
        ui = theme.accent  # sites may colour the browser's bars with their brand
    status = (20.0 if css_height / css_width < 1.9 else rng.uniform(44, 54)) if ios else rng.uniform(24, 32)
    top_bar = 0.0 if browser == "safari" else rng.uniform(50, 58)
    home = 34.0 if ios and css_height / css_width >= 1.9 else 0.0
    if browser == "safari":
        bottom = rng.uniform(48, 56) + home
    elif ios:
        bottom = home
    else:
        bottom = rng.choice((48.0, rng.uniform(16, 24)))

    screen = Image.new("RGB", (width, height), ui)
    pen = Pen.on(screen, dpr)
    viewport = (status + top_bar, css_height - bottom)
    page = Image.new("RGB", (width, pen.device(viewport[1]) - pen.device(viewport[0])), theme.page)
    _page(rng, Pen.on(page, dpr), theme, css_width, page.height / dpr, rng.random() < 0.5)
    overlay = rng.uniform(0.35, 0.65)
    screen.paste(dim(page, overlay), (0, pen.device(viewport[0])))

    ink = _ink(ui)
    _status_bar(rng, pen, ui, ink, css_width, status, ios)
    if top_bar:
        _address_bar(rng, pen, ui, ink, (status, css_width, top_bar), browser)
    if bottom:
        _bottom_bars(rng, pen, ui, ink, (css_height - bottom, css_width, bottom), browser, home, ios)

    margin = rng.uniform(8, 24)
    css_puzzle = rng.uniform(260, min(360, css_width - 2 * margin - 48))
    card = plan_card(rng, bitmap, css_puzzle, dpr)
    top, room = pen.device(viewport[0]), pen.device(viewport[1] - viewport[0]) - card.height
    x = (width - card.width) // 2 + rng.randint(-2, 2)
    y = top + round(max(0, room) * rng.triangular(0.05, 0.95, 0.45))
    placed = draw_card(screen, dpr, theme, card, bitmap, (x, y))
    details: dict[str, float | str] = {
        "device": "phone",
        "os": "ios" if ios else "android",
        "browser": browser,
        "theme": "dark" if dark else "light",
        "dpr": dpr,
        "css_width": css_width,
        "css_height": css_height,
        "overlay": overlay,
        "puzzle_css_width": css_puzzle,
        "display_resample": card.resample,
    }
    return Shot(screen, dpr, placed, details)


def _phone(rng: random.Random) -> tuple[int, float, float]:
    if rng.random() < 0.7:
        return rng.choice(_PHONES)
    css_width, dpr = rng.randint(360, 430), rng.uniform(2, 3.5)
    return css_width, css_width * rng.uniform(1.8, 2.3), dpr


def _ink(background: Colour) -> Colour:
    return (20, 20, 22) if sum(background) > 380 else (240, 240, 242)


def _page(rng: random.Random, pen: Pen, theme: Theme, width: float, bottom: float, vi: bool) -> None:
    """The page in the browser's viewport, on an image of its own so that nothing spills over the bars."""
    margin = rng.uniform(14, 24)
    header = rng.uniform(50, 60)
    if rng.random() < 0.3:
        pen.box(0, 0, width, header, theme.surface)
    pen.ellipse(margin, header / 2 - 12, 24, 24, theme.accent)
    brand = rng.choice(("Bytrade", "BYTRADE", "ByTrade"))
    pen.text(margin + 32, header / 2, brand, 19, theme.text, bold=True, anchor="lm")
    for line in range(3):
        pen.box(width - margin - 22, header / 2 - 7 + line * 6, 22, 2.2, theme.text)
    if rng.random() < 0.5:
        pen.box(width - margin - 110, header / 2 - 15, 76, 30, theme.accent, 15)
        pen.text(width - margin - 72, header / 2, "Log in", 13, _ink(theme.accent), bold=True, anchor="mm")
    nav = rng.uniform(56, 64) if rng.random() < 0.4 else 0.0
    stack(rng, pen, theme, (margin, header + rng.uniform(8, 24), width - 2 * margin), bottom - nav, vi)
    if nav:
        pen.box(0, bottom - nav, width, nav, theme.surface if rng.random() < 0.5 else theme.page)
        pen.box(0, bottom - nav, width, 1, theme.border)
        chosen = rng.randrange(5)
        for index in range(5):
            cx = width * (index + 0.5) / 5
            colour = theme.accent if index == chosen else theme.muted
            pen.box(cx - 11, bottom - nav + 9, 22, 22, colour, rng.choice((4, 11)))
            pen.text(cx, bottom - nav + 37, rng.choice(_NAV_LABELS), 10.5, colour, anchor="ma")


def _status_bar(rng: random.Random, pen: Pen, ui: Colour, ink: Colour, width: float, height: float, ios: bool) -> None:
    pen.box(0, 0, width, height, ui)
    middle = height / 2 + (3 if ios and height > 30 else 0)
    clock = f"{rng.randint(0, 23) if not ios else rng.randint(1, 12)}:{rng.randint(0, 59):02d}"
    pen.text(28 if ios else 16, middle, clock, 15 if ios else 13, ink, bold=ios, anchor="lm")
    if not ios:
        for index in range(rng.randint(0, 4)):  # notification icons
            pen.box(58 + index * 18, middle - 6, 12, 12, ink, rng.choice((2, 6)))
    right = width - (24 if ios else 12)
    pen.box(right - 25, middle - 6, 25, 12, None, 3, outline=ink, line=1)
    pen.box(right - 23, middle - 4, 21 * rng.uniform(0.2, 1), 8, ink, 2)
    for bar in range(4):  # signal
        bar_height = 3 + bar * 2.6
        pen.box(right - 60 + bar * 5, middle + 5 - bar_height, 3.2, bar_height, ink, 1)
    pen.ellipse(right - 40, middle - 5, 11, 10, ink)  # wifi, roughly
    if not ios and rng.random() < 0.6:
        pen.text(right - 66, middle, f"{rng.randint(5, 100)}%", 12, ink, anchor="rm")


def _address_bar(
    rng: random.Random, pen: Pen, ui: Colour, ink: Colour, where: tuple[float, float, float], browser: str
) -> None:
    top, width, height = where
    pen.box(0, top, width, height, ui)
    field = grey(ui[0] + (-14 if sum(ui) > 380 else 22), rng, 2)
    middle = top + height / 2
    if browser == "app":  # an app's web view: back arrow, title, close
        pen.line([(26, middle - 8), (18, middle), (26, middle + 8)], ink, 2)
        title = rng.choice(("Bytrade", "Xác minh", "Verification", "Log in"))
        pen.text(width / 2, middle, title, 17, ink, bold=True, anchor="mm")
        pen.text(width - 22, middle, "×", 24, ink, anchor="mm")
        return
    left, right = (52.0 if rng.random() < 0.4 else 14.0), width - 92
    if left > 14:  # the home button
        pen.box(18, middle - 8, 16, 14, None, 2, outline=ink, line=1.8)
    pen.box(left, middle - 19, right - left, 38, field, 19)
    pen.box(left + 14, middle - 5, 10, 9, _ink(field), 2)  # the lock
    pen.text(left + 32, middle, rng.choice(URLS), 15, _ink(field), anchor="lm")
    pen.box(right + 16, middle - 11, 22, 22, None, 4, outline=ink, line=1.8)  # the tab count
    pen.text(right + 27, middle, str(rng.randint(1, 30)), 11, ink, bold=True, anchor="mm")
    for dot in range(3):
        pen.ellipse(width - 24, middle - 10 + dot * 7, 4, 4, ink)


def _bottom_bars(
    rng: random.Random,
    pen: Pen,
    ui: Colour,
    ink: Colour,
    where: tuple[float, float, float],
    browser: str,
    home: float,
    ios: bool,
) -> None:
    top, width, height = where
    pen.box(0, top, width, height, ui)
    if browser == "safari":
        field = grey(ui[0] + (-14 if sum(ui) > 380 else 22), rng, 2)
        pen.box(14, top + 6, width - 28, 40, field, 12)
        pen.text(width / 2, top + 26, rng.choice(URLS).split("/")[0], 15, _ink(field), anchor="mm")
        pen.text(30, top + 26, "AA", 13, _ink(field), bold=True, anchor="mm")
    if home:
        pen.box(width / 2 - 67, top + height - 13, 134, 5, ink, 2.5)
    elif not ios and height >= 40:  # Android's three buttons
        for index, shape in enumerate(("back", "home", "recent")):
            cx, cy = width * (0.25 + index * 0.25), top + height / 2
            if shape == "home":
                pen.ellipse(cx - 8, cy - 8, 16, 16, None, outline=ink)
            elif shape == "recent":
                pen.box(cx - 7, cy - 7, 14, 14, None, 2, outline=ink, line=1.6)
            else:
                pen.line([(cx + 6, cy - 8), (cx - 6, cy), (cx + 6, cy + 8), (cx + 6, cy - 8)], ink, 1.6)
    else:
        pen.box(width / 2 - 54, top + height / 2 - 2, 108, 4, ink, 2)  # the gesture bar
