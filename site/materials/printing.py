"""Poster PDFs for printing and share cards for chats, drawn on the server.

A poster PDF is one A4 or A3 page: the artwork fitted whole inside safe margins (home and
office printers cannot print the outer 5 mm), the page's QR code and a contact block a
team fills with its station's name and phone. The page is one raster image at the
resolution the artwork supports (at most 300 dpi, at least 150 so the text and QR code
stay crisp), which Pillow writes as a PDF page of the exact paper size; the artwork is
pasted pixel for pixel when it has 300 dpi or less, so the label's dpi is the truth.

Files are kept in the default storage, named by poster, revision, size and a hash of
everything else drawn (address, hotline, contact text), so a republish or another
station's contact makes a new file and a repeated download costs one storage read.
"""

import hashlib
import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext
from PIL import Image, ImageDraw, ImageOps

from core.drawing import cjk_font, draw_lines, qr_image, wrap

MM_PER_INCH = 25.4
MAX_DPI = 300
MIN_PAGE_DPI = 150  # the text and QR code are drawn at no less, even for small artwork
LAYOUT_VERSION = "1"  # change to retire every stored file after a layout change


@dataclass(frozen=True)
class PaperSize:
    key: str
    label: str
    width_mm: float
    height_mm: float

    @property
    def scale(self) -> float:  # the layout is drawn for A4 and grows with the paper
        return self.width_mm / 210

    def artwork_box_mm(self) -> tuple[float, float]:
        margin, strip, gap = (value * self.scale for value in (MARGIN_MM, STRIP_MM, GAP_MM))
        return self.width_mm - 2 * margin, self.height_mm - 2 * margin - strip - gap


PAPER_SIZES = {
    "a4": PaperSize("a4", "A4", 210, 297),
    "a3": PaperSize("a3", "A3", 297, 420),
}
MARGIN_MM = 10  # safe margin on every side (A4; scaled for A3)
STRIP_MM = 40  # the QR code and contact block under the artwork
GAP_MM = 5
RED = (200, 22, 29)
INK = (20, 20, 20)
GREY = (96, 96, 96)


def artwork_dpi(width: int, height: int, paper: PaperSize) -> float:
    """The resolution artwork of WIDTH×HEIGHT pixels prints at, fitted whole in the box."""
    box_w, box_h = (mm / MM_PER_INCH for mm in paper.artwork_box_mm())
    return max(width / box_w, height / box_h)


def print_dpi(width: int, height: int, paper: PaperSize) -> int:
    """The dpi a download is labelled with: the artwork's own, and never above 300."""
    return int(min(artwork_dpi(width, height, paper), MAX_DPI))


def page_dpi(width: int, height: int, paper: PaperSize) -> int:
    return max(print_dpi(width, height, paper), MIN_PAGE_DPI)


def contact_digest(*parts: str) -> str:
    text = "\x1f".join((LAYOUT_VERSION, *parts))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def poster_pdf_name(poster, paper: PaperSize, *, url: str, hotline: str, org: str, phone: str):
    # The revision names the poster's state; the artwork's file name is there too, so a
    # database restored from a backup never meets files drawn from other artwork.
    digest = contact_digest(url, hotline, org, phone, poster.image.file.name)
    revision = poster.live_revision_id or 0
    return f"print/posters/{poster.pk}/{revision}-{paper.key}-{digest}.pdf"


def stored_poster_pdf(name: str) -> bool:
    return default_storage.exists(name)


def save_drawing(name: str, data: bytes) -> None:
    """Store a drawn file under NAME (folder/<revision>-…), removing the folder's files of
    other revisions: a republished page's old PDFs and cards are never asked for again."""
    if default_storage.exists(name):
        return
    default_storage.save(name, ContentFile(data))
    folder, own = name.rsplit("/", 1)
    revision = own.split("-", 1)[0]
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for file in files:
        if file.split("-", 1)[0] != revision:
            default_storage.delete(f"{folder}/{file}")


