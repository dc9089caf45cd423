"""A desktop screenshot of the captcha: maybe the OS's bars and the browser's tabs and toolbar, the exchange's site
(nav bar, sidebars, charts, text, footer) dimmed by the modal's overlay, and the card centred on it."""

from __future__ import annotations

import random

from PIL import Image

from tests.generators.capture_blocks import field, heading, paragraph, stack, tickers
from tests.generators.capture_card import Shot, draw_card, plan_card
from tests.generators.capture_draw import URLS, Colour, Pen, Theme, dim, grey, photo, price, random_theme, vivid, words

# Device width, height and pixel ratio of common screens, from 1280×720 to a 2880×1800 laptop.
_SCREENS = (
    (1280, 720, 1.0),
    (1280, 800, 1.0),
    (1366, 768, 1.0),
    (1440, 900, 1.0),
    (1536, 864, 1.0),
    (1600, 900, 1.0),
    (1680, 1050, 1.0),
    (1920, 1080, 1.0),
    (1920, 1080, 1.0),
    (1920, 1080, 1.25),
    (1920, 1080, 1.5),
    (1920, 1200, 1.0),
    (2560, 1440, 1.0),
    (2560, 1440, 1.5),
    (2560, 1600, 2.0),
    (2880, 1800, 2.0),
)
_GREEN, _RED = (14, 203, 129), (246, 70, 93)


def desktop_shot(rng: random.Random, bitmap: Image.Image, dark: bool) -> Shot:
    width, height, dpr = rng.choice(_SCREENS)
    css_width, css_height = width / dpr, height / dpr
    theme = random_theme(rng, dark)
    mac = rng.random() < 0.4
    screen = Image.new("RGB", (width, height), theme.page)
    pen = Pen.on(screen, dpr)
    menu_bar = rng.uniform(24, 25) if mac else 0.0
    taskbar = rng.uniform(40, 48) if not mac and rng.random() < 0.6 else 0.0
    window = (0.0, menu_bar, css_width, css_height - taskbar)
    if rng.random() < 0.2:  # a window that does not fill the screen, on the wallpaper
        pen.picture(0, 0, css_width, css_height, photo(rng, dark))
        inset = rng.uniform(10, 80)
        window = (inset, menu_bar + inset * 0.6, css_width - inset * rng.uniform(0.5, 1.5), window[3] - inset * 0.4)
        pen.box(window[0], window[1], window[2] - window[0], window[3] - window[1], theme.page, 8)
    chrome = _browser(rng, pen, dark, window, mac) if rng.random() < 0.8 else 0.0
    viewport = (window[0], window[1] + chrome, window[2], window[3])
    left, top = pen.device(viewport[0]), pen.device(viewport[1])
    page = Image.new("RGB", (pen.device(viewport[2]) - left, pen.device(viewport[3]) - top), theme.page)
    _site(rng, Pen.on(page, dpr), theme, (0, 0, page.width / dpr, page.height / dpr))
    overlay = rng.uniform(0.35, 0.65)
    screen.paste(dim(page, overlay), (left, top))
    dock = 0.0
    if mac:
        _menu_bar(rng, pen, dark, css_width, menu_bar)
        if rng.random() < 0.35:
            dock = _dock(rng, pen, dark, css_width, css_height)
    if taskbar:
        _taskbar(rng, pen, dark, css_width, css_height, taskbar)

    css_puzzle = rng.uniform(300, 400)
    card = plan_card(rng, bitmap, css_puzzle, dpr)
    room_x = pen.device(viewport[2]) - left - card.width
    room_y = pen.device(viewport[3] - dock) - top - card.height
    x = left + round(max(0, room_x) / 2) + rng.randint(-2, 2)
    y = top + round(max(0, room_y) * rng.triangular(0.15, 0.85, 0.5))
    placed = draw_card(screen, dpr, theme, card, bitmap, (x, y))
    details: dict[str, float | str] = {
        "device": "desktop",
        "os": "mac" if mac else "windows",
        "browser": "chrome" if chrome else "none",
        "theme": "dark" if dark else "light",
        "dpr": dpr,
        "css_width": css_width,
        "css_height": css_height,
        "overlay": overlay,
        "puzzle_css_width": css_puzzle,
        "display_resample": card.resample,
    }
    return Shot(screen, dpr, placed, details)


def _tint(colour: Colour, background: Colour) -> Colour:
    red, green, blue = (round(ink * 0.25 + under * 0.75) for ink, under in zip(colour, background, strict=True))
    return red, green, blue


