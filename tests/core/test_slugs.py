"""Chinese titles get short ASCII slugs (pinyin of their words), never percent-encoded
ones; an editor's own slug is kept; a live page's old URL redirects to its new one."""

import pytest
from django.conf import settings
from django.core.management import call_command
from wagtail.models import Page, get_page_models
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from core.models import HomePage
from core.pages import PinyinSlugMixin
from core.slugs import MAX_SLUG_LENGTH, PinyinSlugPageForm, needs_pinyin_slug, pinyin_slug
from materials.models import GuidePage, MaterialIndexPage
from tests import factories


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("冒充公检法诈骗预警", "maochong-gongjianfa-zhapian-yujing"),
        ("老人防骗指南", "laoren-fangpian-zhinan"),
        ("AI换脸视频通话借钱", "ai-huanlian-shipin-tonghua-jieqian"),
        ("预警：冒充医保局的诈骗电话", "yujing-maochong-yibao-ju-zhapian-dianhua"),
        ("重庆银行卡被冻结？", "chongqing-yinhangka-bei-dongjie"),
        ("Phone scams 电话诈骗", "phone-scams-dianhua-zhapian"),
        ("2026年春节返乡防骗", "2026-nian-chunjie-fanxiang-fangpian"),
    ],
)
def test_a_chinese_title_becomes_the_pinyin_of_its_words(title, slug):
    assert pinyin_slug(title) == slug


def test_a_long_title_is_cut_at_a_word_and_stays_short():
    title = "“杀猪盘”婚恋交友诈骗高发，请广大单身青年在网上交友时提高警惕，不要轻信投资理财"
    slug = pinyin_slug(title)
    assert len(slug) <= MAX_SLUG_LENGTH
    assert slug.startswith("shazhu-pan-hunlian-jiaoyou-zhapian")
    assert not slug.endswith("-")
    assert slug.isascii()


@pytest.mark.parametrize(
    ("slug", "title", "published", "replaced"),
    [
        ("", "防骗口诀", True, True),
        ("防骗口诀", "防骗口诀", True, True),
        ("%E9%98%B2%E9%AA%97", "防骗口诀", False, True),
        ("ai", "AI换脸视频通话借钱", False, True),  # what the admin's script leaves
        ("ai", "The AI换脸骗局", False, True),  # it drops English stop words too
        ("ai", "AI换脸视频通话借钱", True, False),  # a live URL never changes by itself
        ("deepfake-calls", "AI换脸视频通话借钱", False, False),  # the editor's own
        ("phone-scams", "Phone scams", False, False),  # an English title's own slug
    ],
)
def test_which_slugs_a_machine_made(slug, title, published, replaced):
    assert needs_pinyin_slug(slug, title, published=published) is replaced


def test_a_title_without_letters_gives_no_slug():
    assert pinyin_slug("！？……") == ""


def test_a_page_saved_without_a_slug_gets_the_pinyin_of_its_title(site_tree):
    page = site_tree["library"].add_child(
        instance=GuidePage(title="冒充公检法诈骗预警", summary="摘要", last_reviewed="2026-11-20")
    )
    assert page.slug == "maochong-gongjianfa-zhapian-yujing"
    assert page.url.endswith("/materials/maochong-gongjianfa-zhapian-yujing/")


def test_a_percent_encoded_unicode_slug_is_replaced(site_tree):
    """What Wagtail made before: the title itself, which a URL percent-encodes."""
    page = factories.GuidePageFactory(
        parent=site_tree["library"], title="防骗口诀", slug="防骗口诀"
    )
    assert page.slug == "fangpian-koujue"


def test_slugs_are_unique_among_siblings(site_tree):
    library = site_tree["library"]
    first = library.add_child(instance=GuidePage(title="防骗口诀", summary="甲"))
    second = library.add_child(instance=GuidePage(title="防骗口诀", summary="乙"))
    assert (first.slug, second.slug) == ("fangpian-koujue", "fangpian-koujue-2")


def test_an_editor_chosen_slug_is_kept(site_tree):
    page = factories.GuidePageFactory(
        parent=site_tree["library"], title="冒充公检法诈骗预警", slug="police-impersonation"
    )
    page.title = "冒充公检法诈骗预警（更新）"
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.slug == "police-impersonation"


def test_unicode_slugs_are_off_so_the_admin_script_never_writes_chinese_into_a_slug(
    admin_client, site_tree
):
    assert settings.WAGTAIL_ALLOW_UNICODE_SLUGS is False
    library = site_tree["library"]
    html = admin_client.get(f"/admin/pages/add/materials/guidepage/{library.pk}/").content
    assert b'data-controller="w-slug"' in html
    assert b"data-w-slug-allow-unicode-value" not in html  # rendered only when true


