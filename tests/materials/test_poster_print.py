"""Poster downloads a team can print at a market stall: one-page A4/A3 PDFs at the dpi the
artwork really has, the page's QR code and the station's contact, readable file names."""

import io
import re
from urllib.parse import quote

import pytest
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw
from wagtail.test.utils.form_data import nested_form_data

from core import drawing
from materials import views
from materials.printing import PAPER_SIZES, artwork_dpi
from tests import factories
from tests.qr_decode import decode_png

TITLE = "谨防冒充公检法"
HEADLINE = (200, 20, 20)
FOOTER = (20, 60, 200)
A4_POINTS = (595.28, 841.89)
A3_POINTS = (841.89, 1190.55)


def artwork(width, height):
    """Poster-shaped artwork: a red headline band at the top, a blue band at the foot."""
    image = Image.new("RGB", (width, height), (250, 245, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, height // 6), fill=HEADLINE)
    draw.rectangle((0, height - height // 10, width, height), fill=FOOTER)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def make_poster(parent, width=1240, height=1754, **kwargs):
    image = factories.ImageFactory(
        file__from_file=io.BytesIO(artwork(width, height)),
        file__filename="poster.png",
        title="海报原图",
    )
    poster = factories.PosterPageFactory(parent=parent, title=TITLE, image=image, **kwargs)
    poster.save_revision().publish()
    return poster


@pytest.fixture
def poster(site_tree):
    return make_poster(site_tree["library"])


def read_pdf(content: bytes) -> dict:
    """What a PDF made by Pillow holds: its pages' sizes (points) and the page image."""
    assert content.startswith(b"%PDF-")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", content)
    pages = re.findall(rb"/Type\s*/Page\b", content)
    width = int(re.search(rb"/Width (\d+)", content).group(1))
    height = int(re.search(rb"/Height (\d+)", content).group(1))
    start = content.index(b"\xff\xd8\xff")  # the page's one JPEG (DCTDecode) stream
    image = Image.open(io.BytesIO(content[start:]))
    image.load()
    return {
        "pages": len(pages),
        "points": [(float(w), float(h)) for w, h in boxes],
        "pixels": (width, height),
        "image": image.convert("RGB"),
    }


def download(client, poster, size="a4", **contact):
    response = client.get(f"/poster/{poster.pk}/download/{size}/", contact)
    assert response.status_code == 200, response.content[:300]
    return response, b"".join(response.streaming_content)


def near(colour, wanted, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(colour, wanted, strict=True))


def test_a4_pdf_is_one_a4_page_whose_image_dpi_matches_the_label(client, poster):
    page = client.get(poster.url).content.decode()
    label = re.search(r"A4 PDF · 约 (\d+) dpi", page)
    assert label, "the poster page labels the A4 download with its real dpi"
    response, content = download(client, poster)
    assert response["Content-Type"] == "application/pdf"
    pdf = read_pdf(content)
    assert pdf["pages"] == 1
    assert pdf["points"] == [pytest.approx(A4_POINTS, abs=1)]
    dpi = pdf["pixels"][0] / (pdf["points"][0][0] / 72)
    assert dpi == pytest.approx(int(label.group(1)), abs=1)
    # 1240×1754 artwork fitted in A4's safe box: better than the old "300 dpi" image's
    # real 150, and honest about not being 300.
    assert 150 < int(label.group(1)) < 300


def test_the_artwork_is_fitted_whole_inside_safe_margins(client, poster):
    _, content = download(client, poster)
    image = read_pdf(content)["image"]
    mm = image.width / 210
    rows = [y for y in range(image.height) if near(image.getpixel((image.width // 2, y)), HEADLINE)]
    feet = [y for y in range(image.height) if near(image.getpixel((image.width // 2, y)), FOOTER)]
    assert rows and feet, "the headline and the foot of the artwork are both on the page"
    assert rows[0] >= 9 * mm  # not cropped at the top, inside the printer's margin
    columns = [x for x in range(image.width) if near(image.getpixel((x, rows[0] + 5)), HEADLINE)]
    assert columns[0] >= 9 * mm and columns[-1] <= image.width - 9 * mm


def test_the_pdf_carries_the_qr_code_of_the_canonical_page(client, site_tree, poster):
    site = site_tree["site"]
    site.hostname, site.port = "fangzha.example.org", 443
    site.save()
    _, content = download(client, poster)
    image = read_pdf(content)["image"]
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    assert decode_png(buffer.getvalue()) == [
        f"https://fangzha.example.org/zh-hans/materials/{poster.slug}/"
    ]


def test_file_name_is_the_posters_title(client, poster):
    response, _ = download(client, poster, "a3")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote(TITLE + '-A3.pdf')}" in disposition


def test_a3_pdf_is_one_a3_page_labelled_with_the_artworks_dpi(client, poster):
    page = client.get(poster.url).content.decode()
    label = int(re.search(r"A3 PDF · 约 (\d+) dpi", page).group(1))
    assert label == int(artwork_dpi(1240, 1754, PAPER_SIZES["a3"]))
    assert label < 150  # said plainly: this artwork is soft at A3
    pdf = read_pdf(download(client, poster, "a3")[1])
    assert pdf["pages"] == 1
    assert pdf["points"] == [pytest.approx(A3_POINTS, abs=1)]


def test_artwork_over_300_dpi_is_printed_at_300(client, site_tree):
    poster = make_poster(site_tree["library"], width=3000, height=4243)
    assert "A4 PDF · 约 300 dpi" in client.get(poster.url).content.decode()
    pdf = read_pdf(download(client, poster)[1])
    assert pdf["pixels"][0] / (pdf["points"][0][0] / 72) == pytest.approx(300, abs=1)


def test_contact_block_is_printed_and_each_contact_is_its_own_file(client, poster):
    blank = read_pdf(download(client, poster)[1])["image"]
    _, content = download(client, poster, org="东门派出所反诈中心", phone="0571-87654321")
    filled = read_pdf(content)["image"]
    strip = (int(blank.width * 0.3), int(blank.height * 0.85), blank.width, blank.height)
    assert blank.crop(strip).tobytes() != filled.crop(strip).tobytes()
    # The rest of the page is the same poster.
    top = (0, 0, blank.width, int(blank.height * 0.7))
    assert blank.crop(top).tobytes() == filled.crop(top).tobytes()


def test_the_cjk_font_draws_chinese_not_empty_boxes():
    font = drawing.cjk_font(48, "bold")
    assert "SC" in font.getname()[0]
    station = font.getmask("派出所")
    missing = font.getmask("\U000f0000\U000f0001\U000f0002")  # private use: no glyph
    assert station.getbbox() and bytes(station) != bytes(missing)


def test_a_missing_font_fails_with_a_clear_message(monkeypatch, settings):
    monkeypatch.setattr(drawing, "FONT_DIRS", ("/nonexistent/fonts",))
    monkeypatch.delenv("FANGZHA_CJK_FONT_DIR", raising=False)
    settings.CJK_FONT_DIRS = ()
    drawing.cjk_font_file.cache_clear()
    try:
        with pytest.raises(drawing.FontMissing, match="fonts-noto-cjk"):
            drawing.cjk_font_file("bold")
    finally:
        drawing.cjk_font_file.cache_clear()


@pytest.mark.parametrize(
    "contact",
    [
        {"org": "派" * 31},
        {"phone": "打电话给我"},
        {"phone": "1" * 25},
        {"phone": "0571\n87654321"},
    ],
)
def test_bad_contact_text_is_refused_on_the_poster_page(client, poster, contact):
    response = client.get(f"/poster/{poster.pk}/download/a4/", contact)
    assert response.status_code == 400
    html = response.content.decode()
    assert "请检查联系方式" in html and TITLE in html
    assert 'aria-invalid="true"' in html


def test_a_pdf_is_drawn_once_then_served_from_storage(client, poster, monkeypatch):
    calls = []
    original = views.poster_pdf
    monkeypatch.setattr(
        views, "poster_pdf", lambda *args, **kwargs: calls.append(1) or original(*args, **kwargs)
    )
    first = download(client, poster, org="西湖区反诈中心")[1]
    second = download(client, poster, org="西湖区反诈中心")[1]
    assert first == second and len(calls) == 1
    download(client, poster, org="上城区反诈中心")
    assert len(calls) == 2
    folder = f"print/posters/{poster.pk}"
    assert len(default_storage.listdir(folder)[1]) == 2
    poster.save_revision().publish()  # a new revision draws afresh
    download(client, poster, org="西湖区反诈中心")
    assert len(calls) == 3
    poster.refresh_from_db()
    files = default_storage.listdir(folder)[1]  # the old revision's files are gone
    assert [name.split("-")[0] for name in files] == [str(poster.live_revision_id)]


def test_new_contact_pdfs_are_rate_limited_per_address(client, poster, monkeypatch):
    monkeypatch.setattr(views, "POSTER_PDF_LIMIT", 2)
    for number in range(2):
        download(client, poster, org=f"第{number}警务站")
    response = client.get(f"/poster/{poster.pk}/download/a4/", {"org": "第九警务站"})
    assert response.status_code == 429 and response["Retry-After"]
    download(client, poster)  # the blank poster is still there for everyone
    download(client, poster, org="第0警务站")  # and files already drawn


def test_unknown_size_or_draft_poster_is_404(client, site_tree, poster):
    assert client.get(f"/poster/{poster.pk}/download/a5/").status_code == 404
    draft = factories.PosterPageFactory(parent=site_tree["library"], live=False)
    assert client.get(f"/poster/{draft.pk}/download/a4/").status_code == 404


def test_editor_is_warned_about_artwork_under_300_dpi(client, poster, admin_user):
    client.force_login(admin_user)
    html = client.get(f"/admin/pages/{poster.pk}/edit/").content.decode()
    assert "低于清晰印刷所需的 300 dpi" in html
    sharp = make_poster(poster.get_parent(), width=2480, height=3508)
    html = client.get(f"/admin/pages/{sharp.pk}/edit/").content.decode()
    assert "低于清晰印刷所需的 300 dpi" not in html


def test_editor_cannot_publish_artwork_far_too_small_to_print(client, poster, admin_user):
    tiny = factories.ImageFactory(
        file__from_file=io.BytesIO(artwork(600, 848)), file__filename="tiny.png"
    )
    client.force_login(admin_user)
    data = nested_form_data(
        {
            "title": poster.title,
            "slug": poster.slug,
            "summary": poster.summary,
            "image": tiny.pk,
            "image_alt": poster.image_alt,
            "last_reviewed": "2026-11-20",
            "action-publish": "Publish",
        }
    )
    response = client.post(f"/admin/pages/{poster.pk}/edit/", data)
    assert response.status_code == 200
    assert "600×848" in str(response.context["form"].errors["image"])
    poster.refresh_from_db()
    assert poster.image_id != tiny.pk
