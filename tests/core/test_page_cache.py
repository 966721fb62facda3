"""The whole-page cache for anonymous readers (core/page_cache.py)."""

import http.server
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from core.models import SiteSettings
from tests import factories


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def guide(site_tree):
    return factories.GuidePageFactory(parent=site_tree["library"], title="识破冒充客服退款")


def fetch(client, url, **kwargs):
    """GET the URL and say how many SQL queries answering it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    return response, len(queries)


def test_a_second_anonymous_visit_is_served_from_the_cache_without_queries(client, guide):
    first, first_queries = fetch(client, guide.url)
    second, second_queries = fetch(client, guide.url)

    assert first.status_code == second.status_code == 200
    assert first["X-Page-Cache"] == "miss" and first_queries > 0
    assert second["X-Page-Cache"] == "hit" and second_queries == 0
    assert second.content == first.content
    assert "识破冒充客服退款" in second.content.decode()
    # The hit carries the same security headers as the page did.
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Type"):
        assert second[header] == first[header]
    assert "Cookie" in second["Vary"]


def test_elder_mode_and_standard_readers_never_see_each_others_copy(client, guide):
    client.get(guide.url)  # standard copy cached
    client.cookies["care_mode"] = "1"
    care = client.get(guide.url)
    assert care["X-Page-Cache"] == "miss"
    assert 'class="care-mode"' in care.content.decode()
    assert client.get(guide.url)["X-Page-Cache"] == "hit"

    del client.cookies["care_mode"]
    standard = client.get(guide.url)
    assert standard["X-Page-Cache"] == "hit"
    assert 'class="care-mode"' not in standard.content.decode()


def test_each_language_has_its_own_copy(client, english_tree):
    zh = client.get("/zh-hans/")
    en = client.get("/en/")
    assert (zh["X-Page-Cache"], en["X-Page-Cache"]) == ("miss", "miss")
    assert client.get("/en/")["X-Page-Cache"] == "hit"
    assert 'lang="en"' in client.get("/en/").content.decode()
    assert 'lang="zh-Hans"' in client.get("/zh-hans/").content.decode()


def test_publishing_a_change_replaces_every_cached_page(client, site_tree, guide):
    client.get(guide.url)
    client.get("/zh-hans/")

    guide.title = "识破冒充客服退款（更新）"
    guide.save_revision().publish()
    factories.AlertPageFactory(parent=site_tree["alerts"], title="新型医保诈骗预警")
    alert = site_tree["alerts"].get_children().live().last().specific
    alert.save_revision().publish()

    updated = client.get(guide.url)
    assert updated["X-Page-Cache"] == "miss"
    assert "识破冒充客服退款（更新）" in updated.content.decode()
    home = client.get("/zh-hans/")
    assert home["X-Page-Cache"] == "miss"
    assert "新型医保诈骗预警" in home.content.decode()


def test_an_unpublished_page_is_gone_at_once(client, guide):
    url = guide.url
    assert client.get(url).status_code == 200
    guide.unpublish()
    assert client.get(url).status_code == 404


def test_site_settings_change_reaches_cached_pages(client, site_tree, guide):
    client.get(guide.url)
    settings_row = SiteSettings.for_site(site_tree["site"])
    settings_row.hotline = "110-96110"
    settings_row.save()
    response = client.get(guide.url)
    assert response["X-Page-Cache"] == "miss"
    assert "110-96110" in response.content.decode()


def test_signed_in_editors_bypass_the_cache_and_are_never_stored(client, guide, editor):
    client.get(guide.url)
    client.force_login(editor)
    as_editor = client.get(guide.url)
    assert "X-Page-Cache" not in as_editor
    assert "wagtail-userbar" in as_editor.content.decode()

    client.logout()
    anonymous = client.get(guide.url)
    assert anonymous["X-Page-Cache"] == "hit"
    assert "wagtail-userbar" not in anonymous.content.decode()


def test_pages_with_view_restrictions_are_not_stored(client, guide):
    PageViewRestriction.objects.create(page=guide, restriction_type="password", password="x")
    client.get(guide.url)
    again = client.get(guide.url)
    assert again.get("X-Page-Cache") != "hit"
    assert "password" in again.content.decode().lower()


def test_restricting_a_cached_page_takes_effect_at_once(client, guide):
    assert "识破冒充客服退款" in client.get(guide.url).content.decode()  # cached
    PageViewRestriction.objects.create(page=guide, restriction_type="password", password="x")
    restricted = client.get(guide.url)
    assert restricted.get("X-Page-Cache") != "hit"
    assert "识破冒充客服退款" not in restricted.content.decode().split("<main", 1)[-1]


def test_searches_are_cached_per_query(client, guide):
    found = client.get("/zh-hans/search/", {"q": "客服"})
    assert found["X-Page-Cache"] == "miss" and "识破冒充客服退款" in found.content.decode()
    assert client.get("/zh-hans/search/", {"q": "客服"})["X-Page-Cache"] == "hit"
    other = client.get("/zh-hans/search/", {"q": "养老"})
    assert other["X-Page-Cache"] == "miss"
    assert "识破冒充客服退款" not in other.content.decode()


def test_responses_that_set_cookies_or_count_visits_are_never_cached(client, guide):
    toggle = client.get("/care-mode/on/", {"next": guide.url})
    assert toggle.status_code == 302 and "X-Page-Cache" not in toggle
    assert client.get("/healthz").get("X-Page-Cache") is None
    assert client.get("/zh-hans/no-such-page/").status_code == 404
    assert client.get("/zh-hans/no-such-page/").get("X-Page-Cache") is None


def test_the_cache_is_off_when_page_cache_seconds_is_zero(client, settings, guide):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(guide.url)
    response, queries = fetch(client, guide.url)
    assert "X-Page-Cache" not in response and queries > 0


class PurgeRecorder(http.server.BaseHTTPRequestHandler):
    """A stand-in for Varnish: records the PURGE requests it receives."""

    received: list = []

    def do_PURGE(self):  # noqa: N802
        self.received.append((self.headers["Host"], self.path))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def purge_server(settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    PurgeRecorder.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_address[1]}",
        }
    }
    yield PurgeRecorder.received
    server.shutdown()


def test_publishing_purges_the_page_its_lists_and_the_sitemap_from_a_cdn(
    client, site_tree, guide, purge_server
):
    cached = client.get(guide.url)
    assert "s-maxage=600" in cached["Cache-Control"] and "public" in cached["Cache-Control"]

    guide.save_revision().publish()
    purged = {path for host, path in purge_server}
    assert {guide.url, site_tree["library"].url, "/zh-hans/", "/sitemap.xml"} <= purged
    assert {host for host, path in purge_server} == {"testserver"}


def test_without_a_cdn_pages_do_not_invite_shared_caches_to_keep_them(client, guide):
    assert "s-maxage" not in client.get(guide.url).get("Cache-Control", "")
