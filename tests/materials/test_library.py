"""The materials library: combinable filters kept in the query string, pagination, landings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories


@pytest.fixture
def library_items(site_tree):
    library = site_tree["library"]
    elder_poster = factories.PosterPageFactory(parent=library, title="老人海报")
    elder_poster.audiences.add(site_tree["elders"])
    elder_poster.scam_types.add(site_tree["police"])
    elder_poster.save()
    student_guide = factories.GuidePageFactory(parent=library, title="学生指南")
    student_guide.audiences.add(site_tree["students"])
    student_guide.save()
    elder_guide = factories.GuidePageFactory(parent=library, title="老人指南")
    elder_guide.audiences.add(site_tree["elders"])
    elder_guide.save()
    case = factories.CaseStudyPageFactory(parent=library, title="典型案例甲")
    case.scam_types.add(site_tree["police"])
    case.save()
    return {
        "elder_poster": elder_poster,
        "student_guide": student_guide,
        "elder_guide": elder_guide,
        "case": case,
    }


def titles(response):
    return {item.title for item in response.context["results"].object_list}


def test_library_lists_every_material(client, site_tree, library_items):
    response = client.get(site_tree["library"].url)
    assert titles(response) == {"老人海报", "学生指南", "老人指南", "典型案例甲"}


def test_filters_combine_across_dimensions(client, site_tree, library_items):
    url = site_tree["library"].url
    assert titles(client.get(url, {"audience": "elders"})) == {"老人海报", "老人指南"}
    assert titles(client.get(url, {"audience": "elders", "type": "guide"})) == {"老人指南"}
    assert titles(client.get(url, {"scam_type": "impersonating-police"})) == {
        "老人海报",
        "典型案例甲",
    }
    both_types = client.get(url + "?type=poster&type=case")
    assert titles(both_types) == {"老人海报", "典型案例甲"}


def test_filters_are_kept_in_pagination_links(client, site_tree):
    library = site_tree["library"]
    for _ in range(14):
        guide = factories.GuidePageFactory(parent=library)
        guide.audiences.add(site_tree["elders"])
        guide.save()
    response = client.get(library.url, {"audience": "elders", "type": "guide"})
    html = response.content.decode()
    assert "?audience=elders&amp;type=guide&amp;page=2" in html
    page2 = client.get(library.url, {"audience": "elders", "type": "guide", "page": "2"})
    assert len(page2.context["results"].object_list) == 2


@pytest.mark.parametrize(
    "query",
    [
        {"type": "nonsense"},
        {"audience": "martians"},
        {"page": "abc"},
        {"page": "-4"},
        {"page": "99999"},
        {"scam_type": "'; DROP TABLE x; --"},
        {"type": "x" * 5000},
    ],
)
def test_bad_filter_values_give_a_normal_page(client, site_tree, library_items, query):
    response = client.get(site_tree["library"].url, query)
    assert response.status_code == 200
    assert response.context["results"].object_list


def test_audience_landing_page_shows_only_that_audience(client, site_tree, library_items):
    site_tree["elders"].description = "写给长辈的防骗资料"
    site_tree["elders"].save()
    response = client.get(site_tree["library"].url + "for/elders/")
    assert response.status_code == 200
    assert titles(response) == {"老人海报", "老人指南"}
    assert "写给长辈的防骗资料" in response.content.decode()


def test_scam_type_landing_page_and_unknown_slug(client, site_tree, library_items):
    response = client.get(site_tree["library"].url + "topic/impersonating-police/")
    assert titles(response) == {"老人海报", "典型案例甲"}
    assert client.get(site_tree["library"].url + "topic/no-such-type/").status_code == 404


def test_listing_query_count_does_not_grow_with_items(client, site_tree):
    library = site_tree["library"]
    for index in range(5):
        factories.PosterPageFactory(parent=library)
        factories.GuidePageFactory(parent=library, listing_image=factories.ImageFactory())
        if index < 2:
            factories.CaseStudyPageFactory(parent=library)
    client.get(library.url)  # warm per-process caches (content types, site root paths)
    with CaptureQueriesContext(connection) as few:
        client.get(library.url, {"page": 1})
    assert len(few) <= 12
    for _ in range(15):  # more than a page more
        factories.GuidePageFactory(parent=library, listing_image=factories.ImageFactory())
    client.get(library.url)  # the first view of new images makes their renditions
    with CaptureQueriesContext(connection) as many:
        response = client.get(library.url)
    assert len(many) == len(few)
    assert len(response.context["results"].object_list) == 12
