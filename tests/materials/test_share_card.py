"""Share cards (an image a family member forwards in a chat) and poster cards that show
the whole headline."""

import io
import re

import pytest
from django.conf import settings
from PIL import Image

from core import drawing
from materials import views
from materials.printing import SHARE_CARD_SIZE, SHARE_MARGIN
from tests import factories
from tests.materials.test_poster_print import HEADLINE, make_poster, near
from tests.qr_decode import decode_png

LONG_TITLE = "接到自称公安局、检察院、法院的电话，说你涉嫌洗钱要转账到安全账户？挂断，这是诈骗"


@pytest.fixture
def guide(site_tree):
    guide = factories.GuidePageFactory(
        parent=site_tree["library"],
        title=LONG_TITLE,
        summary="公检法不会电话办案，更没有安全账户。先挂断，再拨打 96110 核实。",
    )
    guide.save_revision().publish()
    guide.refresh_from_db()
    return guide


def card_url(client, page):
    html = client.get(page.url).content.decode()
    link = re.search(r'<a class="share-card-link" href="([^"]+)">分享卡片</a>', html)
    assert link, "each material page has a 分享卡片 link"
    return link.group(1), html


def test_share_card_is_a_portrait_png_with_the_pages_qr_code(client, guide):
    url, _ = card_url(client, guide)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    content = b"".join(response.streaming_content)
    image = Image.open(io.BytesIO(content))
    image.verify()  # decodes
    assert Image.open(io.BytesIO(content)).size == SHARE_CARD_SIZE
    assert decode_png(content) == [f"http://testserver/zh-hans/materials/{guide.slug}/"]


def test_long_titles_wrap_inside_the_margins(client, guide):
    url, _ = card_url(client, guide)
    card = Image.open(io.BytesIO(b"".join(client.get(url).streaming_content))).convert("L")
    width, height = card.size
    title_band = (0, 250, width, 750)  # under the site's name, above the advice
    ink = [
        (x, y)
        for y in range(title_band[1], title_band[3], 2)
        for x in range(0, width, 2)
        if card.getpixel((x, y)) < 128
    ]
    assert len(ink) > 2000, "the title is drawn in large type"
    xs = [x for x, _ in ink]
    assert min(xs) >= SHARE_MARGIN - 4 and max(xs) <= width - SHARE_MARGIN + 4
    rows = {y // 95 for _, y in ink}
    assert len(rows) >= 2, "a long title wraps onto several lines"


def test_og_image_is_the_share_card_of_this_revision(client, guide):
    url, html = card_url(client, guide)
    assert url == f"/share/{guide.pk}.png?v={guide.live_revision_id}"
    assert f'<meta property="og:image" content="http://testserver{url}">' in html
    assert '<meta property="og:image:width" content="1080">' in html
    guide.summary = "新的提醒：挂断电话，打 96110。"
    guide.save_revision().publish()
    guide.refresh_from_db()
    assert card_url(client, guide)[0] == f"/share/{guide.pk}.png?v={guide.live_revision_id}"


def test_share_card_cache_headers_and_storage(client, guide, monkeypatch):
    calls = []
    original = views.share_card
    monkeypatch.setattr(
        views, "share_card", lambda *args, **kwargs: calls.append(1) or original(*args, **kwargs)
    )
    url, _ = card_url(client, guide)
    assert client.get(url)["Cache-Control"] == "public, max-age=31536000"
    assert client.get(f"/share/{guide.pk}.png")["Cache-Control"] == "public, max-age=3600"
    assert len(calls) == 1  # drawn once, then read from storage
    assert "inline" in client.get(url)["Content-Disposition"]


def test_share_card_for_non_materials_and_drafts_is_404(client, site_tree):
    assert client.get(f"/share/{site_tree['home'].pk}.png").status_code == 404
    draft = factories.GuidePageFactory(parent=site_tree["library"], live=False)
    assert client.get(f"/share/{draft.pk}.png").status_code == 404


def test_poster_cards_show_the_whole_artwork_not_a_crop(client, site_tree):
    poster = make_poster(site_tree["library"])
    html = client.get(site_tree["library"].url).content.decode()
    card = re.search(r'<article class="card">\s*<img([^>]+)>', html).group(1)
    assert 'class="fit-whole"' in card
    src = re.search(r'src="([^"]+)"', card).group(1)
    image = Image.open(_media(src)).convert("RGB")
    assert image.size == (226, 320)  # the poster's own shape, letterboxed by CSS
    assert near(image.getpixel((image.width // 2, 3)), HEADLINE)  # the headline is there
    guide = factories.GuidePageFactory(
        parent=site_tree["library"], listing_image=factories.ImageFactory()
    )
    guide.save_revision().publish()
    html = client.get(site_tree["library"].url).content.decode()
    assert html.count("fit-whole") == 1 and poster.title in html


def _media(src):
    return f"{settings.MEDIA_ROOT}/{src.removeprefix(settings.MEDIA_URL)}"


def test_wrapping_never_starts_a_line_with_punctuation_nor_passes_the_width():
    font = drawing.cjk_font(76, "bold")
    for width in range(500, 921, 7):
        lines = drawing.wrap(LONG_TITLE + "！", font, width)
        assert "".join(lines) == LONG_TITLE + "！"
        assert all(font.getlength(line) <= width for line in lines)
        assert not any(line[0] in drawing.CLOSING for line in lines)


def test_a_guides_card_carries_its_steps_not_only_its_summary(client, site_tree):
    steps = {
        "title": "怎么办",
        "steps": [
            {"title": "立即挂断电话", "text": "不要听对方解释"},
            {"title": "拨打110核实", "text": ""},
            {"title": "不转账、不给验证码", "text": ""},
        ],
    }
    guide = factories.GuidePageFactory(
        parent=site_tree["library"],
        title="接到“公检法”电话怎么办",
        summary="公检法不会电话办案。",
        body=[
            ("paragraph", "<p>骗子会说出您的身份证号。</p>"),
            ("warning_signs", {"title": "信号", "signs": ["要求保密"]}),
            ("steps", steps),
        ],
    )
    guide.save_revision().publish()
    assert guide.key_advice() == (
        "公检法不会电话办案。\n1. 立即挂断电话\n2. 拨打110核实\n3. 不转账、不给验证码"
    )
    plain = factories.GuidePageFactory(
        parent=site_tree["library"], title=guide.title, summary=guide.summary
    )
    plain.save_revision().publish()
    assert plain.key_advice() == "公检法不会电话办案。"  # no steps or signs: the summary alone

    def lowest_ink(page):
        url, _ = card_url(client, page)
        card = Image.open(io.BytesIO(b"".join(client.get(url).streaming_content))).convert("L")
        width, height = card.size
        return max(
            y
            for y in range(300, height - SHARE_MARGIN - 300, 4)
            for x in range(SHARE_MARGIN, width // 2, 4)
            if card.getpixel((x, y)) < 128
        )

    # the three steps are drawn under the summary: three lines (60 px each) lower
    assert lowest_ink(guide) >= lowest_ink(plain) + 2 * 60