def _ink(background: Colour) -> Colour:
    return (25, 25, 28) if sum(background) > 380 else (235, 235, 238)


def _browser(rng: random.Random, pen: Pen, dark: bool, window: tuple[float, float, float, float], mac: bool) -> float:
    """Tabs, toolbar and maybe bookmarks across the window's top; returns their height."""
    x0, top, x1, _ = window
    strip = grey(rng.choice((32, 40)) if dark else rng.choice((222, 232, 240)), rng, 2)
    toolbar = grey(rng.choice((53, 60)) if dark else 255, rng, 1)
    tabs, bar = rng.uniform(34, 42), rng.uniform(38, 46)
    bookmarks = rng.uniform(26, 30) if rng.random() < 0.3 else 0.0
    ink = _ink(toolbar)
    pen.box(x0, top, x1 - x0, tabs, strip)
    tab_width = rng.uniform(160, 240)
    active = rng.randint(0, 3)
    for index in range(rng.randint(1, 7)):
        left = x0 + (80 if mac else 8) + index * tab_width
        if left + tab_width > x1 - 150:
            break
        if index == active:
            pen.box(left, top + 6, tab_width, tabs, toolbar, 8)
        pen.ellipse(left + 12, top + tabs / 2 - 5, 14, 14, vivid(rng))
        title = "Bytrade | " + words(rng, 2, False) if index == active else words(rng, rng.randint(2, 4), False)
        ink_of_tab = _ink(toolbar if index == active else strip)
        pen.text(left + 34, top + tabs / 2 + 2, title[:24], 12, ink_of_tab, anchor="lm")
    middle, buttons = top + tabs / 2, _ink(strip)
    if mac:  # the window's buttons
        for index, colour in enumerate(((255, 95, 87), (254, 188, 46), (40, 200, 64))):
            pen.ellipse(x0 + 12 + index * 20, middle - 6, 12, 12, colour)
    else:
        pen.box(x1 - 128, middle, 10, 1, buttons)
        pen.box(x1 - 82, middle - 5, 10, 10, None, outline=buttons)
        pen.line([(x1 - 35, middle - 5), (x1 - 25, middle + 5)], buttons, 1)
        pen.line([(x1 - 35, middle + 5), (x1 - 25, middle - 5)], buttons, 1)
    y = top + tabs
    pen.box(x0, y, x1 - x0, bar + bookmarks, toolbar)
    middle = y + bar / 2
    for cx, way in ((x0 + 22, 1), (x0 + 54, -1)):  # back, forward, then reload
        pen.line([(cx + 4 * way, middle - 6), (cx - 3 * way, middle), (cx + 4 * way, middle + 6)], ink, 1.6)
    pen.ellipse(x0 + 80, middle - 7, 14, 14, None, outline=ink)
    field = grey(toolbar[0] + (-16 if not dark else 14), rng, 2)
    pen.box(x0 + 120, middle - 15, (x1 - x0) - 240, 30, field, 15)
    pen.text(x0 + 148, middle, "https://" * (rng.random() < 0.3) + rng.choice(URLS), 14, _ink(field), anchor="lm")
    for index in range(rng.randint(1, 4)):
        pen.ellipse(x1 - 100 + index * 24, middle - 8, 16, 16, vivid(rng) if index == 0 else ink)
    if bookmarks:
        for index in range(rng.randint(3, 9)):
            pen.text(x0 + 16 + index * 110, y + bar + bookmarks / 2, words(rng, 2, False)[:12], 12, ink, anchor="lm")
    pen.box(x0, y + bar + bookmarks - 1, x1 - x0, 1, grey(toolbar[0] - 25 if not dark else 80, rng, 1))
    return tabs + bar + bookmarks


def _site(rng: random.Random, pen: Pen, theme: Theme, viewport: tuple[float, float, float, float]) -> None:
    x0, top, x1, bottom = viewport
    nav = rng.uniform(56, 72)
    nav_fill = theme.surface if rng.random() < 0.4 else theme.page
    pen.box(x0, top, x1 - x0, nav, nav_fill)
    pen.box(x0, top + nav - 1, x1 - x0, 1, theme.border)
    middle = top + nav / 2
    pen.ellipse(x0 + 24, middle - 14, 28, 28, theme.accent)
    left = x0 + 60 + pen.text(x0 + 60, middle, "Bytrade", 21, theme.text, bold=True, anchor="lm") + 36
    vi = rng.random() < 0.4
    for _ in range(rng.randint(4, 8)):
        left += pen.text(left, middle, words(rng, 1, vi), 14.5, theme.text, anchor="lm") + rng.uniform(22, 34)
    pen.box(x1 - 120, middle - 18, 96, 36, theme.accent, rng.choice((4, 18)))
    pen.text(x1 - 72, middle, "Sign up", 14, _ink(theme.accent), bold=True, anchor="mm")
    pen.text(x1 - 140, middle, "Log in", 14, theme.text, anchor="rm")
    body = (x0, top + nav, x1, bottom)
    rng.choice((_landing, _trading, _article))(rng, pen, theme, body, vi)


