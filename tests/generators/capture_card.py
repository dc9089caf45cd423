"""The verification card over the dimmed page: title, close mark, the puzzle at the card's inner width, the slider.

Its sizes are decided in device pixels before it is placed, so the puzzle's displayed rectangle is a whole number of
device pixels wide and high, exactly what the bitmap is resized to: that is the first step of the truth's map.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

from tests.generators.capture_draw import Colour, Pen, Theme, vivid
from tests.generators.puzzle import SAMPLE_PUZZLE_WIDTH, draw_slider

Rect = tuple[int, int, int, int]  # x, y, width, height in device pixels

_TITLES = (
    "Security verification",
    "Security verification",
    "Xác minh bảo mật",
    "Xác minh bảo mật",
    "Please complete the security check",
    "Verify you are human",
    "Xác minh an toàn",
    "Slide to verify",
)
_SUBTITLES = ("Drag the slider to fit the puzzle piece", "Kéo thanh trượt để ghép hình", "Complete the puzzle")
_FOOTERS = ("Powered by Bytrade", "Bytrade Security", "Refresh", "Làm mới", "Feedback")
_RESAMPLERS = {"bilinear": Image.Resampling.BILINEAR, "bicubic": Image.Resampling.BICUBIC}


@dataclass(frozen=True, slots=True)
class Card:
    """The card's layout in device pixels, before it has a place on the screen."""

    width: int
    height: int
    padding: int
    header: int  # from the card's top to the puzzle's
    puzzle_size: tuple[int, int]  # the bitmap as displayed
    slider_gap: int  # from the puzzle's bottom to the slider's top
    slider_height: int
    radius: int
    puzzle_radius: int
    title: str
    title_size: float  # CSS pixels
    centred_title: bool
    subtitle: str | None
    footer: str | None
    footer_icon: Colour
    divider: bool
    shadow: bool
    resample: str

    @property
    def unit(self) -> float:
        """The slider's sizes are the sample's, scaled with the puzzle as displayed."""
        return self.puzzle_size[0] / SAMPLE_PUZZLE_WIDTH


@dataclass(frozen=True, slots=True)
class PlacedCard:
    card: Rect
    puzzle: Rect
    slider: Rect


@dataclass(frozen=True, slots=True)
class Shot:
    """A whole screen with the card on it, before the member crops or sends it."""

    image: Image.Image
    dpr: float
    placed: PlacedCard
    details: dict[str, float | str]


def plan_card(rng: random.Random, bitmap: Image.Image, css_width: float, dpr: float) -> Card:
    """A card whose puzzle is `css_width` CSS pixels wide on a screen of pixel ratio `dpr`."""
    puzzle_width = round(css_width * dpr)
    puzzle_height = round(puzzle_width * bitmap.height / bitmap.width)
    padding = round(rng.uniform(12, 24) * dpr)
    subtitle = rng.choice(_SUBTITLES) if rng.random() < 0.25 else None
    title_size = rng.uniform(15, 19)
    header = round((rng.uniform(44, 60) + (22 if subtitle else 0)) * dpr)
    slider_gap = round(rng.uniform(10, 24) * puzzle_width / SAMPLE_PUZZLE_WIDTH)
    slider_height = round(rng.uniform(42, 54) * puzzle_width / SAMPLE_PUZZLE_WIDTH)
    footer = rng.choice(_FOOTERS) if rng.random() < 0.4 else None
    below = round((rng.uniform(34, 44) if footer else rng.uniform(10, 24)) * dpr)
    return Card(
        width=puzzle_width + 2 * padding,
        height=header + puzzle_height + slider_gap + slider_height + below,
        padding=padding,
        header=header,
        puzzle_size=(puzzle_width, puzzle_height),
        slider_gap=slider_gap,
        slider_height=slider_height,
        radius=round(rng.uniform(4, 16) * dpr),
        puzzle_radius=round(rng.choice((0.0, rng.uniform(2, 8))) * dpr),
        title=rng.choice(_TITLES),
        title_size=title_size,
        centred_title=rng.random() < 0.35,
        subtitle=subtitle,
        footer=footer,
        footer_icon=vivid(rng),
        divider=rng.random() < 0.3,
        shadow=rng.random() < 0.6,
        resample=rng.choice(tuple(_RESAMPLERS)),
    )


