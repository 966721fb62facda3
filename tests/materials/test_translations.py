"""Translating with wagtail-localize: who may translate, out-of-date English versions, the
"Translation status" report, and the demo's English pages."""

import csv
import io
import json
import re

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags
from wagtail.models import Page
from wagtail.rich_text import RichText
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)

from materials.models import GuidePage
from tests import factories
from tests.site_tree import remove_site_tree

REPORT = "/admin/reports/translation-status/"


@pytest.fixture
def coordinator(django_user_model, db):
    user = django_user_model.objects.create_user("coord", password="pw")
    user.groups.add(Group.objects.get(name="Campaign coordinators"))
    return user


@pytest.fixture
def guide(site_tree):
    page = factories.GuidePageFactory(
        parent=site_tree["library"],
        title="接到“公检法”电话怎么办",
        slug="police-calls",
        summary="自称警察要您转账到“安全账户”的，都是骗子。",
        body=[
            ("heading", "骗子会这样说"),
            ("paragraph", "<p>您的银行卡涉嫌洗钱，需要配合调查。</p>"),
        ],
    )
    page.save_revision().publish()
    return page


def submit_translation(client, page, en):
    """The "Translate this page" form, as a translator sends it."""
    response = client.post(f"/admin/localize/submit/page/{page.pk}/", {"locales": [en.pk]})
    assert response.status_code == 302, response.content.decode()[:500]
    return Translation.objects.get(source__object_id=page.translation_key, target_locale=en)


def translate_strings(client, translation, texts):
    """Type English into the localize editor for each segment whose Chinese is a key."""
    for segment in StringSegment.objects.filter(source=translation.source).select_related("string"):
        chinese = segment.string.data
        if chinese not in texts:
            continue
        response = client.put(
            f"/admin/localize/translate/{translation.pk}/strings/{segment.pk}/edit/",
            f"value={texts[chinese]}",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code in (200, 201), response.content


ENGLISH = {
    "接到“公检法”电话怎么办": "A call from the police?",
    "自称警察要您转账到“安全账户”的，都是骗子。": "Police never ask you to move money.",
    "骗子会这样说": "What the scammer says",
    "您的银行卡涉嫌洗钱，需要配合调查。": "Your card is linked to money laundering.",
}


def publish_translation(client, translation):
    """The localize editor's "Publish in English"."""
    target = translation.get_target_instance()
    with TestCase.captureOnCommitCallbacks(execute=True):  # localize publishes on commit
        response = client.post(f"/admin/pages/{target.pk}/edit/", {"action": "publish"})
    assert response.status_code == 302, response.content.decode()[:500]
    target.refresh_from_db()
    return target


def translate_and_publish(client, page, en, texts=ENGLISH):
    translation = submit_translation(client, page, en)
    translate_strings(client, translation, texts)
    return translation, publish_translation(client, translation)


def report_rows(client, query=""):
    response = client.get(REPORT + query)
    assert response.status_code == 200
    return {row.title: row.state for row in response.context["object_list"]}


# --- who may translate ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_editors_and_moderators_can_open_translate_for_a_material_and_a_scam_type(
    client, site_tree, guide, role, request
):
    client.force_login(request.getfixturevalue(role))
    response = client.get(f"/admin/localize/submit/page/{guide.pk}/")
    assert response.status_code == 200
    assert "English" in response.content.decode()
    police = site_tree["police"]
    response = client.get(f"/admin/localize/submit/snippet/materials/scamtype/{police.pk}/")
    assert response.status_code == 200
    # the buttons that lead there
    html = client.get(f"/admin/pages/{site_tree['library'].pk}/").content.decode()
    assert f"/admin/localize/submit/page/{guide.pk}/" in html
    html = client.get("/admin/snippets/materials/scamtype/").content.decode()
    assert f"/admin/localize/submit/snippet/materials/scamtype/{police.pk}/" in html


