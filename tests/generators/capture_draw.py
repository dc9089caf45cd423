"""Drawing in CSS pixels on a screen of device pixels, and the colours and words of the pages behind the captcha.

Screens are drawn directly at device resolution (every CSS coordinate times the pixel ratio) with cheap primitives,
so text and edges are as crisp as in a real screenshot without drawing a page twice.
"""

from __future__ import annotations

import colorsys
import functools
import random
import unicodedata
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tests.generators.puzzle import SliderStyle

Colour = tuple[int, int, int]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

# DejaVu draws Vietnamese; Pillow's own font (the fallback on machines without it) does not, so words lose their
# accents there rather than turning into boxes.
_FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}


@functools.lru_cache(maxsize=512)
def font(size: int, bold: bool = False) -> Font:
    try:
        return ImageFont.truetype(_FONT_FILES[bold], max(4, size), layout_engine=ImageFont.Layout.BASIC)
    except OSError:
        return ImageFont.load_default(size=max(4, size))


@functools.cache
def _unicode_font() -> bool:
    return isinstance(font(12), ImageFont.FreeTypeFont) and "DejaVu" in (font(12).font.family or "")


def legible(text: str) -> str:
    if _unicode_font():
        return text
    stripped = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in stripped if not unicodedata.combining(char))


@dataclass(frozen=True, slots=True)
class Pen:
    """Draws in CSS pixels: every coordinate and size is multiplied by `dpr` onto the device-pixel image."""

    image: Image.Image
    draw: ImageDraw.ImageDraw
    dpr: float

    @classmethod
    def on(cls, image: Image.Image, dpr: float) -> Pen:
        return cls(image, ImageDraw.Draw(image), dpr)

    def device(self, value: float) -> int:
        return round(value * self.dpr)

    def box(
        self,
        x: float,
        y: float,
        width: float,
        height: float,
        fill: Colour | None,
        radius: float = 0,
        outline: Colour | None = None,
        line: float = 1,
    ) -> None:
        x0, y0 = self.device(x), self.device(y)
        x1, y1 = max(x0, self.device(x + width) - 1), max(y0, self.device(y + height) - 1)
        stroke = max(1, self.device(line)) if outline else 0
        if radius > 0:
            corner = min(self.device(radius), (x1 - x0) // 2, (y1 - y0) // 2)
            self.draw.rounded_rectangle((x0, y0, x1, y1), corner, fill=fill, outline=outline, width=stroke)
        else:
            self.draw.rectangle((x0, y0, x1, y1), fill=fill, outline=outline, width=stroke)

    def ellipse(
        self, x: float, y: float, width: float, height: float, fill: Colour | None, outline: Colour | None = None
    ) -> None:
        box = (self.device(x), self.device(y), self.device(x + width) - 1, self.device(y + height) - 1)
        self.draw.ellipse(box, fill=fill, outline=outline, width=max(1, self.device(1.5)) if outline else 0)

    def line(self, points: list[tuple[float, float]], fill: Colour, width: float) -> None:
        scaled = [(x * self.dpr, y * self.dpr) for x, y in points]
        self.draw.line(scaled, fill=fill, width=max(1, self.device(width)), joint="curve")

    def measure(self, text: str, size: float, bold: bool = False) -> float:
        """The width of `text` in CSS pixels."""
        return font(self.device(size), bold).getlength(legible(text)) / self.dpr

    def text(
        self, x: float, y: float, text: str, size: float, fill: Colour, *, bold: bool = False, anchor: str = "la"
    ) -> float:
        """Draws `text` and returns its width in CSS pixels."""
        face = font(self.device(size), bold)
        shown = legible(text)
        self.draw.text((x * self.dpr, y * self.dpr), shown, fill=fill, font=face, anchor=anchor)
        return face.getlength(shown) / self.dpr

    def picture(self, x: float, y: float, width: float, height: float, picture: Image.Image, radius: float = 0) -> None:
        """Pastes `picture` stretched over the rectangle (photos on the page: cheap, blurry, colourful)."""
        x0, y0 = self.device(x), self.device(y)
        size = (max(1, self.device(x + width) - x0), max(1, self.device(y + height) - y0))
        resized = picture.resize(size, Image.Resampling.BILINEAR)
        mask = None
        if radius > 0:
            mask = Image.new("L", size, 0)
            ImageDraw.Draw(mask).rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), self.device(radius), 255)
        self.image.paste(resized, (x0, y0), mask)


def photo(rng: random.Random, dark: bool) -> Image.Image:
    """A small colourful picture (stretched when drawn): a gradient of a few colours with a shape or two on it."""
    low, high = (25, 140) if dark else (60, 250)
    corners = np.array([[[rng.randint(low, high) for _ in range(3)] for _ in range(3)] for _ in range(2)], np.uint8)
    picture = Image.fromarray(corners).resize((160, 100), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(picture)
    for _ in range(rng.randint(0, 3)):
        cx, cy, radius = rng.uniform(0, 160), rng.uniform(0, 100), rng.uniform(12, 45)
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=vivid(rng, dark))
    return picture.filter(ImageFilter.GaussianBlur(1.5))  # soft edges, or stretching it shows the pixels