def draw_card(
    screen: Image.Image, dpr: float, theme: Theme, card: Card, bitmap: Image.Image, at: tuple[int, int]
) -> PlacedCard:
    """Draws `card` with its top-left corner at `at` and says where everything went, in device pixels."""
    x, y = at
    if card.shadow:
        _shadow(screen, (x, y, card.width, card.height), card.radius, 0.5 if theme.dark else 0.25)
    pen = Pen.on(screen, dpr)
    pen.draw.rounded_rectangle((x, y, x + card.width - 1, y + card.height - 1), card.radius, fill=theme.card)

    # Text is placed in CSS pixels (the pen's units); the puzzle and the slider in device pixels.
    left, top, inner = x / dpr, y / dpr, card.width / dpr
    pad = card.padding / dpr
    title_y = top + (card.header / dpr - (22 if card.subtitle else 0)) * 0.45
    title_size = card.title_size
    while title_size > 11 and pen.measure(card.title, title_size, bold=True) > inner - 2 * pad - 36:
        title_size -= 1  # long titles get smaller rather than run under the close mark
    if card.centred_title:
        pen.text(left + inner / 2, title_y, card.title, title_size, theme.card_text, bold=True, anchor="mm")
    else:
        pen.text(left + pad, title_y, card.title, title_size, theme.card_text, bold=True, anchor="lm")
    if card.subtitle:
        pen.text(left + pad, title_y + 24, card.subtitle, 13, theme.card_muted, anchor="lm")
    cross_x, cross = left + inner - pad - 7, 5.5
    for sign in (-1, 1):
        pen.line(
            [(cross_x - cross, title_y - cross * sign), (cross_x + cross, title_y + cross * sign)],
            theme.card_muted,
            1.6,
        )
    if card.divider:
        pen.box(left, top + card.header / dpr - 10, inner, 1, theme.border)

    puzzle = (x + card.padding, y + card.header, *card.puzzle_size)
    shown = bitmap.resize(card.puzzle_size, _RESAMPLERS[card.resample])
    mask = None
    if card.puzzle_radius:
        mask = Image.new("L", card.puzzle_size, 0)
        bounds = (0, 0, card.puzzle_size[0] - 1, card.puzzle_size[1] - 1)
        ImageDraw.Draw(mask).rounded_rectangle(bounds, card.puzzle_radius, 255)
    screen.paste(shown, puzzle[:2], mask)
    slider = (puzzle[0], puzzle[1] + puzzle[3] + card.slider_gap, puzzle[2], card.slider_height)
    draw_slider(screen, slider, card.unit, theme.slider)
    if card.footer:
        footer_y = (slider[1] + slider[3]) / dpr + (y + card.height - slider[1] - slider[3]) / dpr / 2
        pen.ellipse(left + pad, footer_y - 7, 14, 14, None, outline=card.footer_icon)
        pen.text(left + pad + 22, footer_y, card.footer, 12, theme.card_muted, anchor="lm")
    return PlacedCard(card=(x, y, card.width, card.height), puzzle=puzzle, slider=slider)


def _shadow(screen: Image.Image, rect: Rect, radius: int, strength: float) -> None:
    """A soft drop shadow, blurred at a quarter of the resolution: a full-size blur would cost more than the page."""
    x, y, width, height = rect
    spread = max(4, height // 12)
    box = (x - spread, y - spread // 2, x + width + spread, y + height + spread * 3 // 2)
    box = (max(0, box[0]), max(0, box[1]), min(screen.width, box[2]), min(screen.height, box[3]))
    small = Image.new("L", (max(1, (box[2] - box[0]) // 4), max(1, (box[3] - box[1]) // 4)), 0)
    inset = (x - box[0]) // 4, (y - box[1] + spread // 3) // 4
    ImageDraw.Draw(small).rounded_rectangle(
        (inset[0], inset[1], inset[0] + width // 4, inset[1] + height // 4), radius // 4, round(255 * strength)
    )
    blurred = small.filter(ImageFilter.GaussianBlur(spread / 8)).resize(
        (box[2] - box[0], box[3] - box[1]), Image.Resampling.BILINEAR
    )
    screen.paste((0, 0, 0), box, blurred)