def poster_pdf(poster, paper: PaperSize, *, url: str, hotline: str, org: str, phone: str):
    """The PDF (bytes) of POSTER on PAPER."""
    with poster.image.open_file() as handle:
        artwork = ImageOps.exif_transpose(Image.open(handle))
        artwork.load()
    artwork = _flatten(artwork)
    dpi = page_dpi(artwork.width, artwork.height, paper)

    def px(mm: float) -> int:
        return round(mm / MM_PER_INCH * dpi)

    scale = paper.scale
    page = Image.new("RGB", (px(paper.width_mm), px(paper.height_mm)), "white")
    draw = ImageDraw.Draw(page)

    # The artwork, whole, centred in its box; resampled only when it has more than 300 dpi
    # (or less than the page's 150).
    box_w, box_h = (px(mm) for mm in paper.artwork_box_mm())
    fit = min(box_w / artwork.width, box_h / artwork.height)
    if abs(fit - 1) > 0.002:
        size = (max(1, round(artwork.width * fit)), max(1, round(artwork.height * fit)))
        artwork = artwork.resize(size, Image.Resampling.LANCZOS)
    margin = px(MARGIN_MM * scale)
    page.paste(
        artwork, (margin + (box_w - artwork.width) // 2, margin + (box_h - artwork.height) // 2)
    )

    # The strip: a rule, the QR code at the left, the contact block beside it.
    top = margin + box_h + px(GAP_MM * scale) // 2
    draw.line((margin, top, page.width - margin, top), fill=GREY, width=max(1, px(0.3 * scale)))
    top += px(GAP_MM * scale) // 2
    strip = px(STRIP_MM * scale)
    code = qr_image(url, strip)
    page.paste(code, (margin, top + (strip - code.height) // 2))
    left = margin + code.width + px(6 * scale)
    width = page.width - margin - left
    title_font = cjk_font(px(6.5 * scale), "bold")
    text_font = cjk_font(px(4.6 * scale))
    small_font = cjk_font(px(3.6 * scale))
    y = top + px(1 * scale)
    label_org, label_phone = gettext("Organisation:"), gettext("Phone:")
    if org or phone:
        y = draw_lines(draw, (left, y), wrap(org, title_font, width, 2), title_font, INK, 1.25)
        if phone:
            y = draw_lines(draw, (left, y), [f"{label_phone}{phone}"], title_font, RED, 1.3)
    else:  # lines to fill in by hand
        for label in (label_org, label_phone):
            draw.text((left, y), label, font=text_font, fill=INK)
            start = left + round(text_font.getlength(label)) + px(2 * scale)
            baseline = y + round(text_font.size * 1.1)
            draw.line((start, baseline, left + width, baseline), fill=INK, width=max(1, px(0.25)))
            y += round(text_font.size * 1.9)
    y += px(1.5 * scale)
    notes = [
        gettext("Anti-fraud hotline: %(hotline)s") % {"hotline": hotline},
        gettext("Scan the code to read the full material."),
    ]
    lines = [line for note in notes for line in wrap(note, small_font, width)]
    draw_lines(draw, (left, y), lines, small_font, GREY)

    buffer = io.BytesIO()
    page.save(
        buffer,
        "PDF",
        resolution=dpi,
        title=poster.title,
        creator=gettext("Fangzha anti-fraud education"),
        quality=92,
        subsampling=0,
    )
    return buffer.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: transparent artwork prints on white paper."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


# Share cards: portrait, the shape chats show whole (WeChat, QQ, Weibo); 4:5 like a phone.
SHARE_CARD_SIZE = (1080, 1350)
SHARE_MARGIN = 80
SHARE_TITLE_SIZE = 76
SHARE_TEXT_SIZE = 40


def share_card_name(page, language: str, *, url: str, hotline: str, advice: str) -> str:
    digest = contact_digest(url, hotline, language, page.title, advice)
    return f"share/{page.pk}/{page.live_revision_id or 0}-{digest}.png"


def share_card(page, *, url: str, hotline: str, kind: str, advice: str) -> bytes:
    """A PNG card for chats: the site's name, the title in large type, the key advice, the
    QR code to the page and the hotline."""
    width, height = SHARE_CARD_SIZE
    card = Image.new("RGB", SHARE_CARD_SIZE, "white")
    draw = ImageDraw.Draw(card)
    inner = width - 2 * SHARE_MARGIN

    band = 150
    draw.rectangle((0, 0, width, band), fill=RED)
    brand_font = cjk_font(44, "bold")
    draw.text(
        (SHARE_MARGIN, band // 2),
        gettext("Fangzha anti-fraud education"),
        font=brand_font,
        fill="white",
        anchor="lm",
    )
    y = band + 60
    kind_font = cjk_font(34)
    draw.text((SHARE_MARGIN, y), kind, font=kind_font, fill=RED)
    y += 70

    title_font = cjk_font(SHARE_TITLE_SIZE, "bold")
    y = draw_lines(
        draw, (SHARE_MARGIN, y), wrap(page.title, title_font, inner, 4), title_font, INK, 1.25
    )
    y += 30
    draw.rectangle((SHARE_MARGIN, y, SHARE_MARGIN + 120, y + 8), fill=RED)
    y += 50

    qr_size = 300
    footer_top = height - SHARE_MARGIN - qr_size
    text_font = cjk_font(SHARE_TEXT_SIZE)
    room = (footer_top - 40 - y) // round(SHARE_TEXT_SIZE * 1.5)
    if advice and room > 0:
        draw_lines(
            draw, (SHARE_MARGIN, y), wrap(advice, text_font, inner, room), text_font, INK, 1.5
        )

    code = qr_image(url, qr_size)
    card.paste(code, (SHARE_MARGIN, height - SHARE_MARGIN - code.height))
    left = SHARE_MARGIN + code.width + 40
    note_font = cjk_font(36, "bold")
    small_font = cjk_font(32)
    notes_width = width - SHARE_MARGIN - left
    y = footer_top + 40
    y = draw_lines(
        draw,
        (left, y),
        wrap(gettext("Scan to read it all"), note_font, notes_width),
        note_font,
        INK,
    )
    hotline_text = gettext("Anti-fraud hotline: %(hotline)s") % {"hotline": hotline}
    draw_lines(draw, (left, y + 10), wrap(hotline_text, small_font, notes_width), small_font, RED)

    buffer = io.BytesIO()
    card.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
