"""Editors' screens: taxonomy choices per language, reader feedback and the review report."""

import datetime
import io

import openpyxl
from django.utils import timezone

from materials.models import Feedback
from tests import factories


def test_anonymous_visitors_cannot_open_admin_reports_or_feedback(client, site_tree):
    for url in [
        "/admin/reports/review-due/",
        "/admin/snippets/materials/feedback/",
        "/admin/snippets/materials/feedback/?export=csv",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_material_form_offers_only_taxonomies_of_the_page_language(
    client, site_tree, english_tree, moderator
):
    en = site_tree["locales"]["en"]
    police_en = site_tree["police"].copy_for_translation(en)
    police_en.name = "Impersonating police"
    police_en.save()
    guide = factories.GuidePageFactory(parent=site_tree["library"])
    guide.scam_types.add(site_tree["police"])
    guide.save_revision().publish()
    guide_en = guide.copy_for_translation(en)
    guide_en.save_revision().publish()

    client.force_login(moderator)
    zh_form = client.get(f"/admin/pages/{guide.pk}/edit/").context["form"]
    assert list(zh_form.fields["scam_types"].queryset) == [site_tree["police"]]
    en_form = client.get(f"/admin/pages/{guide_en.pk}/edit/").context["form"]
    assert list(en_form.fields["scam_types"].queryset) == [police_en]
    assert en_form.initial["scam_types"] == [police_en.pk]


def test_editors_see_and_export_reader_feedback(client, site_tree, editor):
    guide = factories.GuidePageFactory(parent=site_tree["library"], title="挂断再核实")
    Feedback.objects.create(page=guide, helpful=True, comment="很实用")
    Feedback.objects.create(page=guide, helpful=False, comment='=HYPERLINK("x")')
    client.force_login(editor)
    listing = client.get("/admin/snippets/materials/feedback/")
    assert listing.status_code == 200
    assert "很实用" in listing.content.decode()

    export = client.get("/admin/snippets/materials/feedback/?export=xlsx")
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert {row[0] for row in rows[1:]} == {"挂断再核实"}
    assert "很实用" in {row[3] for row in rows[1:]}


def test_nobody_can_add_or_edit_feedback_in_the_admin(client, site_tree, admin_user):
    guide = factories.GuidePageFactory(parent=site_tree["library"])
    answer = Feedback.objects.create(page=guide, helpful=True)
    client.force_login(admin_user)
    assert client.get("/admin/snippets/materials/feedback/add/").status_code in (302, 403)
    assert client.get(f"/admin/snippets/materials/feedback/edit/{answer.pk}/").status_code in (
        302,
        403,
    )
    assert Feedback.objects.count() == 1


def test_review_report_lists_materials_not_reviewed_for_a_year(client, site_tree, moderator):
    today = timezone.localdate()
    factories.PosterPageFactory(
        parent=site_tree["library"],
        title="过期海报",
        last_reviewed=today - datetime.timedelta(days=400),
    )
    factories.AlertPageFactory(
        parent=site_tree["alerts"],
        title="过期预警",
        last_reviewed=today - datetime.timedelta(days=366),
    )
    factories.GuidePageFactory(
        parent=site_tree["library"],
        title="新指南",
        last_reviewed=today - datetime.timedelta(days=30),
    )
    client.force_login(moderator)
    html = client.get("/admin/reports/review-due/").content.decode()
    assert "过期海报" in html and "过期预警" in html
    assert "新指南" not in html
    assert html.index("过期海报") < html.index("过期预警")  # oldest first

    csv_body = b"".join(client.get("/admin/reports/review-due/?export=csv").streaming_content)
    assert "过期海报" in csv_body.decode("utf-8-sig")


def test_users_without_page_permissions_cannot_see_the_review_report(
    client, site_tree, django_user_model
):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("viewer", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get("/admin/reports/review-due/")
    assert response.status_code in (302, 403)
