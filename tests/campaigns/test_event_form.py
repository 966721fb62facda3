"""The coordinator's event form keeps everything they type (issue 13, "Nothing a
coordinator types is lost"): one "save and submit" action, photos that survive a
validation error and are stored downscaled, and a phone-shaped form (native date and time
inputs, the team and the running campaign chosen, venues of the team's district, live
materials only)."""

import datetime
import io
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from campaigns import photos
from campaigns.models import DailyReach, EventPhoto, EventStatus, OutreachEvent
from campaigns.reach import rebuild_reach_rollups
from tests import factories
from tests.campaigns.test_workflow import event_form_data

NEW = "/admin/campaigns/events/new/"
EDIT = "/admin/campaigns/events/edit/{pk}/"


def phone_jpeg(name="IMG_20260501_091502.jpg", size=(4032, 3024), orientation=6, noise=False):
    """A JPEG as a phone writes it: landscape sensor pixels, EXIF orientation 6 ("rotate
    90° clockwise to show"), camera make and a GPS block; a red mark in the sensor's top
    left corner, which appears top right once the orientation is applied."""
    if noise:  # incompressible: a file as large as a real photo of a crowded market
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (40, 90, 160))
    mark = Image.new("RGB", (size[0] // 8, size[1] // 8), (230, 20, 20))
    image.paste(mark, (0, 0))
    exif = Image.Exif()
    exif[0x010F] = "Xiaomi"
    exif[0x0110] = "2201123C"
    exif[0x0112] = orientation
    gps = {1: "N", 2: (31.0, 49.0, 12.0), 3: "E", 4: (121.0, 28.0, 30.0)}
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95, exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def photo_fields(upload, caption="东门菜市场摆摊现场"):
    return {
        "photos-TOTAL_FORMS": "1",
        "photos-0-image": upload,
        "photos-0-caption": caption,
        "photos-0-id": "",
    }


@pytest.fixture
def draft(world):
    return factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world["team_a"],
        created_by=world["coord_a"],
        status=EventStatus.DRAFT,
        **factories.reached(30, elders=30),
    )


def edit_data(world, event, **overrides):
    local = timezone.localtime(event.starts_at)
    data = event_form_data(
        world,
        venue=event.venue_id,
        starts_at=f"{local:%Y-%m-%d %H:%M}",
        ends_at=f"{timezone.localtime(event.ends_at):%Y-%m-%d %H:%M}",
        attendance=str(event.attendance),
        elders=str(event.elders),
    )
    data.update(overrides)
    return data


# --- Save and submit, one action ----------------------------------------------------------
def test_save_and_submit_on_edit_keeps_the_unsaved_edit_and_submits(client, world, draft):
    client.force_login(world["coord_a"])
    page = client.get(EDIT.format(pk=draft.pk)).content.decode()
    assert 'name="action-submit"' in page
    assert f"/admin/campaigns/events/{draft.pk}/submit/" not in page  # no second form
    data = edit_data(world, draft, attendance="45", elders="30", **{"action-submit": "1"})
    response = client.post(EDIT.format(pk=draft.pk), data)
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    assert (draft.attendance, draft.status) == (45, "submitted")
    assert draft.reviewed_by is None


def test_save_and_submit_on_create_records_a_submitted_event(client, world):
    client.force_login(world["coord_a"])
    assert 'name="action-submit"' in client.get(NEW).content.decode()
    response = client.post(NEW, event_form_data(world, attendance="63", **{"action-submit": "1"}))
    assert response.status_code == 302, response.context["form"].errors
    event = OutreachEvent.objects.get(attendance=63)
    assert (event.status, event.created_by) == ("submitted", world["coord_a"])


def test_plain_save_keeps_a_draft(client, world, draft):
    client.force_login(world["coord_a"])
    response = client.post(EDIT.format(pk=draft.pk), edit_data(world, draft, attendance="44"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.attendance, draft.status) == (44, "draft")


def test_save_and_submit_with_an_error_submits_nothing_and_keeps_the_input(client, world, draft):
    client.force_login(world["coord_a"])
    data = edit_data(
        world,
        draft,
        attendance="20",
        elders="30",
        notes="早市人多，复核中",
        **{"action-submit": "1"},
    )
    response = client.post(EDIT.format(pk=draft.pk), data)
    assert response.status_code == 200
    assert "attendance" in response.context["form"].errors
    draft.refresh_from_db()
    assert (draft.status, draft.attendance, draft.notes) == ("draft", 30, draft.notes)
    page = response.content.decode()
    assert "早市人多，复核中" in page and 'value="20"' in page


# --- Photos -----------------------------------------------------------------------------
def test_a_validation_error_keeps_the_chosen_photo(client, world):
    client.force_login(world["coord_a"])
    bad = event_form_data(world, attendance="12", elders="50", **photo_fields(phone_jpeg()))
    response = client.post(NEW, bad)
    assert response.status_code == 200
    page = response.content.decode()
    held = re.search(r'name="photos-0-image-held" value="([^"]+)"', page)
    assert held, "the re-rendered form does not carry the chosen photo"
    assert "IMG_20260501_091502" in page
    # The coordinator fixes the count and saves without choosing the photo again.
    fixed = event_form_data(
        world,
        attendance="12",
        elders="10",
        **{
            "photos-TOTAL_FORMS": "1",
            "photos-0-image-held": held.group(1),
            "photos-0-caption": "东门菜市场摆摊现场",
            "photos-0-id": "",
        },
    )
    response = client.post(NEW, fixed)
    assert response.status_code == 302, response.context["form"].formsets["photos"].errors
    photo = EventPhoto.objects.get(event__attendance=12)
    assert photo.caption == "东门菜市场摆摊现场"
    with photo.image.open("rb") as stored:
        assert Image.open(stored).size == (1920, 2560)


def test_a_held_photo_is_only_for_the_user_who_chose_it(client, world):
    client.force_login(world["coord_a"])
    bad = event_form_data(world, attendance="12", elders="50", **photo_fields(phone_jpeg()))
    page = client.post(NEW, bad).content.decode()
    token = re.search(r'name="photos-0-image-held" value="([^"]+)"', page).group(1)
    client.force_login(world["coord_b"])
    data = event_form_data(
        world,
        team=world["team_b"].pk,
        attendance="12",
        **{
            "photos-TOTAL_FORMS": "1",
            "photos-0-image-held": token,
            "photos-0-caption": "别人的照片",
            "photos-0-id": "",
        },
    )
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert response.context["form"].formsets["photos"].errors[0]["image"]
    assert not EventPhoto.objects.exists()


@pytest.mark.parametrize("token", ["../../etc/passwd", "x" * 300, "a/b", "\x00", ""])
def test_a_forged_held_token_is_a_form_error_not_a_crash(client, world, token):
    client.force_login(world["coord_a"])
    data = event_form_data(
        world,
        **{
            "photos-TOTAL_FORMS": "1",
            "photos-0-image-held": token,
            "photos-0-caption": "现场",
            "photos-0-id": "",
        },
    )
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert response.context["form"].formsets["photos"].errors[0]["image"]


def test_a_photo_over_the_limit_is_refused_with_the_limit_named(client, world, settings):
    settings.CAMPAIGNS_PHOTO_MAX_MB = 1
    client.force_login(world["coord_a"])
    big = phone_jpeg("IMG_big.jpg", size=(1400, 1000), noise=True)
    assert big.size > 1024 * 1024
    response = client.post(NEW, event_form_data(world, attendance="9", **photo_fields(big)))
    assert response.status_code == 200
    [message] = response.context["form"].formsets["photos"].errors[0]["image"]
    assert "IMG_big.jpg" in message and "1 MB" in message
    assert not OutreachEvent.objects.filter(attendance=9).exists()


def test_an_accepted_photo_is_stored_downscaled_upright_with_its_place(client, world):
    client.force_login(world["coord_a"])
    original = phone_jpeg(size=(6000, 4500), noise=False)
    response = client.post(NEW, event_form_data(world, attendance="8", **photo_fields(original)))
    assert response.status_code == 302, response.context["form"].formsets["photos"].errors
    photo = EventPhoto.objects.get(event__attendance=8)
    with photo.image.open("rb") as stored:
        data = stored.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert image.size == (1920, 2560)  # portrait, as the phone showed it; long side 2560
    exif = image.getexif()
    assert exif.get(0x0112, 1) == 1  # orientation applied, not left for the viewer
    assert exif.get_ifd(0x8825)  # evidence photos keep where they were taken
    # The red mark of the sensor's top left now sits top right.
    assert image.getpixel((1920 - 40, 40))[0] > 180
    assert image.getpixel((40, 40))[0] < 100
    assert len(data) < original.size


# --- The phone form -----------------------------------------------------------------------
def test_dates_and_times_are_native_phone_inputs(client, world, draft):
    client.force_login(world["coord_a"])
    page = client.get(EDIT.format(pk=draft.pk)).content.decode()
    local = timezone.localtime(draft.starts_at)
    assert re.search(rf'type="date" name="starts_at_0"[^>]*value="{local:%Y-%m-%d}"', page)
    assert re.search(rf'type="time" name="starts_at_1"[^>]*value="{local:%H:%M}"', page)
    assert 'type="date" name="ends_at_0"' in page


def test_native_date_and_time_are_saved_in_the_sites_time_zone(client, world):
    client.force_login(world["coord_a"])
    data = event_form_data(world, attendance="21")
    del data["starts_at"], data["ends_at"]
    data.update(
        {
            "starts_at_0": "2026-05-01",
            "starts_at_1": "09:00",
            "ends_at_0": "2026-05-01",
            "ends_at_1": "11:30",
        }
    )
    response = client.post(NEW, data)
    assert response.status_code == 302, response.context["form"].errors
    event = OutreachEvent.objects.get(attendance=21)
    assert timezone.localtime(event.starts_at).replace(tzinfo=None) == datetime.datetime(
        2026, 5, 1, 9, 0
    )
    assert timezone.localtime(event.ends_at).time() == datetime.time(11, 30)


def test_a_date_without_a_time_is_an_error_not_midnight(client, world):
    client.force_login(world["coord_a"])
    data = event_form_data(world, attendance="22")
    del data["starts_at"]
    data.update({"starts_at_0": "2026-05-01", "starts_at_1": ""})
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert "starts_at" in response.context["form"].errors


def test_the_team_and_todays_campaign_are_chosen_for_the_coordinator(client, world):
    today = timezone.localdate()
    running = factories.CampaignFactory(
        name="冬季反诈宣传",
        start_date=today - datetime.timedelta(days=10),
        end_date=today + datetime.timedelta(days=10),
        teams=[world["team_a"]],
    )
    world["campaign"].start_date = today - datetime.timedelta(days=400)
    world["campaign"].end_date = today - datetime.timedelta(days=300)
    world["campaign"].save()
    client.force_login(world["coord_a"])
    form = client.get(NEW).context["form"]
    assert form["team"].value() == world["team_a"].pk
    assert form["campaign"].value() == running.pk


def test_no_campaign_is_guessed_when_two_run_today(client, world):
    today = timezone.localdate()
    for name in ("冬季反诈宣传", "银行网点专项"):
        factories.CampaignFactory(
            name=name,
            start_date=today - datetime.timedelta(days=1),
            end_date=today + datetime.timedelta(days=1),
            teams=[world["team_a"]],
        )
    client.force_login(world["coord_a"])
    form = client.get(NEW).context["form"]
    assert form["team"].value() == world["team_a"].pk
    assert not form["campaign"].value()


def test_venues_offered_are_those_of_the_teams_district(client, world):
    own = factories.VenueFactory(name="东门菜市场", district="江南区")
    other = factories.VenueFactory(name="河西综合市场", district="河西区")
    client.force_login(world["coord_a"])
    venues = client.get(NEW).context["form"].fields["venue"].queryset
    assert own in venues and other not in venues


def test_an_events_own_venue_stays_offered_when_editing(client, world, draft):
    draft.venue = factories.VenueFactory(name="江城火车站", district="城东区")
    draft.save()
    client.force_login(world["coord_a"])
    venues = client.get(EDIT.format(pk=draft.pk)).context["form"].fields["venue"].queryset
    assert draft.venue in venues


def test_materials_are_picked_from_live_materials_not_the_page_tree(client, world, site_tree):
    poster = factories.PosterPageFactory(parent=site_tree["library"], title="冒充客服海报")
    guide = factories.GuidePageFactory(parent=site_tree["library"], title="老人防骗指南")
    hidden = factories.GuidePageFactory(parent=site_tree["library"], title="未发布的指南")
    hidden.unpublish()
    client.force_login(world["coord_a"])
    page = client.get(NEW).content.decode()
    # The list a new line offers (the "add material" template).
    select = re.search(r'<select name="material_lines-__prefix__-material".*?</select>', page, re.S)
    options = select.group(0)
    assert "冒充客服海报" in options and "老人防骗指南" in options
    assert "未发布的指南" not in options
    assert "资料库" not in options and "首页" not in options  # not the page tree
    assert "data-fz-search" in options  # the page's script adds a search box
    # Saving a page that is not a material is refused.
    response = client.post(
        NEW,
        event_form_data(
            world,
            attendance="31",
            **{
                "material_lines-TOTAL_FORMS": "1",
                "material_lines-0-material": str(site_tree["library"].pk),
                "material_lines-0-quantity": "5",
                "material_lines-0-id": "",
            },
        ),
    )
    assert response.status_code == 200
    assert not OutreachEvent.objects.filter(attendance=31).exists()
    assert guide.pk and poster.pk


# --- "0" and "not counted" ----------------------------------------------------------------
NOT_ALWAYS_COUNTED = (
    "elders",
    "students",
    "general_public",
    "materials_distributed",
    "videos_screened",
    "help_requests",
    "warnings",
)


def test_a_new_event_shows_counts_blank_not_zero(client, world):
    client.force_login(world["coord_a"])
    response = client.get(NEW)
    form = response.context["form"]
    for name in NOT_ALWAYS_COUNTED:
        assert form[name].value() in (None, ""), name
    assert "没有统计的数字请留空" in response.content.decode()  # the Reach panel says so


def test_blank_is_stored_as_not_counted_and_zero_as_zero(client, world):
    client.force_login(world["coord_a"])
    data = event_form_data(
        world,
        attendance="40",
        elders="",
        students="0",
        general_public="",
        materials_distributed="",
        videos_screened="0",
        help_requests="",
        warnings="0",
    )
    response = client.post(NEW, data)
    assert response.status_code == 302, response.context["form"].errors
    event = OutreachEvent.objects.get(attendance=40)
    assert (event.elders, event.students, event.general_public) == (None, 0, None)
    assert (event.materials_distributed, event.videos_screened) == (None, 0)
    assert (event.help_requests, event.warnings) == (None, 0)
    page = client.get(EDIT.format(pk=event.pk)).content.decode()
    assert re.search(r'name="help_requests"(?![^>]*value=)[^>]*>', page)  # still blank
    assert re.search(r'name="warnings"[^>]*value="0"', page)


def test_not_counted_figures_add_nothing_to_the_reach(world):
    event = factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world["team_a"],
        status=EventStatus.APPROVED,
        attendance=25,
        elders=None,
        students=None,
        general_public=None,
        materials_distributed=None,
        videos_screened=None,
        help_requests=None,
        warnings=3,
    )
    event.refresh_from_db()
    assert event.help_requests is None
    total = DailyReach.objects.filter(dimension="total", team=world["team_a"])
    assert sum(total.values_list("attendance", flat=True)) >= 25
    before = sorted(total.values_list("day", "help_requests", "warnings", "elders"))
    rebuild_reach_rollups()
    after = sorted(total.values_list("day", "help_requests", "warnings", "elders"))
    assert before == after


def test_held_photos_are_deleted_after_a_day(world):
    held = photos.hold(world["coord_a"].pk, photos.downscaled(phone_jpeg(size=(800, 600))))
    assert photos.fetch(world["coord_a"].pk, held) is not None
    assert photos.forget_old() == 0  # fresh: kept
    assert photos.forget_old(now=timezone.now() + datetime.timedelta(hours=25)) >= 1
    assert photos.fetch(world["coord_a"].pk, held) is None
