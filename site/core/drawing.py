"""Drawing for print and sharing: a CJK font found on the system, text wrapped to a width,
QR codes drawn to whole pixels. Content-agnostic; materials.printing lays out its pages.

Text is drawn with Pillow (FreeType reads the OpenType/CFF Noto CJK collections that
reportlab cannot embed), so a page is one raster image that Pillow also writes as PDF.
"""

import glob
import os
from functools import cache

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from PIL import Image, ImageDraw, ImageFont

# Where Debian/Ubuntu (fonts-noto-cjk), Fedora/Arch and Alpine put Noto Sans CJK; the
# setting CJK_FONT_DIRS (or the environment's FANGZHA_CJK_FONT_DIR) is looked at first.
FONT_DIRS = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/noto",
    "/usr/share/fonts/truetype/noto",
    "/usr/local/share/fonts",
)
FONT_FILES = {
    "regular": ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf"),
    "bold": ("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf", "NotoSansSC-Bold.otf"),
}


# Punctuation that never starts a line (禁则): it goes down with the character before it.
CLOSING = "，。、；：！？）》」』”’,.;:!?)"


class FontMissing(ImproperlyConfigured):
    pass


def _font_dirs() -> list[str]:
    extra = [os.environ.get("FANGZHA_CJK_FONT_DIR", ""), *getattr(settings, "CJK_FONT_DIRS", ())]
    return [path for path in (*extra, *FONT_DIRS) if path]


@cache
def cjk_font_file(weight: str = "regular") -> tuple[str, int]:
    """(path, face index) of a Simplified Chinese sans-serif face, or FontMissing."""
    for directory in _font_dirs():
        for name in FONT_FILES[weight]:
            for path in glob.glob(os.path.join(directory, "**", name), recursive=True):
                return path, _simplified_chinese_index(path)
    raise FontMissing(
        f"No Noto Sans CJK {weight} font in {', '.join(_font_dirs())}: install the Debian "
        "package fonts-noto-cjk or set FANGZHA_CJK_FONT_DIR to a folder holding "
        f"{FONT_FILES[weight][0]}."
    )


def _simplified_chinese_index(path: str) -> int:
    """A .ttc holds JP, KR, SC, TC… faces that draw some characters differently: pick SC."""
    if not path.lower().endswith(".ttc"):
        return 0
    for index in range(12):
        try:
            family, _style = ImageFont.truetype(path, 10, index=index).getname()
        except OSError:
            break
        if family.endswith(" SC") and "Mono" not in family:
            return index
    return 0


@cache
def cjk_font(size: int, weight: str = "regular") -> ImageFont.FreeTypeFont:
    path, index = cjk_font_file(weight)
    return ImageFont.truetype(path, size, index=index)


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int = 0) -> list[str]:
    """Lines of TEXT no wider than WIDTH pixels. Chinese breaks between any two characters,
    English between words; punctuation never starts a line. A last line that would not fit
    in MAX_LINES ends with an ellipsis."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for token in _tokens(paragraph):
            candidate = line + token
            if not line or font.getlength(candidate) <= width:
                line = candidate
                continue
            if token[0] in CLOSING and len(line) > 1:  # carry the last character down
                lines.append(line[:-1].rstrip())
                line = line[-1] + token
                continue
            lines.append(line.rstrip())
            line = token.lstrip()
        lines.append(line.rstrip())
    if max_lines and len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and font.getlength(last + "…") > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last + "…"]
    return lines


def _tokens(text: str):
    """Words of Latin text (with their following space) and single other characters."""
    word = ""
    for char in text:
        if char.isascii() and not char.isspace():
            word += char
            continue
        if word:
            yield word + (char if char == " " else "")
            word = ""
            if char == " ":
                continue
        yield char
    if word:
        yield word


def draw_lines(draw: ImageDraw.ImageDraw, xy, lines, font, fill, line_height: float = 1.35):
    """Draw LINES from the top-left XY; returns the y below the last line."""
    x, y = xy
    step = round(font.size * line_height)
    for line in lines:
        draw.text((x, y), line, font=font, fill=fill)
        y += step
    return y


def qr_image(url: str, size: int) -> Image.Image:
    """A QR code for URL at most SIZE pixels square, each module a whole number of pixels
    (no blurred edges for a phone camera to misread), with its four-module quiet zone."""
    code = segno.make(url, error="m", micro=False)
    modules = code.symbol_size(scale=1, border=4)[0]
    scale = max(1, size // modules)
    image = Image.new("1", (modules * scale, modules * scale), 1)
    pixels = ImageDraw.Draw(image)
    for row, bits in enumerate(code.matrix_iter(scale=1, border=4)):
        for column, dark in enumerate(bits):
            if dark:
                left, top = column * scale, row * scale
                pixels.rectangle((left, top, left + scale - 1, top + scale - 1), fill=0)
    return image.convert("RGB")
