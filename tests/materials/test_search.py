"""The site search page: results, filters and bad input."""

import pytest

from tests import factories


@pytest.fixture
def searchable(site_tree):
    guide = factories.GuidePageFactory(
        parent=site_tree["library"],
        title="Fake police calls",
        summary="How to recognise a fake police officer on the phone.",
    )
    guide.audiences.add(site_tree["elders"])
    guide.save_revision().publish()
    factories.PosterPageFactory(parent=site_tree["library"], title="Bank card rental")
    return guide


def test_search_finds_a_material_and_links_to_it(client, searchable):
    response = client.get("/zh-hans/search/", {"q": "police"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fake police calls" in html
    assert searchable.url in html


def test_search_filters_by_type_and_audience(client, searchable):
    assert (
        "Fake police calls"
        not in client.get("/zh-hans/search/", {"q": "police", "type": "poster"}).content.decode()
    )
    assert (
        "Fake police calls"
        in client.get("/zh-hans/search/", {"q": "police", "audience": "elders"}).content.decode()
    )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 1000,
        "!!!???",
        "'; DROP TABLE wagtailcore_page; --",
        "<script>alert(1)</script>",
        "养老 pension 诈骗",
        "\x00",
        "AND OR NOT",
        '"unclosed',
    ],
)
def test_odd_queries_give_a_normal_escaped_page(client, searchable, query):
    response = client.get("/zh-hans/search/", {"q": query, "page": "zzz"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_no_results_shows_suggestions_and_hotline(client, site_tree):
    html = client.get("/zh-hans/search/", {"q": "zzzzqqq"}).content.decode()
    assert "冒充公检法" in html  # a scam type from the site_tree fixture
    assert "96110" in html