def vivid(rng: random.Random, dark: bool = False) -> Colour:
    red, green, blue = colorsys.hsv_to_rgb(rng.random(), rng.uniform(0.45, 0.85), rng.uniform(0.55, 0.95))
    scale = 0.8 if dark else 1.0
    return round(red * 255 * scale), round(green * 255 * scale), round(blue * 255 * scale)


def grey(level: int, rng: random.Random, tint: int = 4) -> Colour:
    """A grey with a faint random tint, as real UI palettes have."""
    red, green, blue = (max(0, min(255, level + rng.randint(-tint, tint))) for _ in range(3))
    return red, green, blue


@dataclass(frozen=True, slots=True)
class Theme:
    dark: bool
    page: Colour
    surface: Colour  # panels and fields on the page
    text: Colour
    muted: Colour
    border: Colour
    accent: Colour
    card: Colour  # the verification card
    card_text: Colour
    card_muted: Colour
    slider: SliderStyle


def random_theme(rng: random.Random, dark: bool) -> Theme:
    accent = rng.choice(((240, 185, 11), (22, 119, 255), (0, 82, 255), (14, 203, 129), (124, 58, 237), vivid(rng)))
    if dark:
        card = grey(rng.randint(28, 44), rng, 2)
        slider = SliderStyle(
            track=grey(card[0] + rng.randint(10, 24), rng, 2),
            handle=grey(card[0] + rng.randint(28, 48), rng, 2),
            handle_border=grey(card[0] + rng.randint(40, 64), rng, 2),
            grip=(rng.randint(70, 110), rng.randint(130, 170), 255),
            text=grey(rng.randint(120, 160), rng, 3),
        )
        return Theme(
            dark=True,
            page=grey(rng.randint(8, 28), rng, 3),
            surface=grey(rng.randint(30, 48), rng, 3),
            text=grey(rng.randint(220, 245), rng, 3),
            muted=grey(rng.randint(130, 170), rng, 3),
            border=grey(rng.randint(50, 75), rng, 3),
            accent=accent,
            card=card,
            card_text=grey(rng.randint(225, 250), rng, 2),
            card_muted=grey(rng.randint(130, 170), rng, 2),
            slider=slider,
        )
    return Theme(
        dark=False,
        page=grey(rng.choice((255, 252, 248, 244)), rng, 3),
        surface=grey(rng.randint(236, 248), rng, 3),
        text=grey(rng.randint(15, 50), rng, 4),
        muted=grey(rng.randint(110, 150), rng, 6),
        border=grey(rng.randint(210, 232), rng, 3),
        accent=accent,
        card=rng.choice(((255, 255, 255), (255, 255, 255), grey(rng.randint(248, 254), rng, 1))),
        card_text=grey(rng.randint(20, 50), rng, 3),
        card_muted=grey(rng.randint(130, 170), rng, 3),
        slider=SliderStyle(),
    )


_ENGLISH = (
    "trade spot futures market account deposit withdraw wallet assets order price volume balance security verify "
    "email phone password login register reward bonus new users earn staking copy fee limit chart history support "
    "the and for your with now more our today fast safe global app download invite friends "
)
_VIETNAMESE = (
    "giao dịch thị trường tài khoản nạp rút ví sản lệnh giá khối lượng số dư bảo mật xác minh khẩu đăng nhập ký "
    "phần thưởng người dùng mới kiếm mời bạn bè hỗ trợ lịch sử nhanh an toàn ngay hôm nay "
)
_VOCABULARIES = {False: _ENGLISH.split(), True: _VIETNAMESE.split()}
TICKERS = ("BTC", "ETH", "USDC", "BNB", "SOL", "XRP", "DOGE", "TON", "ADA", "TRX", "AVAX", "LINK", "BTR")
URLS = ("bytrade.com/en/login", "www.bytrade.com/vi/register", "bytrade.com/trade/BTC_USDT", "m.bytrade.com/account")


def words(rng: random.Random, count: int, vietnamese: bool) -> str:
    vocabulary = _VOCABULARIES[vietnamese]
    text = " ".join(rng.choice(vocabulary) for _ in range(count))
    return text[:1].upper() + text[1:]


def price(rng: random.Random) -> str:
    return f"{rng.uniform(0.01, 70000):,.{rng.choice((2, 2, 4))}f}"


def dim(image: Image.Image, alpha: float) -> Image.Image:
    """The modal's black overlay at opacity `alpha` over the whole image: one table lookup per pixel."""
    return image.point([round(value * (1 - alpha)) for value in range(256)] * 3)


def fitting_words(rng: random.Random, pen: Pen, size: float, width: float, vietnamese: bool, bold: bool = False) -> str:
    """As many words as fit in `width` CSS pixels at `size` (at least one)."""
    text = words(rng, 1, vietnamese)
    while True:
        longer = f"{text} {words(rng, 1, vietnamese).lower()}"
        if pen.measure(longer, size, bold) > width:
            return text
        text = longer
