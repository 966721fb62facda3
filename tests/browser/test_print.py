"""A community worker printing at a market stall: the poster page prints the poster, a
guide prints the guide, with no site chrome, elder bar, buttons or forms; the poster PDF
and the share card come down from a phone."""

import io
import re

import pytest
from PIL import Image

from tests.browser.helpers import SHOTS

pytestmark = pytest.mark.browser

POSTER = "/zh-hans/materials/poster-screen-sharing/"
GUIDE = "/zh-hans/materials/guide-elders-police-calls/"

# What never prints: header and navigation, footer, the elder mode bar, buttons, forms.
CHROME = (
    ".site-header, .site-nav, .site-footer, .care-hotline-bar, .care-hotline, .skip-link, button, "
    "form, input, .downloads, .feedback, .share-card-link"
)
SHOWN_CHROME = f"""() => [...document.querySelectorAll({CHROME!r})]
    .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
    .map(el => el.tagName.toLowerCase() + '.' + el.className)"""


def pdf_pages(content: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", content))


def qr_inside_its_box(page) -> bool:
    return page.evaluate(
        """() => {
          const qr = document.querySelector('.share-box .qr').getBoundingClientRect();
          const box = document.querySelector('.share-box').getBoundingClientRect();
          return qr.width > 0 && qr.left >= box.left && qr.right <= box.right
            && qr.top >= box.top && qr.bottom <= box.bottom;
        }"""
    )


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_printing_a_poster_page_prints_the_poster_on_one_page(phone, demo_site):
    phone.goto(demo_site + POSTER)
    assert qr_inside_its_box(phone)  # on screen (elder mode leaves the share box out)
    phone.goto(f"{demo_site}/care-mode/on/?next={POSTER}")  # the elder bar must not print
    assert phone.locator(".care-hotline").is_visible()
    phone.emulate_media(media="print")
    assert phone.evaluate(SHOWN_CHROME) == []
    poster = phone.locator(".poster-figure img")
    assert poster.is_visible()
    assert qr_inside_its_box(phone)  # on paper
    shot(phone, "print-poster.png")
    phone.set_viewport_size({"width": 703, "height": 1032})  # A4 inside 12 mm margins
    assert poster.bounding_box()["height"] >= 175 / 25.4 * 96  # the poster fills the page
    assert qr_inside_its_box(phone)
    pdf = phone.pdf(format="A4", print_background=True)
    (SHOTS / "print-poster.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 1


def test_printing_a_guide_prints_the_guide_without_chrome(phone, demo_site):
    phone.goto(f"{demo_site}/care-mode/on/?next={GUIDE}")
    phone.emulate_media(media="print")
    assert phone.evaluate(SHOWN_CHROME) == []
    assert phone.locator("h1").is_visible() and phone.locator(".stream").is_visible()
    assert qr_inside_its_box(phone)
    shot(phone, "print-guide.png")
    pdf = phone.pdf(format="A4", print_background=True)
    (SHOTS / "print-guide.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) >= 1
    phone.goto(f"{demo_site}/care-mode/off/?next={GUIDE}")


def test_a_team_downloads_the_a4_poster_with_its_contact(phone, demo_site):
    phone.goto(demo_site + POSTER)
    label = phone.locator(".download-buttons button").first
    assert re.fullmatch(r"A4 PDF · 约 \d+ dpi", label.inner_text().strip())
    phone.get_by_label("单位名称").fill("东门派出所反诈中心")
    phone.get_by_label("联系电话").fill("0571-87654321")
    shot(phone, "poster-contact-form.png")
    with phone.expect_download() as info:
        label.click()
    download = info.value
    title = phone.locator("h1").inner_text().strip()
    assert download.suggested_filename == f"{title}-A4.pdf"
    content = open(download.path(), "rb").read()  # noqa: PTH123,SIM115
    assert content.startswith(b"%PDF-") and pdf_pages(content) == 1


def test_share_card_button_opens_the_card_on_a_phone(phone, demo_site):
    phone.goto(demo_site + GUIDE)
    button = phone.get_by_role("link", name="分享卡片")
    assert button.is_visible()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    shot(phone, "share-card-link.png")
    href = button.get_attribute("href")
    assert re.fullmatch(r"/share/\d+\.png\?v=\d+", href)
    response = phone.request.get(demo_site + href)
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    card = Image.open(io.BytesIO(response.body()))
    assert card.size == (1080, 1350)
    (SHOTS / "share-card-guide.png").write_bytes(response.body())
    og_image = phone.locator('meta[property="og:image"]').get_attribute("content")
    assert og_image.endswith(href)