def _landing(rng: random.Random, pen: Pen, theme: Theme, body: tuple[float, float, float, float], vi: bool) -> None:
    x0, top, x1, bottom = body
    column = min(x1 - x0 - 80, rng.uniform(1040, 1240))
    left = x0 + (x1 - x0 - column) / 2
    y = top + rng.uniform(40, 80)
    size = rng.uniform(36, 52)
    for line in range(2):
        pen.text(left, y + line * size * 1.25, words(rng, rng.randint(2, 4), vi), size, theme.text, bold=True)
    y += 2 * size * 1.25 + 16
    y += paragraph(rng, pen, theme, left, y, column * 0.45, vi)
    field(rng, pen, theme, left, y, column * 0.3, vi)
    pen.picture(left + column * 0.55, top + 40, column * 0.45, column * 0.3, photo(rng, theme.dark), rng.uniform(8, 24))
    y = max(y + 90, top + 60 + column * 0.3)
    count = rng.choice((3, 4))
    card_width = (column - (count - 1) * 24) / count
    for index in range(count):
        x = left + index * (card_width + 24)
        pen.box(x, y, card_width, card_width * 0.9, theme.surface, 12)
        pen.picture(x, y, card_width, card_width * 0.45, photo(rng, theme.dark), 12)
        heading(rng, pen, theme, x + 16, y + card_width * 0.5, card_width - 32, vi)
    y += card_width * 0.9 + 40
    if y < bottom:
        y += tickers(rng, pen, theme, left, y, column, vi)
    if y < bottom:
        _footer(rng, pen, theme, (x0, y + 20, x1, bottom))


def _trading(rng: random.Random, pen: Pen, theme: Theme, body: tuple[float, float, float, float], vi: bool) -> None:
    x0, top, x1, bottom = body
    side = rng.uniform(260, 320)
    pen.box(x0, top, side, bottom - top, theme.surface)
    stack(rng, pen, theme, (x0 + 12, top + 12, side - 24), bottom, vi)
    book = x1 - rng.uniform(260, 320)
    chart = (x0 + side + 12, top + 12, book - 12, top + (bottom - top) * rng.uniform(0.55, 0.7))
    pen.box(chart[0], chart[1], chart[2] - chart[0], chart[3] - chart[1], theme.page, 4, outline=theme.border)
    for line in range(1, 6):
        y = chart[1] + (chart[3] - chart[1]) * line / 6
        pen.box(chart[0], y, chart[2] - chart[0], 1, theme.border)
    level = (chart[1] + chart[3]) / 2
    step = rng.uniform(7, 12)
    x = chart[0] + 10
    while x < chart[2] - 60:
        move = rng.gauss(0, 12)
        low, high = sorted((level, level + move))
        colour = _GREEN if move < 0 else _RED
        pen.box(x + step * 0.3, low - rng.uniform(2, 14), 1, high - low + rng.uniform(4, 28), colour)
        pen.box(x, low, step * 0.65, max(1, high - low), colour)
        volume = rng.uniform(4, 40)
        pen.box(x, chart[3] - 1 - volume, step * 0.65, volume, colour)
        level = min(max(level + move, chart[1] + 40), chart[3] - 60)
        x += step
    stack(rng, pen, theme, (chart[0] + 12, chart[3] + 16, (book - chart[0]) / 2 - 24), bottom, vi)
    stack(rng, pen, theme, (chart[0] + (book - chart[0]) / 2, chart[3] + 16, (book - chart[0]) / 2 - 24), bottom, vi)
    pen.box(book, top, x1 - book, bottom - top, theme.surface)
    y = top + 16
    while y < bottom:
        colour = _RED if y < (top + bottom) / 2 else _GREEN
        depth = rng.uniform(10, x1 - book - 20)
        pen.box(x1 - depth, y - 9, depth, 18, _tint(colour, theme.surface))
        pen.text(book + 12, y, price(rng), 12, colour, anchor="lm")
        pen.text(x1 - 12, y, f"{rng.uniform(0.001, 20):.4f}", 12, theme.text, anchor="rm")
        y += 20


