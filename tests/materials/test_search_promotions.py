"""Promoted results (issue 15): editors promote pages for a query in the admin (Wagtail's
search promotions, 设置 → 推荐搜索结果); the public search shows them first, marked
推荐, in the reader's language, live and public only, then the other results without
them; matching is tolerant of spaces, width and case; within 12 queries."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import PageViewRestriction

from tests import factories
from tests.core.test_admin_chinese import Walk, chinese_user, report

ADD = "/admin/searchpicks/add/"


@pytest.fixture
def pages(site_tree):
    library = site_tree["library"]
    return {
        # Found by 杀猪盘 on its own, but below the guide titled with it.
        "case": factories.CaseStudyPageFactory(
            parent=library,
            title="网恋对象带我投资，三个月被骗42万",
            summary="“男友”在婚恋网站认识，带她在假平台上投资。",
            what_happened="<p>这是典型的杀猪盘：先养感情，再带投资。</p>",
        ),
        "guide": factories.GuidePageFactory(
            parent=library,
            title="杀猪盘的三个阶段",
            summary="杀猪盘先“养猪”，再“杀猪”。",
            body=[("paragraph", "<p>杀猪盘从网恋开始，以投资收尾。</p>")],
        ),
        # Says nothing of 杀猪盘: only a promotion brings it.
        "poster": factories.PosterPageFactory(
            parent=library, title="网上交友，谈钱就是骗", summary="见不到面的恋人，不借钱。"
        ),
    }


def promote(query_string, *promoted):
    query = Query.get(query_string)
    for order, page in enumerate(promoted):
        SearchPromotion.objects.create(query=query, page=page, sort_order=order)


def search(client, query, language="zh-hans"):
    response = client.get(f"/{language}/search/", {"q": query})
    assert response.status_code == 200
    return response


def promoted_titles(response):
    return [page.title for page in response.context["promoted_pages"]]


def result_titles(response):
    return [page.title for page in response.context["results"].object_list]


def test_promoted_pages_come_first_marked_and_not_again(client, pages):
    promote("杀猪盘", pages["case"], pages["poster"])
    response = search(client, "杀猪盘")
    assert promoted_titles(response) == [pages["case"].title, pages["poster"].title]
    assert result_titles(response) == [pages["guide"].title]  # the case not twice
    soup = BeautifulSoup(response.content, "html.parser")
    titles = [a.get_text(strip=True) for a in soup.select(".results .result-title a")]
    assert titles == [pages["case"].title, pages["poster"].title, pages["guide"].title]
    marked = soup.select(".results .result.promoted")
    assert len(marked) == 2
    assert all("推荐" in item.get_text() for item in marked)
    assert response.context["found"] == 3


def test_without_a_promotion_the_search_is_unchanged(client, pages):
    promote("杀猪盘", pages["poster"])
    response = search(client, "网恋")
    assert promoted_titles(response) == []
    assert pages["case"].title in result_titles(response)


@pytest.mark.parametrize("typed", ["杀 猪 盘", "  杀猪盘？", "杀猪盘!", "ＡＩ换脸"])
def test_matching_ignores_spaces_width_case_and_punctuation(client, pages, typed):
    promote("杀猪盘", pages["poster"])
    promote("ai换脸", pages["poster"])
    assert promoted_titles(search(client, typed)) == [pages["poster"].title]


def test_a_search_narrowed_by_format_keeps_the_promotions_that_fit(client, pages):
    promote("杀猪盘", pages["case"], pages["poster"])
    response = client.get("/zh-hans/search/", {"q": "杀猪盘", "type": "poster"})
    assert promoted_titles(response) == [pages["poster"].title]


def test_a_longer_query_is_not_the_promoted_one(client, pages):
    promote("杀猪盘", pages["poster"])
    assert promoted_titles(search(client, "杀猪盘怎么识别")) == []


def test_draft_and_private_pages_are_not_promoted(client, pages):
    promote("杀猪盘", pages["case"], pages["poster"])
    pages["poster"].unpublish()
    PageViewRestriction.objects.create(
        page=pages["case"], restriction_type=PageViewRestriction.LOGIN
    )
    response = search(client, "杀猪盘")
    assert promoted_titles(response) == []
    assert pages["case"].title not in result_titles(response)


def test_a_promotion_follows_edits_without_a_publish(client, pages):
    search(client, "杀猪盘")  # the index (and its promotions) built once
    promote("杀猪盘", pages["poster"])
    assert promoted_titles(search(client, "杀猪盘")) == [pages["poster"].title]
    SearchPromotion.objects.all().delete()
    assert promoted_titles(search(client, "杀猪盘")) == []


def test_english_readers_get_the_translation_or_nothing(client, pages, english_tree, site_tree):
    en = site_tree["locales"]["en"]
    case_en = pages["case"].copy_for_translation(en)
    case_en.title = "Online 'boyfriend' took 420,000 yuan in fake investments"
    case_en.save_revision().publish()
    promote("pig butchering", pages["case"], pages["poster"])  # the poster has no English
    response = search(client, "Pig  Butchering", language="en")
    assert promoted_titles(response) == [case_en.title]
    assert (
        "Recommended"
        in BeautifulSoup(response.content, "html.parser").select_one(".result.promoted").get_text()
    )
    # The Chinese site shows the Chinese pages for the same promotion.
    assert promoted_titles(search(client, "pig butchering")) == [
        pages["case"].title,
        pages["poster"].title,
    ]


def test_a_promoted_search_takes_at_most_12_queries(client, pages, django_assert_max_num_queries):
    promote("杀猪盘", pages["case"], pages["poster"])
    search(client, "冒充公检法")  # builds the index once
    with django_assert_max_num_queries(12):
        response = search(client, "杀猪盘")
    assert promoted_titles(response)


def test_an_editor_promotes_a_page_in_the_admin_in_chinese(client, pages, editor):
    client.force_login(editor)
    listing = client.get("/admin/searchpicks/")
    assert listing.status_code == 200
    # Called 推荐 as the public search marks them (Wagtail's own words say 推广, "advertise").
    assert "推荐搜索结果" in listing.content.decode()
    assert "推广" not in listing.content.decode()
    form = client.get(ADD)
    assert form.status_code == 200
    text = BeautifulSoup(form.content, "html.parser").get_text(" ")
    english_labels = (
        "Add search promotion",
        "Search term(s)/phrase",
        "Promoted search results",
        "External link text",  # a field Wagtail leaves without a verbose_name
    )
    for english in english_labels:
        assert english not in text
    response = client.post(
        ADD,
        {
            "query_string": "杀猪盘",
            "editors_picks-TOTAL_FORMS": 1,
            "editors_picks-INITIAL_FORMS": 0,
            "editors_picks-MAX_NUM_FORMS": 1000,
            "editors_picks-0-DELETE": "",
            "editors_picks-0-ORDER": 0,
            "editors_picks-0-page": pages["case"].pk,
            "editors_picks-0-description": "",
        },
    )
    assert response.status_code == 302
    edit = client.get(f"/admin/searchpicks/{Query.get('杀猪盘').pk}/")
    text = BeautifulSoup(edit.content, "html.parser").get_text(" ")
    assert "外部链接文字" in text
    for english in english_labels:
        assert english not in text
    client.logout()
    assert promoted_titles(search(client, "杀猪盘")) == [pages["case"].title]


def test_a_moderator_can_manage_promotions(client, moderator):
    client.force_login(moderator)
    assert client.get(ADD).status_code == 200


def test_anonymous_readers_and_coordinators_cannot_reach_promotions(client, django_user_model, db):
    response = client.get("/admin/searchpicks/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    coordinator = django_user_model.objects.create_user("coord", password="pw")
    coordinator.groups.add(Group.objects.get(name="Campaign coordinators"))
    client.force_login(coordinator)
    for url in ("/admin/searchpicks/", ADD):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert not SearchPromotion.objects.exists()


def test_the_promotion_screens_are_chinese(client, pages, django_user_model):
    """Every string Wagtail ships untranslated is translated by our catalogue on the
    editor's promotion screens (the list, add, edit, its validation errors, delete)."""
    promote("杀猪盘", pages["case"])
    query = Query.get("杀猪盘")
    walk = Walk(client, chinese_user(django_user_model, "editor-zh", "Editors"))
    walk.get("promotions", "/admin/searchpicks/")
    walk.get("promotions searched", "/admin/searchpicks/", q="杀猪")
    walk.get("promotions, none found", "/admin/searchpicks/", q="火星")
    walk.get("add a promotion", ADD)
    walk.post(
        "add a promotion, errors",
        ADD,
        {
            "query_string": "",
            "editors_picks-TOTAL_FORMS": 0,
            "editors_picks-INITIAL_FORMS": 0,
            "editors_picks-MAX_NUM_FORMS": 1000,
        },
    )
    walk.get("edit a promotion", f"/admin/searchpicks/{query.pk}/")
    walk.get("delete a promotion", f"/admin/searchpicks/{query.pk}/delete/")
    walk.get("popular queries chooser", "/admin/searchpicks/queries/chooser/")
    walk.get("dashboard with the settings menu", "/admin/")
    assert report(walk.screens) == [], "\n".join(report(walk.screens))
