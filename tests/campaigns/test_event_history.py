"""The event history (audit trail): who created an event, what each edit changed (field,
old → new), who submitted, returned (with the comment) and approved it, on every path
that writes events; and only for people who may see the event."""

import pytest
from bs4 import BeautifulSoup

from campaigns.imports.service import import_events
from campaigns.models import OutreachEvent
from tests.campaigns.test_workflow import event_form_data

HISTORY = "/admin/campaigns/events/history/{pk}/"


def history_rows(client, event) -> list[str]:
    """Each row of the history table as one line of text: action, user, date."""
    response = client.get(HISTORY.format(pk=event.pk))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        " ".join(row.get_text(" ", strip=True).split()) for row in soup.select("table tbody tr")
    ]


def row_with(rows: list[str], *texts: str) -> str:
    found = [row for row in rows if all(text in row for text in texts)]
    assert found, f"no history row with {texts!r} in {rows!r}"
    return found[0]


@pytest.fixture
def walked_event(client, world):
    """An event taken through the admin the way a team does it: created and corrected by
    the coordinator, submitted, returned by the lead with a comment, corrected, submitted
    again and approved."""
    client.force_login(world["coord_a"])
    data = event_form_data(world, attendance="42", general_public="0", notes="")
    response = client.post("/admin/campaigns/events/new/", data)
    assert response.status_code == 302, response.context["form"].errors
    event = OutreachEvent.objects.get(attendance=42)
    data = {**data, "attendance": "60", "notes": "补记签到"}
    response = client.post(f"/admin/campaigns/events/edit/{event.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert client.post(f"/admin/campaigns/events/{event.pk}/submit/").status_code == 302

    client.force_login(world["lead_a"])
    response = client.post(
        f"/admin/campaigns/events/{event.pk}/return/", {"comment": "请补充签到表照片"}
    )
    assert response.status_code == 302

    client.force_login(world["coord_a"])
    data = {**data, "format": "talk"}
    response = client.post(f"/admin/campaigns/events/edit/{event.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert client.post(f"/admin/campaigns/events/{event.pk}/submit/").status_code == 302

    client.force_login(world["lead_a"])
    response = client.post(f"/admin/campaigns/events/{event.pk}/approve/", {"comment": ""})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "approved"
    return event


def test_history_shows_who_created_edited_submitted_returned_and_approved(
    client, world, walked_event
):
    client.force_login(world["lead_a"])
    rows = history_rows(client, walked_event)
    row_with(rows, "已创建", "coord_a")
    # Field labels in Chinese, old → new values, by whom.
    row_with(rows, "参与人数", "42 → 60", "coord_a")
    row_with(rows, "备注", "补记签到", "coord_a")
    row_with(rows, "形式", "摆摊 → 讲座", "coord_a")
    assert sum("已提交审核" in row and "coord_a" in row for row in rows) == 2
    row_with(rows, "已退回", "请补充签到表照片", "lead_a")
    row_with(rows, "已通过", "lead_a")
    # Newest first, the whole story in order.
    assert len(rows) == 7


def test_saving_an_unchanged_form_claims_no_changed_field(client, world):
    client.force_login(world["coord_a"])
    data = event_form_data(world, attendance="5", general_public="5")
    assert client.post("/admin/campaigns/events/new/", data).status_code == 302
    event = OutreachEvent.objects.get(attendance=5)
    response = client.post(f"/admin/campaigns/events/edit/{event.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors
    rows = history_rows(client, event)
    assert len(rows) == 2 and not any("→" in row for row in rows), rows


def test_history_opens_for_the_teams_people_and_managers_only(client, world):
    """The history of team A's event: 200 for A's lead and coordinator and for a manager,
    404 for team B's people and for site editors (as if the event did not exist)."""
    expected = {
        "lead_a": 200,
        "coord_a": 200,
        "manager": 200,
        "coord_b": 404,
        "lead_b": 404,
        "editor": 404,
    }
    answers = {}
    for user_key in expected:
        client.force_login(world[user_key])
        answers[user_key] = client.get(HISTORY.format(pk=world["event_a"].pk)).status_code
    assert answers == expected


def test_imported_events_record_their_creation_and_each_changed_field(client, world):
    header = "编号,宣传活动,日期,开始时间,场所名称,场所类型,辖区,形式,参与人数,单位,备注"
    row = "H1,{campaign},2026/5/1,9:00,东门菜市场,菜市场,江南区,摆摊,{people},{team},"

    def sheet(people):
        line = row.format(campaign=world["campaign"].name, team=world["team_a"].name, people=people)
        return f"{header}\n{line}\n".encode()

    report = import_events(content=sheet(120), filename="台账.csv", user=world["coord_a"])
    assert report.saved and report.new == 1
    report = import_events(content=sheet(150), filename="台账.csv", user=world["coord_a"])
    assert report.saved and report.updated == 1
    # A dry run changes nothing, and so records nothing.
    import_events(content=sheet(999), filename="台账.csv", user=world["coord_a"], dry_run=True)

    event = OutreachEvent.objects.get(external_id="H1")
    client.force_login(world["lead_a"])
    rows = history_rows(client, event)
    assert len(rows) == 2, rows
    row_with(rows, "已创建", "台账.csv", "coord_a")
    row_with(rows, "参与人数", "120 → 150", "台账.csv", "coord_a")
    assert not any("999" in row for row in rows)
