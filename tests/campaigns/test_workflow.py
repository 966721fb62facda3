"""Draft → submitted → approved, or returned with a comment that reaches the coordinator."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.models import ModelLogEntry

from campaigns import workflow
from campaigns.models import ATTENDANCE_SANITY_BOUND, OutreachEvent
from tests import factories


def test_return_reaches_the_coordinator_by_email_and_admin_home(
    client, world, django_capture_on_commit_callbacks
):
    event = world["event_a"]
    client.force_login(world["lead_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/campaigns/events/{event.pk}/return/", {"comment": "请补充签到表照片"}
        )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "returned" and event.review_comment == "请补充签到表照片"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["coord_a@example.org"]
    assert "请补充签到表照片" in mail.outbox[0].body
    client.force_login(world["coord_a"])
    home = client.get("/admin/").content.decode()
    assert "请补充签到表照片" in home
    assert f"/admin/campaigns/events/edit/{event.pk}/" in home


def test_returning_needs_a_comment(client, world):
    client.force_login(world["lead_a"])
    response = client.post(
        f"/admin/campaigns/events/{world['event_a'].pk}/return/", {"comment": "  "}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["comment"]
    world["event_a"].refresh_from_db()
    assert world["event_a"].status == "submitted"


def test_every_transition_is_recorded_in_the_history(world):
    event = world["event_a"]
    workflow.return_event(event=event, user=world["lead_a"], comment="改一下")
    workflow.submit_event(event=event, user=world["coord_a"])
    workflow.approve_event(event=event, user=world["lead_a"])
    actions = list(
        ModelLogEntry.objects.filter(object_id=str(event.pk))
        .order_by("timestamp")
        .values_list("action", flat=True)
    )
    assert actions == ["campaigns.return", "campaigns.submit", "campaigns.approve"]


def test_approved_events_cannot_be_edited_until_returned(client, world):
    event = world["event_a"]
    workflow.approve_event(event=event, user=world["lead_a"])
    client.force_login(world["coord_a"])
    response = client.post(f"/admin/campaigns/events/edit/{event.pk}/", {"attendance": 5})
    assert response.status_code in (302, 403)
    event.refresh_from_db()
    assert event.attendance == 100


def _event(world, **changes):
    values = {
        "campaign": world["campaign"],
        "team": world["team_a"],
        "venue": factories.VenueFactory(),
        "format": "booth",
        "starts_at": datetime.datetime(2026, 5, 1, 9, tzinfo=datetime.UTC),
        "ends_at": datetime.datetime(2026, 5, 1, 11, tzinfo=datetime.UTC),
        "attendance": 100,
        "elders": 10,
        "students": 10,
        "general_public": 10,
    }
    values.update(changes)
    return OutreachEvent(**values)


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"ends_at": datetime.datetime(2026, 5, 1, 8, tzinfo=datetime.UTC)}, "ends_at", "end"),
        ({"elders": 90, "students": 20}, "attendance", "120"),
        (
            {
                "starts_at": datetime.datetime(2025, 12, 1, 9, tzinfo=datetime.UTC),
                "ends_at": datetime.datetime(2025, 12, 1, 10, tzinfo=datetime.UTC),
            },
            "starts_at",
            "outside",
        ),
    ],
)
def test_impossible_events_are_refused_with_a_clear_message(world, changes, field, text):
    from django.utils import translation

    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            _event(world, **changes).full_clean()
        assert text in " ".join(error.value.message_dict[field])


def test_negative_counts_are_refused(world):
    with pytest.raises(ValidationError) as error:
        _event(world, warnings=-1).full_clean()
    assert "warnings" in error.value.message_dict


def test_implausible_attendance_is_flagged_not_refused(world):
    event = _event(world, attendance=ATTENDANCE_SANITY_BOUND + 1)
    event.full_clean()
    event.save()
    assert event.needs_review


def event_form_data(world, **overrides):
    data = {
        "campaign": world["campaign"].pk,
        "team": world["team_a"].pk,
        "venue": factories.VenueFactory().pk,
        "format": "booth",
        "starts_at": "2026-05-01 09:00",
        "ends_at": "2026-05-01 10:00",
        "attendance": "10",
        "attendance_method": "headcount",
        "elders": "0",
        "students": "0",
        "general_public": "0",
        "materials_distributed": "0",
        "videos_screened": "0",
        "help_requests": "0",
        "warnings": "0",
        "staff_count": "1",
        "material_lines-TOTAL_FORMS": "0",
        "material_lines-INITIAL_FORMS": "0",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def add_event(client, world, **fields):
    """POST the admin's new-event form: a valid small booth event unless ``fields`` say
    otherwise."""
    return client.post("/admin/campaigns/events/new/", event_form_data(world, **fields))


def _not_an_image():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", b"this is not a picture", content_type="image/jpeg")


def test_event_form_in_the_admin_saves_nothing_when_invalid(client, world):
    client.force_login(world["coord_a"])
    before = OutreachEvent.objects.count()
    response = add_event(client, world, ends_at="2026-05-01 08:00", elders="50")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "ends_at" in errors and "attendance" in errors
    assert OutreachEvent.objects.count() == before


def test_a_photo_that_is_not_an_image_is_refused(client, world):
    client.force_login(world["coord_a"])
    response = add_event(
        client,
        world,
        **{
            "photos-TOTAL_FORMS": "1",
            "photos-0-image": _not_an_image(),
            "photos-0-caption": "现场",
        },
    )
    assert response.status_code == 200
    photo_errors = response.context["form"].formsets["photos"].errors
    assert photo_errors[0]["image"]
    assert not OutreachEvent.objects.filter(attendance=10).exists()


def test_valid_event_is_created_as_a_draft_of_its_creator(client, world):
    client.force_login(world["coord_a"])
    response = add_event(
        client,
        world,
        format="talk",
        attendance="42",
        attendance_method="sign_in",
        students="40",
        general_public="2",
        staff_count="2",
    )
    assert response.status_code == 302, response.context["form"].errors
    event = OutreachEvent.objects.get(attendance=42)
    assert (event.status, event.created_by) == ("draft", world["coord_a"])


def test_materials_handed_out_are_saved_with_the_event(client, world, site_tree):
    poster = factories.PosterPageFactory(parent=site_tree["library"])
    client.force_login(world["coord_a"])
    response = add_event(
        client,
        world,
        attendance="55",
        **{
            "material_lines-TOTAL_FORMS": "1",
            "material_lines-0-material": str(poster.pk),
            "material_lines-0-quantity": "40",
            "material_lines-0-id": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    event = OutreachEvent.objects.get(attendance=55)
    assert list(event.material_lines.values_list("material_id", "quantity")) == [(poster.pk, 40)]


def test_each_step_records_who_took_it_and_why(world, django_capture_on_commit_callbacks):
    """The review fields, the history entries and the coordinator's email, word for word:
    what a later reader of the event (or its coordinator) relies on."""
    lead, coordinator = world["lead_a"], world["coord_a"]
    lead.first_name, lead.last_name = "Li", "Hua"
    lead.save()
    event = world["event_a"]
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        workflow.return_event(event=event, user=lead, comment="  人数有误  ")
    event.refresh_from_db()
    assert (event.status, event.review_comment) == ("returned", "人数有误")
    assert event.reviewed_by == lead and event.reviewed_at is not None
    [message] = mail.outbox
    assert message.to == [coordinator.email]
    assert message.subject == f"Outreach event returned: {event}"
    edit_url = settings.WAGTAILADMIN_BASE_URL + f"/admin/campaigns/events/edit/{event.pk}/"
    assert message.body == (
        f"Li Hua returned your event “{event}”:\n\n人数有误\n\nCorrect it here: {edit_url}"
    )

    workflow.submit_event(event=event, user=coordinator)
    workflow.approve_event(event=event, user=lead)
    event.refresh_from_db()
    assert (event.status, event.review_comment, event.reviewed_by) == ("approved", "", lead)
    entries = ModelLogEntry.objects.filter(object_id=str(event.pk)).order_by("timestamp", "pk")
    assert [(e.action, e.user, e.data.get("comment")) for e in entries] == [
        ("campaigns.return", lead, "  人数有误  "),
        ("campaigns.submit", coordinator, None),
        ("campaigns.approve", lead, ""),
    ]


def test_a_return_without_a_reason_names_the_comment_field(world):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        workflow.return_event(event=world["event_a"], user=world["lead_a"], comment="  ")
    assert refused.value.message_dict == {"comment": ["Say what needs to change."]}
