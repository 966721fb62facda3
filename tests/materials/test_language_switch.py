"""Readers between the two languages: the language switch, the 404 of an untranslated page,
embedded materials in the reader's language and the library's filters per language."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.cache_epoch import bump_epoch
from tests import factories

NO_ENGLISH = "This page has no English version"
NO_CHINESE = "本页暂无中文版"


def language_switch(response) -> str:
    """The markup of the header's language switch."""
    html = response.content.decode()
    found = re.search(r'<ul class="lang-switch".*?</ul>', html, re.S)
    assert found, "no language switch on the page"
    return found.group(0)


def main_content(response) -> str:
    """The page's own content, without the header (whose language switch links pages too)."""
    html = response.content.decode()
    found = re.search(r"<main .*?</main>", html, re.S)
    assert found, "no <main> on the page"
    return found.group(0)


def translate(page, locale, *, title: str, publish: bool = True):
    english = page.copy_for_translation(locale)
    english.title = title
    revision = english.save_revision()
    if publish:
        revision.publish()
    english.refresh_from_db()
    return english


@pytest.fixture
def en(site_tree):
    return site_tree["locales"]["en"]


@pytest.fixture
def pages(site_tree, english_tree, en):
    """Real-shaped: a guide translated and published, one never translated, one whose
    translation is a draft, and one shown in the English tree as an alias (the Chinese page
    itself, as wagtail-localize's synchronised trees do before anyone translates it)."""
    library = site_tree["library"]
    translated = factories.GuidePageFactory(
        parent=library, title="接到“公检法”电话怎么办", slug="fake-police-calls"
    )
    translated_en = translate(translated, en, title="A call from the 'police'?")
    untranslated = factories.GuidePageFactory(
        parent=library, title="养老金诈骗", slug="pension-scams"
    )
    drafted = factories.GuidePageFactory(parent=library, title="刷单返利骗局", slug="task-scams")
    translate(drafted, en, title="Task scams (draft)", publish=False)
    aliased = factories.GuidePageFactory(parent=library, title="冒充客服退款", slug="refund-scams")
    alias = aliased.copy_for_translation(en, alias=True)
    return {
        "translated": translated,
        "translated_en": translated_en,
        "untranslated": untranslated,
        "drafted": drafted,
        "aliased": aliased,
        "alias": alias,
    }


# --- the language switch --------------------------------------------------------------------


def test_switch_on_a_translated_page_links_its_english_version(client, pages):
    switch = language_switch(client.get(pages["translated"].url))
    assert 'href="/en/materials/fake-police-calls/" hreflang="en"' in switch
    assert NO_ENGLISH not in switch


def test_switch_on_an_untranslated_page_says_so_and_never_jumps_to_the_english_home(client, pages):
    response = client.get(pages["untranslated"].url)
    assert response.status_code == 200
    switch = language_switch(response)
    assert NO_ENGLISH in switch  # said in English, to the reader who wants English
    assert 'href="/en/" hreflang="en"' in switch and "English home page" in switch
    # The English entry is a note, not a link that silently leaves the Chinese page.
    assert not re.search(r'<a href="/en/"[^>]*>English</a>', switch)
    # The Chinese entry stays on this page.
    assert 'href="/zh-hans/materials/pension-scams/"' in switch


def test_a_translation_in_draft_does_not_count_as_an_english_version(client, pages):
    switch = language_switch(client.get(pages["drafted"].url))
    assert NO_ENGLISH in switch
    assert "/en/materials/task-scams/" not in switch


def test_an_alias_in_the_english_tree_is_not_an_english_version(client, pages):
    """An alias shows the Chinese page itself under /en/: offering it as "English" would
    put the reader on the same Chinese text."""
    switch = language_switch(client.get(pages["aliased"].url))
    assert NO_ENGLISH in switch
    assert "/en/materials/refund-scams/" not in switch


def test_a_chinese_alias_of_a_translated_page_links_the_english_version(client, pages):
    alias = pages["translated"].create_alias(update_slug="fake-police-calls-again")
    switch = language_switch(client.get(alias.url))
    assert 'href="/en/materials/fake-police-calls/" hreflang="en"' in switch
    assert 'href="/zh-hans/materials/fake-police-calls-again/"' in switch


def test_switch_on_an_english_page_without_chinese_version_says_so_in_chinese(client, pages):
    pages["translated"].unpublish()
    switch = language_switch(client.get(pages["translated_en"].url))
    assert NO_CHINESE in switch
    assert 'href="/zh-hans/" hreflang="zh-hans"' in switch and "中文首页" in switch
    assert "/zh-hans/materials/fake-police-calls/" not in switch


