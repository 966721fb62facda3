"""Each material page type renders its key content for the public."""

import pytest
from wagtail.models import PageViewRestriction

from materials.models import VideoCaption
from tests import factories


@pytest.fixture
def poster(site_tree):
    page = factories.PosterPageFactory(parent=site_tree["library"], title="谨防冒充公检法")
    page.scam_types.add(site_tree["police"])
    page.audiences.add(site_tree["elders"])
    page.save_revision().publish()
    return page


def test_poster_page_shows_image_with_alt_text_print_downloads_and_qr(client, poster):
    response = client.get(poster.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>谨防冒充公检法</h1>" in html
    assert 'alt="海报文字：陌生来电要警惕，拨打96110咨询。"' in html
    assert f"/poster/{poster.pk}/download/a4/" in html
    assert f"/poster/{poster.pk}/download/a3/" in html
    assert f"/qr/{poster.pk}.svg" in html
    assert "冒充公检法" in html and "老年人" in html


def test_poster_print_download_is_a_pdf(client, poster):
    """The PDF itself is tested in test_poster_print.py."""
    response = client.get(f"/poster/{poster.pk}/download/a4/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.get(f"/poster/{poster.pk}/download/a5/").status_code == 404


def test_guide_page_renders_blocks_and_reading_time(client, site_tree):
    guide = factories.GuidePageFactory(
        parent=site_tree["library"],
        body=[
            ("heading", "先挂断，再核实"),
            ("warning_signs", {"title": "警惕信号", "signs": ["要求转账到安全账户"]}),
            ("steps", {"title": "怎么办", "steps": [{"title": "挂断电话", "text": "不要回拨"}]}),
            ("checklist", {"title": "转账前", "items": ["是否见过对方本人？"]}),
            ("case_quote", {"quote": "他说我涉嫌洗钱。", "attribution": "李阿姨"}),
            ("hotline", {"text": "拿不准就打电话"}),
        ],
    )
    html = client.get(guide.url).content.decode()
    for text in [
        "先挂断，再核实",
        "要求转账到安全账户",
        "挂断电话",
        "是否见过对方本人？",
        "他说我涉嫌洗钱。",
        "拿不准就打电话",
        'href="tel:96110"',
    ]:
        assert text in html
    assert guide.reading_minutes == 1


def test_case_study_shows_red_flags_outcome_and_lesson(client, site_tree):
    case = factories.CaseStudyPageFactory(parent=site_tree["library"])
    html = client.get(case.url).content.decode()
    assert "要求下载会议软件并共享屏幕" in html
    assert "正规客服不会要求共享屏幕" in html
    assert "5万元" in html


def test_video_page_lists_caption_tracks_and_download(client, site_tree):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document_model = get_document_model()
    video_file = document_model(title="clip")
    video_file.file.save("clip.mp4", ContentFile(b"\x00" * 100), save=True)
    vtt = document_model(title="zh")
    vtt.file.save("clip.zh-hans.vtt", ContentFile(b"WEBVTT\n\n"), save=True)
    video = factories.VideoPageFactory(parent=site_tree["library"], video_file=video_file)
    video.captions.add(VideoCaption(language="zh-hans", file=vtt))
    video.save()
    html = client.get(video.url).content.decode()
    assert '<track kind="captions"' in html and 'srclang="zh-Hans"' in html
    assert "clip.mp4" in html and " download" in html
    assert "刷单就是诈骗。" in html


def test_draft_pages_are_not_public(client, site_tree):
    guide = factories.GuidePageFactory(parent=site_tree["library"], live=False)
    assert client.get(guide.url or f"{site_tree['library'].url}{guide.slug}/").status_code == 404


MARKER = "内部通报：冒充快递理赔"


def public_places(site_tree, kind):
    """Every public place where a material of this kind is shown (alerts are not in the
    materials API; guides are on the home page when featured)."""
    places = ["/zh-hans/search/?q=" + MARKER, "/sitemap.xml", site_tree["home"].url]
    if kind == "alert":
        alerts = site_tree["alerts"].url
        places += [alerts, alerts + "feed/rss/", alerts + "feed/atom/"]
    else:
        places += [site_tree["library"].url, "/api/v1/materials/"]
    return places


@pytest.mark.parametrize("kind", ["guide", "alert"])
@pytest.mark.parametrize("restriction_type", ["password", "login"])
def test_private_pages_are_not_public(client, site_tree, kind, restriction_type):
    if kind == "alert":
        page = factories.AlertPageFactory(
            parent=site_tree["alerts"], title=MARKER, body=f"<p>{MARKER}的细节。</p>"
        )
    else:
        page = factories.GuidePageFactory(
            parent=site_tree["library"],
            title=MARKER,
            body=[("paragraph", f"<p>{MARKER}的细节。</p>")],
        )
        home = site_tree["home"]
        home.featured_items.model.objects.create(home=home, page=page)
    slug_url = page.get_full_url()  # the sitemap lists full URLs, not titles
    places = public_places(site_tree, kind)
    # While public, the marker is on the page and in every listing, so its absence below
    # means the restriction hid it, not that the listing never showed it.
    assert MARKER in client.get(page.url).content.decode()
    for place in places:
        body = client.get(place).content.decode()
        assert MARKER in body or slug_url in body, f"not listed while public: {place}"
    assert client.get(f"/qr/{page.pk}.png").status_code == 200

    PageViewRestriction.objects.create(
        page=page,
        restriction_type=restriction_type,
        password="x" if restriction_type == "password" else "",
    )
    response = client.get(page.url)
    if restriction_type == "password":
        assert response.status_code == 200
        assert 'type="password"' in response.content.decode()
    else:
        assert response.status_code == 302 and "login" in response["Location"]
    assert MARKER not in response.content.decode()
    for place in places:
        body = client.get(place).content.decode()
        assert MARKER not in body and slug_url not in body, f"still public: {place}"
    assert client.get(f"/qr/{page.pk}.png").status_code == 404


def test_alert_index_lists_newest_first_with_feeds(client, site_tree):
    import datetime

    older = factories.AlertPageFactory(
        parent=site_tree["alerts"], title="旧预警", alert_date=datetime.date(2026, 1, 5)
    )
    newer = factories.AlertPageFactory(
        parent=site_tree["alerts"], title="新预警", alert_date=datetime.date(2026, 11, 1)
    )
    html = client.get(site_tree["alerts"].url).content.decode()
    assert html.index(newer.title) < html.index(older.title)
    rss = client.get(site_tree["alerts"].url + "feed/rss/")
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    body = rss.content.decode()
    assert "新预警" in body and "旧预警" in body
    atom = client.get(site_tree["alerts"].url + "feed/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "<entry>" in atom.content.decode()


def test_home_page_shows_alerts_entry_points_and_hotline(client, site_tree):
    factories.AlertPageFactory(parent=site_tree["alerts"], title="冒充医保局来电")
    html = client.get("/zh-hans/").content.decode()
    assert "冒充医保局来电" in html
    assert "materials/for/elders/" in html and "materials/for/students/" in html
    assert 'href="tel:96110"' in html
