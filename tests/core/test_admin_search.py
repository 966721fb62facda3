"""The admin's page search, the explorer's search and the page chooser find Chinese words
anywhere in titles and bodies, tokenised as the public search is (core.search_backend)."""

import pytest
from django.core.management import call_command
from django.db import connection

from tests import factories

FANGPIAN_TITLES = [
    "老人防骗指南",
    "防骗口诀",
    "大学生防骗手册",
    "暑期兼职防骗提示",
    "防骗小课堂：冒充客服",
    "社区防骗宣传周",
]


@pytest.fixture
def pages(site_tree):
    library, alerts = site_tree["library"], site_tree["alerts"]
    made = {
        title: factories.GuidePageFactory(parent=library, title=title) for title in FANGPIAN_TITLES
    }
    made["body"] = factories.GuidePageFactory(
        parent=library,
        title="给父母的一封信",
        body=[("paragraph", "<p>所谓以房养老，其实是把房子抵押出去，防骗先防贪。</p>")],
    )
    made["ai"] = factories.AlertPageFactory(
        parent=alerts, title="AI换脸视频通话借钱", body="<p>视频里的熟人也可能是假的。</p>"
    )
    made["unrelated"] = factories.GuidePageFactory(parent=library, title="骗局识别")
    return made


def found(client, url, query, **params):
    response = client.get(url, {"q": query, **params})
    assert response.status_code == 200
    listing = response.context.get("pages") or response.context["object_list"]
    return {page.title for page in listing}


ADMIN_SEARCH = "/admin/pages/search/"
CHOOSER_SEARCH = "/admin/choose-page/search/"


@pytest.mark.parametrize("url", [ADMIN_SEARCH, CHOOSER_SEARCH], ids=["search", "chooser"])
def test_a_chinese_word_is_found_in_every_title_that_contains_it(admin_client, pages, url):
    assert set(FANGPIAN_TITLES) <= found(admin_client, url, "防骗")


def test_a_chinese_word_inside_body_text_is_found_by_the_admin_search(admin_client, pages):
    assert found(admin_client, ADMIN_SEARCH, "抵押") == {"给父母的一封信"}
    assert found(admin_client, ADMIN_SEARCH, "以房养老") == {"给父母的一封信"}


@pytest.mark.parametrize("query", ["AI换脸", "换脸", "ai 换脸", "AI"])
def test_mixed_script_titles_are_found(admin_client, pages, query):
    assert "AI换脸视频通话借钱" in found(admin_client, ADMIN_SEARCH, query)


def test_words_are_matched_whole_not_character_by_character(admin_client, pages):
    """骗防 shares both characters with 防骗 but is not the word."""
    assert found(admin_client, ADMIN_SEARCH, "骗防") == set()
    assert "骗局识别" not in found(admin_client, ADMIN_SEARCH, "防骗")


def test_the_explorer_search_inside_a_section_finds_chinese_words(admin_client, site_tree, pages):
    library = site_tree["library"]
    titles = found(admin_client, f"/admin/pages/{library.pk}/", "防骗")
    assert set(FANGPIAN_TITLES) <= titles


def test_an_editor_finds_the_pages_with_the_chooser(client, editor, pages):
    client.force_login(editor)
    assert set(FANGPIAN_TITLES) <= found(client, CHOOSER_SEARCH, "防骗")


def test_english_words_are_still_found(admin_client, site_tree):
    factories.GuidePageFactory(parent=site_tree["library"], title="Phone scams and the elderly")
    assert "Phone scams and the elderly" in found(admin_client, ADMIN_SEARCH, "scams")
    assert "Phone scams and the elderly" in found(admin_client, ADMIN_SEARCH, "pho")


def test_a_query_of_punctuation_only_finds_nothing_and_does_not_fail(admin_client, pages):
    assert found(admin_client, ADMIN_SEARCH, "！？“”") == set()


@pytest.mark.postgres
def test_chinese_words_are_found_on_postgresql(admin_client, pages):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    assert set(FANGPIAN_TITLES) <= found(admin_client, ADMIN_SEARCH, "防骗")
    assert set(FANGPIAN_TITLES) <= found(admin_client, CHOOSER_SEARCH, "防骗")
    assert found(admin_client, ADMIN_SEARCH, "抵押") == {"给父母的一封信"}
    assert "AI换脸视频通话借钱" in found(admin_client, ADMIN_SEARCH, "AI换脸")


def test_the_image_chooser_finds_chinese_words_in_titles_and_tags(admin_client):
    poster = factories.ImageFactory(title="老人防骗海报", description="社区宣传栏")
    photo = factories.ImageFactory(title="社区活动照片", description="")
    photo.tags.add("反诈宣传")
    photo.save()  # indexes the tags
    factories.ImageFactory(title="风景照片", description="")

    def images(query):
        response = admin_client.get("/admin/images/chooser/results/", {"q": query})
        assert response.status_code == 200
        return {image.title for image in response.context["results"]}

    assert images("防骗") == {poster.title}
    assert images("宣传") == {poster.title, photo.title}


def test_the_public_search_finds_a_mixed_script_word_too(client, site_tree):
    alert = factories.AlertPageFactory(
        parent=site_tree["alerts"],
        title="AI换脸视频通话借钱",
        body="<p>视频里的熟人也可能是假的。</p>",
    )
    alert.save_revision().publish()
    response = client.get("/zh-hans/search/", {"q": "AI换脸"})
    assert response.status_code == 200
    assert [page.title for page in response.context["results"].object_list] == [alert.title]


def test_a_rebuilt_index_is_tokenised_too(admin_client, pages):
    call_command("update_index", verbosity=0)
    assert set(FANGPIAN_TITLES) <= found(admin_client, ADMIN_SEARCH, "防骗")
    assert found(admin_client, ADMIN_SEARCH, "抵押") == {"给父母的一封信"}
