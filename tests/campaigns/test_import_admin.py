"""Importing in the admin: upload shows a preview with every problem; confirm saves."""

from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import OutreachEvent


def upload(client, content, name="events.csv", **extra):
    return client.post(
        "/admin/campaigns/events/import/", {"file": SimpleUploadedFile(name, content), **extra}
    )


def rows(world, *lines):
    header = "编号,宣传活动,日期,场所名称,场所类型,辖区,形式,参与人数,单位"
    body = [line.format(c=world["campaign"].name, t=world["team_a"].name) for line in lines]
    return ("\n".join([header, *body]) + "\n").encode()


def test_preview_then_confirm(client, world):
    client.force_login(world["coord_a"])
    content = rows(world, "W1,{c},2026-05-01,东门菜市场,菜市场,江南区,摆摊,100,{t}")
    preview = upload(client, content)
    assert preview.status_code == 200
    assert preview.context["report"].new == 1 and preview.context["can_confirm"]
    assert not OutreachEvent.objects.filter(external_id="W1").exists()
    confirmed = client.post("/admin/campaigns/events/import/", {"confirm": "1"})
    assert confirmed.status_code == 302
    assert OutreachEvent.objects.filter(external_id="W1", created_by=world["coord_a"]).exists()


def test_invalid_rows_are_listed_and_cannot_be_confirmed(client, world):
    client.force_login(world["coord_a"])
    content = rows(world, "W2,{c},2026-02-30,东门菜市场,菜市场,江南区,摆摊,abc,{t}")
    preview = upload(client, content)
    problems = [(p.row, p.column) for p in preview.context["report"].problems]
    assert (2, "date") in problems and (2, "attendance") in problems
    assert not preview.context["can_confirm"]
    html = preview.content.decode()
    assert "2026-02-30" in html
    client.post("/admin/campaigns/events/import/", {"confirm": "1"})
    assert not OutreachEvent.objects.filter(external_id="W2").exists()


def test_unreadable_upload_is_explained_on_the_form(client, world):
    client.force_login(world["coord_a"])
    response = upload(client, b"not a workbook", name="events.xlsx")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_template_downloads(client, world):
    client.force_login(world["coord_a"])
    csv_template = client.get("/admin/campaigns/events/import/?template=csv")
    assert csv_template.content.decode("utf-8-sig").startswith("编号,宣传活动,日期")
    xlsx = client.get("/admin/campaigns/events/import/?template=xlsx")
    assert xlsx.content[:2] == b"PK"
