"""QR tracked links: count scans and unique visitors per day, store no address, never
redirect off the site."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

from campaigns import links
from campaigns.models import LinkVisit, TrackedLink
from tests import factories
from tests.qr_decode import decode_png, decode_svg


@pytest.fixture
def link(world, site_tree):
    poster = factories.PosterPageFactory(parent=site_tree["library"], slug="poster-x")
    return TrackedLink.objects.create(
        campaign=world["campaign"], event=world["event_a"], target=poster, label="市场海报"
    )


def scan(client, link, address="203.0.113.7", agent="PhoneBrowser/1"):
    return client.get(f"/r/{link.code}/", REMOTE_ADDR=address, HTTP_USER_AGENT=agent)


def test_scan_redirects_to_the_material_on_this_site(client, link):
    response = scan(client, link)
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/materials/poster-x/"


def test_scans_and_unique_visitors_are_counted_per_day(client, link):
    scan(client, link, "203.0.113.7")
    scan(client, link, "203.0.113.7")
    scan(client, link, "198.51.100.2")
    visits = LinkVisit.objects.filter(link=link, day=timezone.localdate())
    assert visits.count() == 2  # unique visitors today
    assert sum(v.scans for v in visits) == 3


def test_visitor_hash_rotates_daily_and_stores_no_address(rf, link):
    request = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="PhoneBrowser/1")
    today = datetime.date(2026, 11, 25)
    first = links.visitor_fingerprint(request, today)
    assert first == links.visitor_fingerprint(request, today)
    assert first != links.visitor_fingerprint(request, today + datetime.timedelta(days=1))
    assert "203.0.113.7" not in first


def test_scan_stores_nothing_that_identifies_the_reader(client, link):
    scan(client, link, "203.0.113.7", "PhoneBrowser/1")
    stored = str(list(LinkVisit.objects.values()))
    assert "203.0.113" not in stored and "PhoneBrowser" not in stored


@pytest.mark.parametrize(
    "path",
    [
        "/r/nosuchcode/",
        "/r/https:%2F%2Fevil.example/",
        "/r//evil.example/",
        "/r/%2F%2Fevil/",
    ],
)
def test_unknown_or_malicious_codes_give_a_friendly_page_not_a_redirect(client, link, path):
    response = client.get(path, follow=False)
    assert response.status_code == 404
    assert "Location" not in response


def test_disabled_link_or_withdrawn_material_shows_a_friendly_page(client, link):
    link.is_active = False
    link.save()
    response = scan(client, link)
    assert response.status_code == 404
    assert "此链接已失效" in response.content.decode()
    link.is_active = True
    link.save()
    link.target.unpublish()
    assert scan(client, link).status_code == 404
    assert not LinkVisit.objects.exists()


@pytest.mark.parametrize("restricted", ["material", "section"])
def test_link_to_a_private_page_shows_the_friendly_page(client, site_tree, link, restricted):
    """A material made private (or moved into a private section) after the posters were
    printed: readers get the friendly page, not a password form, and no scan is counted."""
    page = link.target if restricted == "material" else site_tree["library"]
    PageViewRestriction.objects.create(page=page, restriction_type="password", password="x")
    response = scan(client, link)
    assert response.status_code == 404
    assert "此链接已失效" in response.content.decode()
    assert not LinkVisit.objects.exists()


def test_link_to_a_page_that_no_site_serves_leads_home(client, world, link):
    """A material moved out of the site's tree is live but has no address on this site."""
    outside = factories.PosterPageFactory(parent=Page.get_first_root_node(), slug="orphan")
    link.target = outside
    link.save()
    response = scan(client, link)
    assert response.status_code == 302 and response["Location"] == "/"
    assert LinkVisit.objects.get(link=link).scans == 1


def test_link_redirects_relative_to_the_requests_site(client, world, site_tree, link):
    """With a second site in the same installation, a page of the scanned site is still
    reached by a relative address, and a page of the other site by that site's own."""
    other_home = factories.HomePageFactory(parent=Page.get_first_root_node(), slug="other")
    Site.objects.create(hostname="other.example", port=80, root_page=other_home)
    other_poster = factories.PosterPageFactory(parent=other_home, slug="poster-y")
    assert scan(client, link)["Location"] == "/zh-hans/materials/poster-x/"
    elsewhere = TrackedLink.objects.create(campaign=world["campaign"], target=other_poster)
    assert scan(client, elsewhere)["Location"] == "http://other.example/zh-hans/poster-y/"


def test_opening_a_link_reads_the_link_and_its_page_together(link, django_assert_num_queries):
    """Every scan of a printed poster runs this: the link with its page in one query, then
    Wagtail's two for the view restrictions of the page and its ancestors."""
    with django_assert_num_queries(3):
        found, target = links.open_link(link.code)
        assert (found, target.live) == (link, True)


def test_tracked_link_qr_codes_for_campaign_staff_only(client, world, link):
    client.force_login(world["coord_a"])
    png = client.get(f"/admin/campaigns/links/{link.pk}/qr.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert decode_png(png.content) == [f"http://testserver/r/{link.code}/"]
    svg = client.get(f"/admin/campaigns/links/{link.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert decode_svg(svg.content) == [f"http://testserver/r/{link.code}/"]
    client.force_login(world["editor"])
    assert client.get(f"/admin/campaigns/links/{link.pk}/qr.png").status_code in (302, 403)


def test_tracked_link_qr_leads_through_the_counter_to_the_material(client, world, link):
    """What a phone does: read the code, open the URL, land on the poster, one scan counted.

    The coordinator downloads the code through an internal admin address; the printed
    code carries the site's public address (its Wagtail Site), never the request's host."""
    Site.objects.filter(is_default_site=True).update(hostname="fangzha.example.org", port=443)
    client.force_login(world["manager"])
    png = client.get(f"/admin/campaigns/links/{link.pk}/qr.png", HTTP_HOST="admin.internal:8000")
    [url] = decode_png(png.content)
    assert url == f"https://fangzha.example.org/r/{link.code}/"
    client.logout()
    response = client.get(
        url.removeprefix("https://fangzha.example.org"),
        secure=True,
        HTTP_HOST="fangzha.example.org",
    )
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/materials/poster-x/"
    assert LinkVisit.objects.get(link=link).scans == 1
