"""Fragments cached per cache epoch, and the one-query route below the home page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories


def body_with(text: str):
    return [("paragraph", f"<p>{text}</p>")]


def test_a_cached_guide_body_changes_when_the_guide_is_republished(client, site_tree):
    guide = factories.GuidePageFactory(parent=site_tree["library"], body=body_with("旧的提示"))
    assert "旧的提示" in client.get(guide.url).content.decode()
    guide.body = body_with("新的提示：不要共享屏幕")
    guide.save_revision().publish()
    page = client.get(guide.url).content.decode()
    assert "新的提示：不要共享屏幕" in page and "旧的提示" not in page


def test_a_preview_of_a_draft_is_never_served_from_the_fragment_cache(client, site_tree):
    guide = factories.GuidePageFactory(parent=site_tree["library"], body=body_with("已发布的正文"))
    client.get(guide.url)  # the published body is now cached
    guide.title = "草稿标题"
    guide.body = body_with("草稿里的新正文")
    preview = guide.make_preview_request().content.decode()
    assert "草稿标题" in preview and "草稿里的新正文" in preview
    assert "草稿里的新正文" not in client.get(guide.url).content.decode()


def test_pages_are_found_in_one_query_and_sub_routes_still_work(client, site_tree):
    guide = factories.GuidePageFactory(parent=site_tree["library"], slug="pension-scams")
    client.get(guide.url)  # warms the route
    with CaptureQueriesContext(connection) as queries:
        assert client.get(guide.url).status_code == 200
    page_queries = [q["sql"] for q in queries if 'FROM "wagtailcore_page"' in q["sql"]]
    assert len(page_queries) <= 3, page_queries  # localized home, the guide, its ancestors
    # The library's own routes (landing pages) are not mistaken for child pages.
    assert client.get(site_tree["library"].url + "for/elders/").status_code == 200
    assert client.get(site_tree["library"].url + "no-such-page/").status_code == 404


def test_a_moved_or_unpublished_page_is_routed_afresh(client, site_tree):
    guide = factories.GuidePageFactory(parent=site_tree["library"], slug="moving")
    old_url = guide.url
    assert client.get(old_url).status_code == 200
    guide.move(site_tree["alerts"], pos="last-child")
    guide.refresh_from_db()
    moved = client.get(old_url)  # Wagtail leaves a redirect behind
    assert moved.status_code == 301 and moved["Location"] == guide.url
    assert client.get(guide.url).status_code == 200
    guide.unpublish()
    assert client.get(guide.url).status_code == 404


def test_pointing_the_site_at_another_root_page_takes_effect_at_once(client, site_tree):
    site, library = site_tree["site"], site_tree["library"]
    assert client.get("/zh-hans/").context["page"].pk == site_tree["home"].pk
    site.root_page = library
    site.save()
    assert client.get("/zh-hans/").context["page"].pk == library.pk