def _article(rng: random.Random, pen: Pen, theme: Theme, body: tuple[float, float, float, float], vi: bool) -> None:
    x0, top, x1, bottom = body
    side = rng.uniform(220, 280)
    for index in range(int((bottom - top - 40) / 36)):
        colour = theme.accent if index == 2 else theme.muted
        pen.text(x0 + 32, top + 40 + index * 36, words(rng, rng.randint(1, 3), vi), 14, colour)
    column = min(x1 - x0 - side - 80, rng.uniform(680, 900))
    end = stack(rng, pen, theme, (x0 + side + 40, top + 40, column), bottom, vi)
    if rng.random() < 0.5:
        pen.picture(x0 + side + column + 80, top + 40, x1 - x0 - side - column - 120, 300, photo(rng, theme.dark), 8)
    if end < bottom:
        _footer(rng, pen, theme, (x0, end, x1, bottom))


def _footer(rng: random.Random, pen: Pen, theme: Theme, area: tuple[float, float, float, float]) -> None:
    x0, top, x1, bottom = area
    fill = grey(rng.randint(15, 30), rng, 3)
    pen.box(x0, top, x1 - x0, max(bottom - top, 300), fill)
    for column in range(4):
        x = x0 + 80 + column * (x1 - x0 - 160) / 4
        pen.text(x, top + 40, words(rng, 1, False), 15, (235, 235, 235), bold=True)
        for row in range(5):
            pen.text(x, top + 76 + row * 28, words(rng, rng.randint(1, 3), False), 13, (150, 150, 155))


def _menu_bar(rng: random.Random, pen: Pen, dark: bool, width: float, height: float) -> None:
    fill = grey(40 if dark else 232, rng, 3)
    ink = _ink(fill)
    pen.box(0, 0, width, height, fill)
    pen.ellipse(18, height / 2 - 6, 12, 12, ink)
    left = 48 + pen.text(48, height / 2, "Chrome", 13, ink, bold=True, anchor="lm") + 20
    for name in ("File", "Edit", "View", "History", "Bookmarks", "Window", "Help"):
        left += pen.text(left, height / 2, name, 13, ink, anchor="lm") + 18
    clock = f"{rng.choice(('Mon', 'Tue', 'Wed', 'Thu', 'Fri'))} {rng.randint(1, 12)}:{rng.randint(0, 59):02d}"
    pen.text(width - 16, height / 2, clock, 13, ink, anchor="rm")


def _dock(rng: random.Random, pen: Pen, dark: bool, width: float, height: float) -> float:
    """The floating dock over the window's bottom; returns how much of the screen's bottom it takes."""
    icons, size = rng.randint(8, 14), rng.uniform(44, 56)
    dock_width = icons * (size + 8) + 12
    top = height - size - 20
    pen.box((width - dock_width) / 2, top, dock_width, size + 14, grey(50 if dark else 220, rng, 3), 16)
    for index in range(icons):
        pen.box((width - dock_width) / 2 + 10 + index * (size + 8), top + 7, size, size, vivid(rng), size * 0.22)
    return height - top + 8


def _taskbar(rng: random.Random, pen: Pen, dark: bool, width: float, height: float, bar: float) -> None:
    fill = grey(rng.choice((30, 32)) if dark or rng.random() < 0.5 else 238, rng, 3)
    ink = _ink(fill)
    top = height - bar
    pen.box(0, top, width, bar, fill)
    centred = rng.random() < 0.5  # Windows 11 puts the icons in the middle
    left = width / 2 - 180 if centred else 12
    for cell in range(4):  # the start button's four squares
        pen.box(left + (cell % 2) * 10, top + bar / 2 - 9 + (cell // 2) * 10, 8, 8, (0, 120, 215))
    pen.box(left + 34, top + bar / 2 - 15, 200, 30, grey(fill[0] + (20 if sum(fill) < 380 else -12), rng, 2), 15)
    pen.text(left + 50, top + bar / 2, "Search", 13, ink, anchor="lm")
    for index in range(rng.randint(4, 9)):
        pen.box(left + 250 + index * 44, top + bar / 2 - 12, 24, 24, vivid(rng), 5)
    pen.text(width - 16, top + bar / 2 - 8, f"{rng.randint(0, 23)}:{rng.randint(0, 59):02d}", 12, ink, anchor="rm")
    pen.text(width - 16, top + bar / 2 + 9, f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/2025", 12, ink, anchor="rm")
