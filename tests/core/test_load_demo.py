"""The demo the README promises: loads, renders every page, and loading twice is harmless."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from core.models import HomePage
from materials.models import (
    AlertPage,
    CaseStudyPage,
    GuidePage,
    Playlist,
    PosterPage,
    ScamType,
    VideoPage,
)
from tests.site_tree import remove_site_tree

pytestmark = pytest.mark.demo  # loads the whole demo: left out of make test-fast


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module and rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        remove_site_tree()
        call_command("load_demo", verbosity=0)
        call_command("load_demo", verbosity=0)  # a second run must change nothing
        yield
        transaction.set_rollback(True)


def counts():
    return {
        "posters": PosterPage.objects.filter(locale__language_code="zh-hans").count(),
        "videos": VideoPage.objects.filter(locale__language_code="zh-hans").count(),
        "guides": GuidePage.objects.filter(locale__language_code="zh-hans").count(),
        "cases": CaseStudyPage.objects.filter(locale__language_code="zh-hans").count(),
        "alerts": AlertPage.objects.filter(locale__language_code="zh-hans").count(),
        "scam_types": ScamType.objects.filter(locale__language_code="zh-hans").count(),
        "homes": HomePage.objects.count(),
    }


@pytest.mark.django_db
def test_demo_has_the_promised_content_once(demo):
    assert counts() == {
        "posters": 6,
        "videos": 3,
        "guides": 8,
        "cases": 8,
        "alerts": 5,
        "scam_types": 12,
        "homes": 2,
    }
    elders = GuidePage.objects.filter(audiences__slug="elders", locale__language_code="zh-hans")
    students = GuidePage.objects.filter(audiences__slug="students", locale__language_code="zh-hans")
    assert elders.distinct().count() >= 3 and students.distinct().count() >= 3
    assert (
        VideoPage.objects.filter(captions__language="en", locale__language_code="zh-hans")
        .distinct()
        .count()
        == 3
    )
    assert GuidePage.objects.filter(locale__language_code="en").count() >= 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("scam", "words"),
    [
        ("campus loan cancellation", "注销校园贷"),
        ("sextortion", "裸聊"),
        ("pig butchering", "网恋 投资"),
        ("health products and collectibles", "保健品 收藏品"),
    ],
)
def test_the_scams_that_cost_most_each_have_a_guide_or_case_in_both_languages(demo, scam, words):
    """#16: the demo covers campus loan cancellation, sextortion, romance investment and
    products sold to elders, each with a guide or case, in Chinese and English."""
    materials = [
        page
        for model in (GuidePage, CaseStudyPage)
        for page in model.objects.live().filter(locale__language_code="zh-hans")
        if all(word in page.title + page.summary for word in words.split())
    ]
    assert materials, f"no guide or case about {scam}"
    for page in materials:
        english = page.get_translations().filter(locale__language_code="en").live().first()
        assert english is not None, f"{page.title}: no English translation"
        assert english.title != page.title


@pytest.mark.django_db
def test_every_demo_page_renders_within_the_query_budget(demo, client):
    pages = Page.objects.live().filter(depth__gt=1).specific()
    assert len(pages) >= 50
    for page in pages:
        url = page.url
        client.get(url)  # first view makes renditions
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.decode().count("<h1") == 1, url  # one main heading
        assert len(queries) <= 12, (url, len(queries), "\n".join(q["sql"][:150] for q in queries))


@pytest.mark.django_db
def test_demo_accounts_can_sign_in(demo, client):
    for username, password in [
        ("editor", "fangzha-editor"),
        ("reviewer", "fangzha-reviewer"),
        ("admin", "fangzha-admin"),
    ]:
        response = client.post("/admin/login/", {"username": username, "password": password})
        assert response.status_code == 302, username  # signed in through the login form
        assert client.get("/admin/").status_code == 200
        client.logout()


@pytest.mark.django_db
def test_demo_has_a_chinese_playlist_of_its_videos_posters_and_a_hotline_slide_once(demo):
    """An editor opening 屏幕播放列表 finds one playlist to try (made once in two runs)."""
    playlist = Playlist.objects.get()
    assert playlist.name == "银行大厅反诈轮播"
    items = list(playlist.items.order_by("sort_order"))
    pages = [item.page.specific for item in items if item.page_id]
    assert {type(page) for page in pages} == {VideoPage, PosterPage}
    assert all(page.live and page.locale.language_code == "zh-hans" for page in pages)
    assert sum(isinstance(page, VideoPage) for page in pages) == 3
    slides = [item for item in items if not item.page_id]
    assert len(slides) == 1 and "96110" in slides[0].advice
    for item in items:
        item.full_clean()  # as the playlist editor would save it