def guide_form(**fields):
    return nested_form_data(
        {
            "title": "冒充公检法诈骗预警",
            "slug": "",
            "summary": "接到自称公检法的电话，先挂断再核实。",
            "body": streamfield([("paragraph", rich_text("<p>正文</p>"))]),
            "last_reviewed": "2026-11-20",
            **fields,
        }
    )


@pytest.mark.parametrize(
    "typed_slug",
    ["", "冒充公检法诈骗预警", "%E5%86%92%E5%85%85"],
    ids=["left-empty", "unicode", "percent-encoded"],
)
def test_the_admin_fills_the_slug_with_pinyin(client, editor, site_tree, typed_slug):
    client.force_login(editor)
    library = site_tree["library"]
    response = client.post(
        f"/admin/pages/add/materials/guidepage/{library.pk}/", guide_form(slug=typed_slug)
    )
    assert response.status_code == 302, response.context["form"].errors
    page = GuidePage.objects.child_of(library).get(title="冒充公检法诈骗预警")
    assert page.slug == "maochong-gongjianfa-zhapian-yujing"


def test_the_admin_fills_a_unique_slug_next_to_a_namesake(client, editor, site_tree):
    library = site_tree["library"]
    factories.GuidePageFactory(parent=library, slug="maochong-gongjianfa-zhapian-yujing")
    client.force_login(editor)
    response = client.post(f"/admin/pages/add/materials/guidepage/{library.pk}/", guide_form())
    assert response.status_code == 302, response.context["form"].errors
    page = GuidePage.objects.child_of(library).get(title="冒充公检法诈骗预警")
    assert page.slug == "maochong-gongjianfa-zhapian-yujing-2"


def test_the_admin_keeps_an_english_slug_the_editor_typed(client, editor, site_tree):
    client.force_login(editor)
    library = site_tree["library"]
    response = client.post(
        f"/admin/pages/add/materials/guidepage/{library.pk}/",
        guide_form(slug="police-impersonation"),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert GuidePage.objects.child_of(library).get(title="冒充公检法诈骗预警").slug == (
        "police-impersonation"
    )


def test_pages_of_every_type_get_a_pinyin_slug(site_tree):
    library = site_tree["home"].add_child(instance=MaterialIndexPage(title="反诈资料库"))
    home = Page.get_first_root_node().add_child(instance=HomePage(title="首页", hero_title="防骗"))
    assert (library.slug, home.slug) == ("fanzha-ziliaoku", "shouye")


def test_every_page_type_of_the_project_makes_pinyin_slugs():
    for model in get_page_models():
        if model._meta.app_label in {"core", "materials"}:
            assert issubclass(model, PinyinSlugMixin), model
            assert issubclass(model.base_form_class, PinyinSlugPageForm), model


def test_a_live_pages_new_slug_leaves_a_redirect_from_the_old_url(
    client, site_tree, django_capture_on_commit_callbacks
):
    guide = factories.GuidePageFactory(parent=site_tree["library"], title="防骗口诀")
    guide.save_revision().publish()
    guide.refresh_from_db()
    old_url = guide.url
    assert old_url == "/zh-hans/materials/fangpian-koujue/"

    guide.slug = "anti-fraud-rhymes"
    with django_capture_on_commit_callbacks(execute=True):  # Wagtail makes it on commit
        guide.save_revision().publish()
    guide.refresh_from_db()

    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"].endswith("/zh-hans/materials/anti-fraud-rhymes/")
    assert client.get(response["Location"]).status_code == 200


def test_the_command_renames_old_chinese_slugs_and_the_old_urls_redirect(
    client, site_tree, django_capture_on_commit_callbacks, capsys
):
    library = site_tree["library"]
    guide = factories.GuidePageFactory(parent=library, title="防骗口诀", slug="fangpian")
    guide.save_revision().publish()
    # As saved before slugs were pinyin: the title itself.
    Page.objects.filter(pk=guide.pk).update(
        slug="防骗口诀", url_path=f"{library.url_path}防骗口诀/"
    )
    old_url = "/zh-hans/materials/%E9%98%B2%E9%AA%97%E5%8F%A3%E8%AF%80/"
    assert client.get(old_url).status_code == 200

    call_command("pinyin_slugs")
    assert "→ fangpian-koujue" in capsys.readouterr().out
    assert Page.objects.get(pk=guide.pk).slug == "防骗口诀"  # only listed

    with django_capture_on_commit_callbacks(execute=True):
        call_command("pinyin_slugs", "--apply")
    guide.refresh_from_db()
    assert guide.slug == "fangpian-koujue"
    assert guide.url == "/zh-hans/materials/fangpian-koujue/"
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"].endswith("/zh-hans/materials/fangpian-koujue/")