def test_campaign_coordinator_cannot_translate(client, site_tree, guide, coordinator):
    client.force_login(coordinator)
    police = site_tree["police"]
    for url in [
        f"/admin/localize/submit/page/{guide.pk}/",
        f"/admin/localize/submit/snippet/materials/scamtype/{police.pk}/",
    ]:
        assert client.get(url).status_code in (302, 403), url
        assert client.post(url, {"locales": [site_tree["locales"]["en"].pk]}).status_code in (
            302,
            403,
        )
    assert not Page.objects.filter(
        translation_key=guide.translation_key, locale=site_tree["locales"]["en"]
    ).exists()
    assert client.get(REPORT).status_code in (302, 403)
    menu = client.get("/admin/").content.decode()
    assert REPORT not in menu and "/admin/localize/reports/translations/" not in menu
    for url in [
        "/admin/localize/reports/translations/",
        "/admin/localize/reports/translations/results/",
    ]:
        assert client.get(url).status_code in (302, 403), url  # its titles are not theirs


def test_editor_translates_a_scam_type_in_the_localize_editor(client, site_tree, editor):
    en = site_tree["locales"]["en"]
    police = site_tree["police"]
    client.force_login(editor)
    response = client.post(
        f"/admin/localize/submit/snippet/materials/scamtype/{police.pk}/", {"locales": [en.pk]}
    )
    assert response.status_code == 302
    english = police.get_translation(en)
    response = client.get(f"/admin/snippets/materials/scamtype/edit/{english.pk}/")
    assert response.status_code == 200
    assert "wagtail_localize/admin/edit_translation.html" in [t.name for t in response.templates]


def test_editor_translates_a_guide_with_the_chinese_beside_the_english(
    client, site_tree, english_tree, editor, moderator, guide
):
    en = site_tree["locales"]["en"]
    client.force_login(editor)
    translation = submit_translation(client, guide, en)
    english = translation.get_target_instance()
    response = client.get(f"/admin/pages/{english.pk}/edit/")
    assert response.status_code == 200
    assert "wagtail_localize/admin/edit_translation.html" in [t.name for t in response.templates]
    segments = json.loads(response.context["props"])["segments"]
    # each source segment, beside its (empty) translation box
    assert "您的银行卡涉嫌洗钱，需要配合调查。" in [s.get("source") for s in segments]
    translate_strings(client, translation, ENGLISH)
    assert translation.get_progress() == (5, 4)  # all but the slug, which may stay

    client.force_login(moderator)  # editors cannot publish; the reviewer does
    english = publish_translation(client, translation)
    assert english.live and english.title == "A call from the police?"
    assert "Your card is linked to money laundering." in str(english.specific.body)