def test_switch_keeps_the_library_landing_in_the_other_language(client, pages):
    switch = language_switch(client.get("/zh-hans/materials/for/elders/"))
    assert 'href="/en/materials/for/elders/" hreflang="en"' in switch


def test_switch_changes_when_the_translation_is_published_even_from_the_page_cache(
    client, pages, en, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    page = pages["untranslated"]
    assert NO_ENGLISH in language_switch(client.get(page.url))
    cached_copy = client.get(page.url)
    assert cached_copy["X-Page-Cache"] == "hit"
    english = page.copy_for_translation(en)
    english.title = "Pension scams"
    english.save_revision()  # a draft changes nothing for readers
    assert NO_ENGLISH in language_switch(client.get(page.url))
    english.get_latest_revision().publish()  # publishing bumps the cache epoch
    fresh = client.get(page.url)
    assert fresh["X-Page-Cache"] == "miss"
    switch = language_switch(fresh)
    assert 'href="/en/materials/pension-scams/" hreflang="en"' in switch
    assert NO_ENGLISH not in switch


# --- the 404 of an untranslated page --------------------------------------------------------


def test_english_url_of_an_untranslated_page_is_a_404_linking_the_chinese_page(client, pages):
    response = client.get("/en/materials/pension-scams/")
    assert response.status_code == 404
    assert '<html lang="en">' in response.content.decode()
    html = main_content(response)
    assert "only in Chinese" in html
    assert re.search(r'<a href="/zh-hans/materials/pension-scams/"[^>]*hreflang="zh-Hans"', html)
    assert "养老金诈骗" in html


def test_english_url_of_a_page_with_only_a_draft_translation_links_the_chinese_page(client, pages):
    response = client.get("/en/materials/task-scams/")
    assert response.status_code == 404
    assert 'href="/zh-hans/materials/task-scams/"' in main_content(response)


def test_chinese_url_of_an_english_only_page_is_a_404_linking_the_english_page(client, pages):
    pages["translated"].unpublish()
    response = client.get("/zh-hans/materials/fake-police-calls/")
    assert response.status_code == 404
    html = main_content(response)
    assert "仅有英文版" in html
    assert re.search(r'<a href="/en/materials/fake-police-calls/"[^>]*hreflang="en"', html)


def test_english_url_of_a_page_translated_under_another_slug_links_the_translation(
    client, pages, en
):
    """Chinese titles get pinyin slugs and translators may choose English ones: swapping
    the language in the address then misses the English page; the 404 names it."""
    chinese = factories.GuidePageFactory(
        parent=pages["translated"].get_parent(), title="养老金骗局", slug="yanglaojin-pianju"
    )
    english = chinese.copy_for_translation(en)
    english.title, english.slug = "Pension scams", "pension-scam-calls"
    english.save_revision().publish()
    response = client.get("/en/materials/yanglaojin-pianju/")
    assert response.status_code == 404
    html = main_content(response)
    assert "The English version of this page is here:" in html
    assert re.search(r'<a href="/en/materials/pension-scam-calls/"[^>]*hreflang="en"', html)
    assert "/zh-hans/materials/yanglaojin-pianju/" not in html


def test_a_404_links_no_draft_private_or_unknown_page(client, site_tree, pages):
    draft = factories.GuidePageFactory(parent=site_tree["library"], slug="unready", live=False)
    assert draft.slug == "unready"
    for url in ("/en/materials/unready/", "/en/materials/no-such-page/", "/en/x%00y/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "/zh-hans/materials/" not in main_content(response), url


# --- embedded materials in the reader's language --------------------------------------------


@pytest.fixture
def guide_with_videos(site_tree, english_tree, en):
    library = site_tree["library"]
    video = factories.VideoPageFactory(parent=library, title="一分钟看懂刷单", slug="task-video")
    video_en = translate(video, en, title="Task scams in one minute")
    chinese_only = factories.VideoPageFactory(
        parent=library, title="养老金骗局实录", slug="pension-video"
    )
    guide = factories.GuidePageFactory(
        parent=library,
        title="刷单返利",
        slug="guide-with-videos",
        body=[
            ("paragraph", "<p>先看视频。</p>"),
            ("video", {"video": video}),
            ("video", {"video": chinese_only}),
        ],
    )
    guide_en = translate(guide, en, title="Task scams")
    return {
        "video": video,
        "video_en": video_en,
        "chinese_only": chinese_only,
        "guide": guide,
        "guide_en": guide_en,
    }


def test_an_english_guide_links_the_english_version_of_an_embedded_video(client, guide_with_videos):
    html = client.get(guide_with_videos["guide_en"].url).content.decode()
    assert '<a href="/en/materials/task-video/"' in html
    assert "Task scams in one minute" in html
    assert "一分钟看懂刷单" not in html


def test_an_embedded_video_without_english_version_links_the_chinese_one_marked_as_such(
    client, guide_with_videos
):
    html = client.get(guide_with_videos["guide_en"].url).content.decode()
    link = re.search(r'<a href="/zh-hans/materials/pension-video/"[^>]*>', html)
    assert link, "the Chinese video is still linked"
    assert 'hreflang="zh-Hans"' in link.group(0) and 'lang="zh-Hans"' in link.group(0)
    assert re.search(r'class="lang-note"[^>]*>中文<', html)


def test_the_chinese_guide_links_the_chinese_videos_unmarked(client, guide_with_videos):
    html = client.get(guide_with_videos["guide"].url).content.decode()
    assert '<a href="/zh-hans/materials/task-video/"' in html
    assert '<a href="/zh-hans/materials/pension-video/"' in html
    assert 'class="lang-note"' not in html


# --- the library's filters in each language ---------------------------------------------------


@pytest.fixture
def bilingual_library(site_tree, english_tree, en):
    library = site_tree["library"]
    for key in ("police", "elders", "students"):
        site_tree[key].copy_for_translation(en).save()
    guide = factories.GuidePageFactory(parent=library, title="老人防骗指南", slug="elders-guide")
    guide.audiences.add(site_tree["elders"])
    guide.scam_types.add(site_tree["police"])
    guide.save_revision().publish()
    guide_en = translate(guide, en, title="A guide for elders")
    poster = factories.PosterPageFactory(parent=library, title="学生海报", slug="students-poster")
    poster.audiences.add(site_tree["students"])
    poster.save_revision().publish()
    return {"guide": guide, "guide_en": guide_en, "poster": poster, "english": english_tree}


def filter_values(response, name: str) -> set[str]:
    html = response.content.decode()
    return set(re.findall(rf'name="{name}" value="([^"]+)"', html))


def test_english_library_hides_filter_options_without_english_material(client, bilingual_library):
    response = client.get("/en/materials/")
    assert response.context["results"].paginator.count == 1
    assert filter_values(response, "type") == {"guide"}
    assert filter_values(response, "audience") == {"elders"}
    assert filter_values(response, "scam_type") == {"impersonating-police"}


def test_chinese_library_shows_the_options_its_materials_use(client, bilingual_library):
    response = client.get("/zh-hans/materials/")
    assert response.context["results"].paginator.count == 2
    assert filter_values(response, "type") == {"guide", "poster"}
    assert filter_values(response, "audience") == {"elders", "students"}
    assert filter_values(response, "scam_type") == {"impersonating-police"}


def test_a_chosen_option_without_material_still_filters_and_can_be_unticked(
    client, bilingual_library
):
    response = client.get("/en/materials/", {"audience": "students"})
    assert response.context["results"].paginator.count == 0
    assert 'name="audience" value="students" checked' in response.content.decode()


def test_filter_options_follow_publishing(client, site_tree, bilingual_library, en):
    assert filter_values(client.get("/en/materials/"), "audience") == {"elders"}
    translate(bilingual_library["poster"], en, title="A poster for students")
    response = client.get("/en/materials/")
    assert filter_values(response, "audience") == {"elders", "students"}
    assert filter_values(response, "type") == {"guide", "poster"}


def test_library_filter_options_cost_at_most_one_query(client, bilingual_library):
    client.get("/en/materials/")  # warm per-process caches (content types, site root paths)
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/materials/", {"page": 1})
    facet_queries = [q["sql"] for q in queries if "UNION" in q["sql"]]
    assert len(facet_queries) <= 1, facet_queries
    with CaptureQueriesContext(connection) as again:
        client.get("/en/materials/", {"page": 2})
    assert not [q for q in again if "UNION" in q["sql"]]  # cached until the next publish


def test_embedded_videos_cost_at_most_one_query_each_in_the_other_language(
    client, guide_with_videos
):
    def queries_for(url):
        client.get(url)  # warm per-process caches (content types, site root paths)
        bump_epoch()  # the body renders afresh, as after a publish
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    chinese = queries_for(guide_with_videos["guide"].url)
    english = queries_for(guide_with_videos["guide_en"].url)
    # The English home (routing), one lookup per video, the locales' language codes once.
    assert english - chinese <= 1 + 2 + 1, (chinese, english)
