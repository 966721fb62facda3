"""Figures that can be reported upwards (issue 13): no event dated after today (in the
site's time zone), attendance above the sanity bound confirmed by the coordinator and by
the approver, four eyes on approval, every figure shown wherever figures are shown, and a
detail page in local time with labels instead of raw values."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from campaigns import workflow
from campaigns.imports.service import import_events
from campaigns.models import ATTENDANCE_SANITY_BOUND, EventPhoto, OutreachEvent
from campaigns.permissions import MANAGERS
from campaigns.tasks import send_weekly_summary
from tests import factories
from tests.campaigns.conftest import make_user
from tests.campaigns.test_workflow import add_event

BEIJING = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def clock(monkeypatch):
    """Stops the clock at a given instant (django.utils.timezone.now, which localdate,
    auto_now and the rule under test all read)."""

    def stop_at(instant: datetime.datetime):
        monkeypatch.setattr(timezone, "now", lambda: instant)

    return stop_at


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# --- 1. No event dated after today, in Beijing --------------------------------------------
# 2026-05-31 23:30 in Beijing is 15:30 UTC; 00:30 on 1 June in Beijing is still 31 May UTC.
BEIJING_LATE_EVENING = datetime.datetime(2026, 5, 31, 15, 30, tzinfo=datetime.UTC)
BEIJING_JUST_AFTER_MIDNIGHT = datetime.datetime(2026, 5, 31, 16, 30, tzinfo=datetime.UTC)


def test_form_refuses_an_event_dated_tomorrow_in_beijing_on_the_date_field(client, world, clock):
    clock(BEIJING_LATE_EVENING)
    client.force_login(world["coord_a"])
    response = add_event(
        client, world, starts_at="2026-06-01 09:00", ends_at="2026-06-01 11:00", attendance="31"
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "starts_at" in errors
    assert "2026-06-01" in " ".join(errors["starts_at"])
    assert "2026-05-31" in " ".join(errors["starts_at"])  # says what today is
    assert not OutreachEvent.objects.filter(attendance=31).exists()


def test_form_accepts_today_in_beijing_while_utc_is_still_yesterday(client, world, clock):
    clock(BEIJING_JUST_AFTER_MIDNIGHT)
    client.force_login(world["coord_a"])
    response = add_event(
        client, world, starts_at="2026-06-01 09:00", ends_at="2026-06-01 11:00", attendance="32"
    )
    assert response.status_code == 302, response.context["form"].errors
    assert OutreachEvent.objects.filter(attendance=32).exists()


def test_an_event_recorded_in_the_evening_of_today_is_accepted(client, world, clock):
    clock(BEIJING_LATE_EVENING)
    client.force_login(world["coord_a"])
    response = add_event(
        client, world, starts_at="2026-05-31 19:00", ends_at="2026-05-31 21:00", attendance="33"
    )
    assert response.status_code == 302, response.context["form"].errors


IMPORT_HEADER = "编号,宣传活动,日期,开始时间,场所名称,场所类型,辖区,形式,参与人数,单位"


def _import_csv(world, *rows):
    lines = [IMPORT_HEADER] + [
        row.format(campaign=world["campaign"].name, team=world["team_a"].name) for row in rows
    ]
    return ("\n".join(lines) + "\n").encode()


def test_import_refuses_a_row_dated_tomorrow_naming_the_line_and_the_date_header(world, clock):
    clock(BEIJING_LATE_EVENING)
    content = _import_csv(
        world,
        "F1,{campaign},2026-05-31,20:00,东门菜市场,菜市场,江南区,摆摊,80,{team}",
        "F2,{campaign},2026-06-01,09:00,东门菜市场,菜市场,江南区,摆摊,90,{team}",
    )
    report = import_events(content=content, filename="台账.csv", user=world["manager"])
    assert not report.saved
    problems = [(p.row, p.column, p.header) for p in report.problems]
    assert problems == [(3, "date", "日期")]
    assert "2026-06-01" in report.problems[0].message


def test_import_accepts_today_in_beijing_while_utc_is_still_yesterday(world, clock):
    clock(BEIJING_JUST_AFTER_MIDNIGHT)
    content = _import_csv(
        world, "F3,{campaign},2026-06-01,09:00,东门菜市场,菜市场,江南区,摆摊,90,{team}"
    )
    report = import_events(content=content, filename="台账.csv", user=world["manager"])
    assert report.saved, report.problems


# --- 2. Attendance above the sanity bound -----------------------------------------------
HUGE = ATTENDANCE_SANITY_BOUND + 1000


def test_the_new_event_form_has_no_confirmation_box_for_ordinary_figures(client, world):
    client.force_login(world["coord_a"])
    html = client.get("/admin/campaigns/events/new/").content.decode()
    assert 'name="confirm_attendance"' not in html
    response = add_event(client, world, attendance="120")
    assert response.status_code == 302


def test_attendance_above_the_bound_needs_the_coordinators_confirmation(client, world):
    client.force_login(world["coord_a"])
    response = add_event(client, world, attendance=str(HUGE))
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["attendance"])
    assert str(HUGE) in message and str(ATTENDANCE_SANITY_BOUND) in message
    assert 'name="confirm_attendance"' in response.content.decode()  # the box appears
    assert not OutreachEvent.objects.filter(attendance=HUGE).exists()

    response = add_event(client, world, attendance=str(HUGE), confirm_attendance="on")
    assert response.status_code == 302, response.context["form"].errors
    event = OutreachEvent.objects.get(attendance=HUGE)
    assert event.needs_review


def test_editing_other_fields_of_a_confirmed_event_asks_nothing_again(client, world):
    event = factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world["team_a"],
        created_by=world["coord_a"],
        needs_review=True,
        **factories.reached(HUGE),
    )
    client.force_login(world["coord_a"])
    from tests.campaigns.test_workflow import event_form_data

    data = event_form_data(
        world, attendance=str(HUGE), venue=event.venue_id, notes="补充说明", warnings="3"
    )
    response = client.post(f"/admin/campaigns/events/edit/{event.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors


def _flagged(world, **kwargs):
    return factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world["team_a"],
        created_by=world["coord_a"],
        status="submitted",
        needs_review=True,
        **factories.reached(HUGE),
        **kwargs,
    )


def test_the_lead_sees_the_flag_in_the_list_and_on_the_review_screen(client, world):
    flagged = _flagged(world)
    client.force_login(world["lead_a"])
    listing = client.get("/admin/campaigns/events/").content.decode()
    assert listing.count('class="w-status w-status--label flagged-attendance"') == 1
    review = client.get(f"/admin/campaigns/events/{flagged.pk}/approve/").content.decode()
    assert "flagged-attendance" in review
    assert 'data-review-decision="approve"' in review
    assert 'name="confirm_flagged"' in review
    plain = client.get(f"/admin/campaigns/events/{world['event_a'].pk}/approve/")
    assert 'name="confirm_flagged"' not in plain.content.decode()


def test_approving_a_flagged_event_needs_an_explicit_confirmation(client, world):
    flagged = _flagged(world)
    with pytest.raises(ValidationError):
        workflow.approve_event(event=flagged, user=world["lead_a"])
    flagged.refresh_from_db()
    assert flagged.status == "submitted"

    client.force_login(world["lead_a"])
    response = client.post(f"/admin/campaigns/events/{flagged.pk}/approve/", {"comment": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["confirm_flagged"]
    flagged.refresh_from_db()
    assert flagged.status == "submitted"

    response = client.post(
        f"/admin/campaigns/events/{flagged.pk}/approve/", {"comment": "", "confirm_flagged": "on"}
    )
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.status == "approved"
    entry = ModelLogEntry.objects.filter(object_id=str(flagged.pk), action="campaigns.approve")
    assert entry.get().data["confirmed_flagged_attendance"] == HUGE


def test_an_unflagged_event_is_approved_without_the_confirmation(world):
    workflow.approve_event(event=world["event_a"], user=world["lead_a"])
    assert world["event_a"].status == "approved"


# --- 3. Four eyes ---------------------------------------------------------------------------
def _own_event(world, author, **kwargs):
    return factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world["team_a"],
        created_by=author,
        status="submitted",
        **kwargs,
    )


def test_a_lead_cannot_approve_an_event_they_created_while_a_manager_can(world):
    event = _own_event(world, world["lead_a"])
    with pytest.raises(ValidationError) as refused:
        workflow.approve_event(event=event, user=world["lead_a"])
    assert "manager" in " ".join(refused.value.messages)
    event.refresh_from_db()
    assert event.status == "submitted"
    workflow.approve_event(event=event, user=world["manager"])
    assert event.status == "approved"


def test_a_lead_cannot_approve_an_event_they_took_part_in(world):
    event = _own_event(world, world["coord_a"])
    event.participants.add(world["lead_a"])
    event.save()
    event = OutreachEvent.objects.get(pk=event.pk)  # as a request loads it
    with pytest.raises(ValidationError):
        workflow.approve_event(event=event, user=world["lead_a"])
    event.participants.remove(world["lead_a"])
    event.save()
    event = OutreachEvent.objects.get(pk=event.pk)
    workflow.approve_event(event=event, user=world["lead_a"])
    assert event.status == "approved"


def test_a_manager_who_created_an_event_leaves_it_to_the_teams_lead(world):
    event = _own_event(world, world["manager"])
    with pytest.raises(ValidationError):
        workflow.approve_event(event=event, user=world["manager"])
    workflow.approve_event(event=event, user=world["lead_a"])
    assert event.status == "approved"


def test_another_manager_approves_what_one_manager_created_in_a_team_without_a_lead(
    world, django_user_model
):
    world["team_a"].lead = None
    world["team_a"].save()
    event = _own_event(world, world["manager"])
    second = make_user(django_user_model, "manager2", MANAGERS)
    with pytest.raises(ValidationError):
        workflow.approve_event(event=event, user=world["manager"])
    workflow.approve_event(event=event, user=second)
    assert event.status == "approved"


def test_the_only_possible_reviewer_approves_their_own_event_with_a_logged_note(world):
    """Fallback: nobody else can approve (the lead's team has no other reviewer and no
    manager is active), so the lead may, and the history says four eyes were waived."""
    Group.objects.get(name=MANAGERS).user_set.update(is_active=False)
    event = _own_event(world, world["lead_a"])
    workflow.approve_event(event=event, user=world["lead_a"])
    assert event.status == "approved"
    entry = ModelLogEntry.objects.get(object_id=str(event.pk), action="campaigns.approve")
    assert entry.data["four_eyes_waived"]


def test_a_reviewer_who_also_took_part_does_not_count_as_someone_else(world):
    """The manager recorded the event and the lead was there: nobody without a stake is
    left, so the fallback lets the manager approve, with the note."""
    event = _own_event(world, world["manager"])
    event.participants.add(world["lead_a"])
    event.save()
    event = OutreachEvent.objects.get(pk=event.pk)
    workflow.approve_event(event=event, user=world["manager"])
    entry = ModelLogEntry.objects.get(object_id=str(event.pk), action="campaigns.approve")
    assert entry.data["four_eyes_waived"]


def test_a_superuser_is_someone_else_who_can_approve(world, django_user_model):
    Group.objects.get(name=MANAGERS).user_set.update(is_active=False)
    django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    event = _own_event(world, world["lead_a"])
    with pytest.raises(ValidationError):
        workflow.approve_event(event=event, user=world["lead_a"])


def test_returning_ones_own_event_is_still_allowed(world):
    event = _own_event(world, world["lead_a"])
    workflow.return_event(event=event, user=world["lead_a"], comment="地点写错了")
    assert event.status == "returned"


def test_the_approve_action_is_hidden_from_the_author_and_the_screen_says_why(client, world):
    event = _own_event(world, world["lead_a"])
    client.force_login(world["lead_a"])
    edit = client.get(f"/admin/campaigns/events/edit/{event.pk}/").content.decode()
    assert f"/admin/campaigns/events/{event.pk}/approve/" not in edit
    assert "four-eyes" in edit
    screen = client.get(f"/admin/campaigns/events/{event.pk}/approve/").content.decode()
    assert "four-eyes" in screen and 'data-review-decision="approve"' not in screen
    returning = client.get(f"/admin/campaigns/events/{event.pk}/return/").content.decode()
    assert 'data-review-decision="return"' in returning
    refused = client.post(f"/admin/campaigns/events/{event.pk}/approve/", {"comment": ""})
    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors()
    event.refresh_from_db()
    assert event.status == "submitted"
    # a plain event of the team still offers it
    other = client.get(f"/admin/campaigns/events/edit/{world['event_a'].pk}/").content.decode()
    assert f"/admin/campaigns/events/{world['event_a'].pk}/approve/" in other


# --- 4. Every figure wherever figures are shown --------------------------------------------
def _rich_event(world, **kwargs):
    defaults = dict(
        campaign=world["campaign"],
        team=world["team_a"],
        created_by=world["coord_a"],
        status="approved",
        money_protected_yuan=Decimal("38600.50"),
        help_requests=17,
        videos_screened=4,
        staff_count=6,
        partners="江南支行、东门社区居委会",
        **factories.reached(260, elders=200, general_public=60),
    )
    defaults.update(kwargs)
    return factories.OutreachEventFactory(**defaults)


def test_the_detail_page_shows_every_figure(client, world):
    event = _rich_event(world)
    client.force_login(world["lead_a"])
    html = client.get(f"/admin/campaigns/events/inspect/{event.pk}/").content.decode()
    for shown in ("38,600.50", "17", "4", "6", "江南支行、东门社区居委会"):
        assert re.search(rf">\s*{shown}\s*<", html), shown


def test_the_events_list_shows_money_and_offers_the_other_figures(client, world):
    _rich_event(world)
    client.force_login(world["lead_a"])
    html = client.get("/admin/campaigns/events/").content.decode()
    assert "38,600.50" in html
    assert "?figures=all" in html
    html = client.get("/admin/campaigns/events/?figures=all").content.decode()
    for shown in ("38,600.50", "17", "4", "6", "江南支行、东门社区居委会"):
        assert re.search(rf">\s*{shown}\s*<", html), shown


def test_an_empty_figure_in_the_list_is_a_dash_not_none(client, world):
    _rich_event(world, partners="")
    client.force_login(world["lead_a"])
    page = client.get("/admin/campaigns/events/?figures=all").content.decode()
    table = page[page.index('class="listing') :]
    assert "None" not in table
    rows = [row for row in table.split("<tr") if "38,600.50" in row]
    assert re.search(r"<td[^>]*>\s*—\s*</td>\s*</tr>", rows[0])  # no partners: —, not blank


def test_the_dashboard_shows_help_requests_videos_staff_and_partner_events(client, world):
    _rich_event(world)
    _rich_event(world, partners="", help_requests=3, videos_screened=1, staff_count=2)
    client.force_login(world["manager"])
    response = client.get("/admin/campaigns/reach/")
    totals = response.context["report"]["totals"]
    assert (totals["help_requests"], totals["videos_screened"], totals["staff_count"]) == (
        20,
        5,
        8,
    )
    assert totals["partner_events"] == 1
    assert totals["money_protected_yuan"] == Decimal("77201.00")
    html = response.content.decode()
    assert "7.72万元" in html  # money protected, both events, as the headline says it
    with translation.override("zh-hans"):
        labels = [
            translation.gettext(label)
            for label in ("People who asked for help", "Videos screened", "Staff deployed")
        ]
    for label in labels:
        assert label in html, label


def test_the_export_carries_every_figure_and_reimports_unchanged(client, world):
    _rich_event(world, external_id="R1", status="draft")
    client.force_login(world["manager"])
    response = client.get("/admin/campaigns/events/export/?file=csv&headers=zh")
    text = response.content.decode("utf-8-sig")
    header, row = (
        text.splitlines()[0].split(","),
        next(line for line in text.splitlines() if line.startswith("R1,")),
    )
    for name in ("求助人数", "播放视频数", "避免损失（元）", "工作人员数", "合作单位"):
        assert name in header, name
    cells = dict(zip(header, row.split(","), strict=True))
    assert (cells["求助人数"], cells["播放视频数"], cells["工作人员数"]) == ("17", "4", "6")
    assert cells["避免损失（元）"] == "38600.50"
    assert cells["合作单位"] == "江南支行、东门社区居委会"
    report = import_events(content=response.content, filename="export.csv", user=world["manager"])
    assert report.ok and report.unchanged >= 1 and report.new == 0 and report.updated == 0


def test_the_import_reads_the_new_columns(world):
    header = IMPORT_HEADER + ",求助人数,播放视频数,避免损失（元）,工作人员数,合作单位"
    lines = [
        header,
        f"G1,{world['campaign'].name},2026-05-03,09:00,东门菜市场,菜市场,江南区,摆摊,90,"
        f'{world["team_a"].name},5,2,"12,000.00",3,东门社区',
    ]
    report = import_events(
        content=("\n".join(lines) + "\n").encode(), filename="台账.csv", user=world["manager"]
    )
    assert report.saved, report.problems
    event = OutreachEvent.objects.get(external_id="G1")
    assert (event.help_requests, event.videos_screened, event.staff_count, event.partners) == (
        5,
        2,
        3,
        "东门社区",
    )
    assert event.money_protected_yuan == Decimal("12000.00")


def test_the_api_carries_help_requests_videos_staff_and_partner_events(client, world):
    _rich_event(world)
    client.force_login(world["manager"])
    totals = client.get("/api/v1/reach/").json()["totals"]
    assert totals["money_protected_yuan"] == "38600.50"
    assert (totals["help_requests"], totals["videos_screened"], totals["staff_count"]) == (
        17,
        4,
        6,
    )
    assert totals["partner_events"] == 1


def test_the_weekly_summary_carries_every_figure(world):
    _rich_event(world)
    world["lead_a"].email = "lead_a@example.org"
    world["lead_a"].save()
    week_start = timezone.localtime(world["event_a"].starts_at).date()
    assert send_weekly_summary(world["team_a"].pk, week_start.isoformat())
    body = mail.outbox[-1].body
    with translation.override("zh-hans"):
        expected = [
            f"{translation.gettext('Money protected (yuan)')}: 38,600.50",
            f"{translation.gettext('People who asked for help')}: 17",
            f"{translation.gettext('Videos screened')}: 4",
            f"{translation.gettext('Staff deployed')}: 6",
        ]
    for line in expected:
        assert line in body, line


# --- 5. The detail page: local time, labels, photos ------------------------------------------
def _jpeg(name="booth.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_the_detail_page_shows_beijing_time_labels_and_photo_thumbnails(client, world):
    event = factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world["team_a"],
        created_by=world["coord_a"],
        starts_at=datetime.datetime(2026, 5, 20, 9, 0, tzinfo=BEIJING),
        ends_at=datetime.datetime(2026, 5, 20, 11, 30, tzinfo=BEIJING),
        external_id=None,
        needs_review=False,
    )
    photo = EventPhoto.objects.create(event=event, image=_jpeg(), caption="摊位现场")
    client.force_login(world["coord_a"])
    page = client.get(f"/admin/campaigns/events/inspect/{event.pk}/").content.decode()
    html = page[page.index("<dl>") : page.index("</dl>")]
    assert "09:00" in html and "11:30" in html
    assert "01:00" not in html and "03:30" not in html
    assert "None" not in html
    assert "False" not in html and "True" not in html
    assert f'<img src="{photo.image.url}"' in html
    assert "摊位现场" in html


def test_an_event_early_in_the_beijing_morning_is_named_by_its_local_day(world):
    event = factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world["team_a"],
        starts_at=datetime.datetime(2026, 5, 20, 7, 0, tzinfo=BEIJING),  # 19 May in UTC
        ends_at=datetime.datetime(2026, 5, 20, 9, 0, tzinfo=BEIJING),
    )
    event.refresh_from_db()  # read back as stored (UTC)
    assert str(event).endswith("2026-05-20")


@pytest.mark.parametrize(
    ("column", "cell", "words"),
    [
        ("避免损失（元）", "大约一万", "not an amount of money"),
        ("避免损失（元）", "-300", "not an amount of money"),
        ("避免损失（元）", "99999999999999", "more than can be recorded"),
        ("工作人员数", "99999", "32767"),
        ("求助人数", "三个", "not a whole number"),
    ],
)
def test_a_bad_figure_in_the_new_columns_is_the_rows_error_named_by_its_header(
    world, column, cell, words
):
    header = f"{IMPORT_HEADER},{column}"
    lines = [
        header,
        f"H1,{world['campaign'].name},2026-05-03,09:00,东门菜市场,菜市场,江南区,摆摊,90,"
        f"{world['team_a'].name},{cell}",
    ]
    report = import_events(
        content=("\n".join(lines) + "\n").encode(), filename="台账.csv", user=world["manager"]
    )
    assert not report.saved
    # the header exactly as the file names it (full-width brackets kept: issue 14)
    assert [(p.row, p.header) for p in report.problems] == [(2, column)]
    assert words in report.problems[0].message


def test_a_file_without_the_new_columns_leaves_an_events_figures_alone(world):
    event = _rich_event(world, external_id="K1", status="draft")
    content = _import_csv(
        world, "K1,{campaign},2026-05-20,17:00,场所X,菜市场,江南区,摆摊,260,{team}"
    )
    report = import_events(content=content, filename="台账.csv", user=world["manager"])
    assert report.saved, report.problems
    event.refresh_from_db()
    assert (event.help_requests, event.videos_screened, event.staff_count) == (17, 4, 6)
    assert event.money_protected_yuan == Decimal("38600.50")
    assert event.partners == "江南支行、东门社区居委会"


def test_who_took_part_is_chosen_on_the_form_and_its_changes_are_in_the_history(client, world):
    from tests.campaigns.test_workflow import event_form_data

    event = factories.OutreachEventFactory(
        campaign=world["campaign"], team=world["team_a"], created_by=world["coord_a"]
    )
    event.participants.add(world["lead_a"])
    event.save()  # a ParentalManyToManyField is written with its event
    client.force_login(world["coord_a"])
    data = event_form_data(world, venue=event.venue_id, participants=[world["coord_a"].pk])
    response = client.post(f"/admin/campaigns/events/edit/{event.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors
    stored = OutreachEvent.objects.get(pk=event.pk)
    assert [user.pk for user in stored.participants.all()] == [world["coord_a"].pk]
    entry = ModelLogEntry.objects.filter(object_id=str(event.pk), action="campaigns.edit").get()
    assert {"field": "participants", "old": "lead_a", "new": "coord_a"} in entry.data["changes"]


def test_the_form_offers_only_members_of_the_users_teams_as_participants(client, world):
    client.force_login(world["coord_a"])
    form = client.get("/admin/campaigns/events/new/").context["form"]
    offered = set(form.fields["participants"].queryset.values_list("username", flat=True))
    assert offered == {"coord_a", "lead_a"}


def test_a_users_own_admin_time_zone_moves_no_figure_to_another_day(world, client):
    """Wagtail lets each user pick a time zone for the admin; the figures' days stay the
    site's: an event at 07:00 on 20 May in Beijing counts on 20 May, imports read their
    times as Beijing times and exports write them so."""
    from campaigns.models import DailyReach

    event = factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world["team_a"],
        created_by=world["coord_a"],
        status="submitted",
        starts_at=datetime.datetime(2026, 5, 20, 7, 0, tzinfo=BEIJING),
        ends_at=datetime.datetime(2026, 5, 20, 9, 0, tzinfo=BEIJING),
    )
    with timezone.override("UTC"):
        workflow.approve_event(event=event, user=world["lead_a"])
        content = _import_csv(
            world, "U1,{campaign},2026-05-21,07:30,东门菜市场,菜市场,江南区,摆摊,90,{team}"
        )
        report = import_events(content=content, filename="台账.csv", user=world["manager"])
    assert report.saved, report.problems
    day = DailyReach.objects.get(dimension="total", team=world["team_a"]).day
    assert day == datetime.date(2026, 5, 20)
    imported = OutreachEvent.objects.get(external_id="U1")
    assert imported.starts_at == datetime.datetime(2026, 5, 21, 7, 30, tzinfo=BEIJING)
    client.force_login(world["manager"])
    profile = UserProfile.get_for_user(world["manager"])
    profile.current_time_zone = "UTC"
    profile.save()
    text = client.get(
        "/admin/campaigns/events/export/?file=csv&headers=en&values=codes"
    ).content.decode()
    assert f"U1,{world['campaign'].slug},2026-05-21,07:30" in text


def test_the_dashboards_pending_counts_use_the_sites_days(client, world):
    """A draft at 07:00 on 20 May in Beijing is 19 May in UTC: a dashboard filtered to
    20 May counts it even for a user whose admin shows UTC."""
    factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world["team_a"],
        created_by=world["coord_a"],
        starts_at=datetime.datetime(2026, 5, 20, 7, 0, tzinfo=BEIJING),
        ends_at=datetime.datetime(2026, 5, 20, 9, 0, tzinfo=BEIJING),
    )
    profile = UserProfile.get_for_user(world["lead_a"])
    profile.current_time_zone = "UTC"
    profile.save()
    client.force_login(world["lead_a"])
    response = client.get("/admin/campaigns/reach/?date_from=2026-05-20&date_to=2026-05-20")
    assert response.context["pending"]["draft"] == 1


def test_the_history_writes_times_in_the_sites_time_zone(world):
    from campaigns import history

    event = factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world["team_a"],
        starts_at=datetime.datetime(2026, 5, 20, 7, 0, tzinfo=BEIJING),
        ends_at=datetime.datetime(2026, 5, 20, 9, 0, tzinfo=BEIJING),
    )
    with timezone.override("UTC"):  # a user whose admin shows UTC edits it
        state = history.snapshot(event)
    assert (state["starts_at"], state["ends_at"]) == ("2026-05-20 07:00", "2026-05-20 09:00")