def test_localize_admin_screens_render_on_this_wagtail(
    client, site_tree, english_tree, admin_user, editor, guide
):
    """wagtail-localize 1.14.5 on Wagtail 7.4: its screens answer, not only its models."""
    en = site_tree["locales"]["en"]
    client.force_login(editor)
    translation = submit_translation(client, guide, en)
    translate_strings(client, translation, ENGLISH)
    for url in [
        f"/admin/localize/translate/{translation.pk}/preview/",
        f"/admin/localize/translate/{translation.pk}/pofile/download/",
        f"/admin/localize/update/{translation.source.pk}/",
        "/admin/localize/reports/translations/",
        f"/admin/pages/{guide.pk}/",  # the explorer, with its Translate / Sync buttons
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert (
        "A call from the police?"
        in client.get(f"/admin/localize/translate/{translation.pk}/preview/").content.decode()
    )
    client.force_login(admin_user)  # wagtail_localize.locales replaces wagtail.locales
    assert client.get("/admin/locales/").status_code == 200
    assert client.get(f"/admin/locales/edit/{en.pk}/").status_code == 200


# --- out of date ---------------------------------------------------------------------------


def test_english_page_goes_out_of_date_when_the_chinese_changes_and_back_after_sync(
    client, site_tree, english_tree, moderator, guide
):
    en = site_tree["locales"]["en"]
    client.force_login(moderator)
    translation, english = translate_and_publish(client, guide, en)
    assert report_rows(client)[guide.title] == "up_to_date"

    guide.refresh_from_db()
    # as the editor does it: the blocks already there keep their ids
    guide.body.append(("paragraph", RichText("<p>还会让您下载会议软件共享屏幕。</p>")))
    revision = guide.save_revision()
    revision.publish()
    assert report_rows(client)[guide.title] == "out_of_date"
    response = client.get(REPORT)
    row = next(r for r in response.context["object_list"] if r.pk == guide.pk)
    assert row.changes_url.endswith(f"/revisions/compare/{row.changed_since_revision_id}...live/")
    assert row.changed_since_revision_id != revision.pk
    compare = client.get(row.changes_url)
    assert compare.status_code == 200
    assert "共享屏幕" in compare.content.decode()

    # "Sync translated pages": the new paragraph waits, untranslated, in the localize editor
    source = TranslationSource.objects.get(object_id=guide.translation_key)
    response = client.post(f"/admin/localize/update/{source.pk}/", {})
    assert response.status_code == 302
    untranslated = (
        StringSegment.objects.filter(source=source)
        .annotate_translation(en)
        .filter(translation__isnull=True)
        .exclude(context__path="slug")
    )
    assert [s.string.data for s in untranslated] == ["还会让您下载会议软件共享屏幕。"]
    props = json.loads(client.get(f"/admin/pages/{english.pk}/edit/").context["props"])
    done = {item["segment_id"] for item in props["initialStringTranslations"]}
    waiting = [
        segment["source"]
        for segment in props["segments"]
        if segment["type"] == "string" and segment["id"] not in done
    ]
    assert sorted(waiting) == ["police-calls", "还会让您下载会议软件共享屏幕。"]  # in the editor
    assert report_rows(client)[guide.title] == "out_of_date"

    translate_strings(
        client, translation, {"还会让您下载会议软件共享屏幕。": "Or to share your screen."}
    )
    english = publish_translation(client, translation)
    assert "Or to share your screen." in str(english.specific.body)
    assert report_rows(client)[guide.title] == "up_to_date"


def test_sync_that_publishes_chinese_fallbacks_still_counts_as_out_of_date(
    client, site_tree, english_tree, moderator, guide
):
    en = site_tree["locales"]["en"]
    client.force_login(moderator)
    _, english = translate_and_publish(client, guide, en)
    guide.refresh_from_db()
    guide.summary = "新的摘要：警察不会让您转账。"
    guide.save_revision().publish()
    source = TranslationSource.objects.get(object_id=guide.translation_key)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/admin/localize/update/{source.pk}/", {"publish_translations": "on"})
    assert "新的摘要" in Page.objects.get(pk=english.pk).specific.summary  # Chinese fallback
    assert report_rows(client)[guide.title] == "out_of_date"


def test_english_made_without_localize_is_compared_by_publish_time(
    client, site_tree, english_tree, moderator, guide
):
    english = guide.copy_for_translation(site_tree["locales"]["en"])
    english.save_revision().publish()
    client.force_login(moderator)
    assert report_rows(client)[guide.title] == "up_to_date"
    guide.save_revision().publish()
    assert report_rows(client)[guide.title] == "out_of_date"


# --- the report ----------------------------------------------------------------------------


@pytest.fixture
def materials(client, site_tree, english_tree, moderator, guide):
    """A translated guide, an alert without English, a guide whose English is stale."""
    en = site_tree["locales"]["en"]
    client.force_login(moderator)
    translate_and_publish(client, guide, en)
    alert = factories.AlertPageFactory(
        parent=site_tree["alerts"], title='=HYPERLINK("http://evil.example")医保预警'
    )
    alert.save_revision().publish()
    stale = factories.GuidePageFactory(parent=site_tree["library"], title="刷单返利是骗局")
    stale.save_revision().publish()
    translate_and_publish(client, stale, en, {"刷单返利是骗局": "Paid-to-click is a scam"})
    stale.refresh_from_db()
    stale.summary = "改过的简介。"
    stale.save_revision().publish()
    return {"guide": guide, "alert": alert, "stale": stale}


def test_report_lists_every_material_with_its_english_state(client, materials):
    rows = report_rows(client)
    assert rows == {
        materials["guide"].title: "up_to_date",
        materials["alert"].title: "missing",
        materials["stale"].title: "out_of_date",
    }
    html = client.get(REPORT).content.decode()
    for chinese in ["翻译状态", "缺少英文版", "已过期", "最新", "英文版", "中文版改了什么"]:
        assert chinese in html, chinese


def test_localize_screens_speak_chinese(client, site_tree, english_tree, editor, guide):
    """wagtail-localize's own catalogue lacks some strings; the project's supplies them."""
    client.force_login(editor)
    html = client.get(f"/admin/pages/{site_tree['library'].pk}/").content.decode()
    assert "翻译此页" in html and "Translate this page" not in html
    translation = submit_translation(client, guide, site_tree["locales"]["en"])
    html = client.get(f"/admin/localize/update/{translation.source.pk}/").content.decode()
    assert "立即发布" in html and "改动在翻译之前以原文显示" in html
    catalogue = client.get("/admin/localize/jsi18n/").content.decode()
    for english, chinese in [("Applying editor lock", "正在锁定"), ("Publish in ", "发布到 ")]:
        assert f"{json.dumps(english)}: {json.dumps(chinese)}" in catalogue, english


def test_report_filters_by_state_and_type(client, materials):
    assert list(report_rows(client, "?state=missing")) == [materials["alert"].title]
    assert list(report_rows(client, "?state=out_of_date")) == [materials["stale"].title]
    assert set(report_rows(client, "?type=guide")) == {
        materials["guide"].title,
        materials["stale"].title,
    }
    assert list(report_rows(client, "?type=alert&state=missing")) == [materials["alert"].title]
    assert report_rows(client, "?type=poster") == {}
    assert client.get(REPORT + "?state=nonsense").status_code == 200
    assert client.get(REPORT + "?type=nonsense").status_code == 200


def test_report_exports_csv_and_xlsx_with_formulas_neutralised(client, materials):
    response = client.get(REPORT + "?export=csv")
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    titles = {row[0] for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil.example")医保预警' in titles
    assert materials["guide"].title in titles
    by_title = {row[0]: row for row in rows[1:]}
    assert "A call from the police?" in by_title[materials["guide"].title]

    response = client.get(REPORT + "?export=xlsx&state=missing")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 2
    assert values[1][0] == '\'=HYPERLINK("http://evil.example")医保预警'


def test_report_query_count_does_not_grow_with_the_materials(client, materials, site_tree):
    client.get(REPORT)  # warm caches (content types, locales)
    with CaptureQueriesContext(connection) as few:
        client.get(REPORT)
    for _ in range(8):
        factories.AlertPageFactory(parent=site_tree["alerts"]).save_revision().publish()
    with CaptureQueriesContext(connection) as many:
        response = client.get(REPORT)
    assert len(response.context["object_list"]) == 11
    assert len(many) == len(few), "\n".join(q["sql"][:160] for q in many)
    assert len(many) <= 20


def test_report_is_in_the_reports_menu_for_editors(client, site_tree, editor):
    client.force_login(editor)
    assert client.get(REPORT).status_code == 200
    html = client.get("/admin/").content.decode()
    assert REPORT in html


# --- the demo ------------------------------------------------------------------------------

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def mostly_chinese(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(bool(CJK.match(ch)) for ch in letters) > len(letters) / 3


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        remove_site_tree()
        call_command("load_demo", verbosity=0, no_users=True)
        yield
        transaction.set_rollback(True)


@pytest.mark.demo
@pytest.mark.django_db
def test_no_demo_english_page_has_a_chinese_body(demo, client):
    pages = Page.objects.live().filter(locale__language_code="en", depth__gt=2)
    assert pages.count() >= 15
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        html = response.content.decode()
        main = html.split("<main", 1)[1].split("</main>", 1)[0]
        text = strip_tags(main)
        # The Chinese language switch and quoted Chinese names are fine; a body is not.
        assert not mostly_chinese(text), (page.url, text[:300])
        assert not mostly_chinese(page.title), page.url


@pytest.mark.demo
@pytest.mark.django_db
def test_demo_english_versions_are_synced_translations(demo, client, admin_user):
    english = Page.objects.filter(locale__language_code="en", depth__gt=1)
    assert english.count() >= 15
    for page in english:
        translation = Translation.objects.get(
            source__object_id=page.translation_key,
            target_locale__language_code="en",
        )
        assert translation.enabled
        total, done = translation.get_progress()
        assert total == done, page.title
    guide = GuidePage.objects.get(locale__language_code="en", slug="guide-elders-pension-savings")
    client.force_login(admin_user)
    response = client.get(f"/admin/pages/{guide.pk}/edit/")
    assert "wagtail_localize/admin/edit_translation.html" in [t.name for t in response.templates]
    assert StringTranslation.objects.filter(locale__language_code="en").exists()
    states = {row.title: row.state for row in client.get(REPORT).context["object_list"]}
    assert set(states.values()) <= {"missing", "up_to_date"}
