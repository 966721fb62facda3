"""Locale-prefixed URLs, the sitemap over every locale, robots.txt and the 404 page."""

from tests import factories


def test_root_redirects_to_chinese_home(client, site_tree):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/"


def test_english_tree_is_served_under_en_prefix(client, english_tree):
    response = client.get("/en/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert client.get("/en/materials/").status_code == 200


def test_language_switcher_stays_on_the_translated_page(client, site_tree, english_tree):
    html = client.get("/zh-hans/materials/").content.decode()
    assert 'href="/en/materials/" hreflang="en"' in html


def test_sitemap_lists_live_pages_in_every_locale_but_not_drafts(client, site_tree, english_tree):
    guide = factories.GuidePageFactory(parent=site_tree["library"], slug="hang-up")
    factories.GuidePageFactory(parent=site_tree["library"], slug="secret-draft", live=False)
    body = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/zh-hans/" in body
    assert "http://testserver/en/" in body
    assert "http://testserver/en/materials/" in body
    assert f"http://testserver/zh-hans/materials/{guide.slug}/" in body
    assert "secret-draft" not in body


def test_robots_txt_points_to_sitemap_and_hides_admin(client, site_tree):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_unknown_page_and_unknown_language_give_a_404_page(client, site_tree):
    response = client.get("/zh-hans/no-such-page/")
    assert response.status_code == 404
    assert "返回首页" in response.content.decode() or "home page" in response.content.decode()
    assert client.get("/xx/", follow=True).status_code == 404


def test_pages_declare_their_translations_with_hreflang(client, site_tree, english_tree):
    html = client.get("/zh-hans/materials/").content.decode()
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/materials/">' in html
    assert 'hreflang="zh-Hans" href="http://testserver/zh-hans/materials/"' in html
    guide = factories.GuidePageFactory(parent=site_tree["library"], slug="only-chinese")
    html = client.get(guide.url).content.decode()
    assert '<link rel="alternate" hreflang="en"' not in html  # no English version yet
