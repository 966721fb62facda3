"""The outreach event audit trail: what is written to Wagtail's log for each event, and how
the history screen reads it.

Every path that writes an event logs here: the admin's create and edit views, the review
workflow (services) and spreadsheet imports. An edit stores the fields it changed with
their old and new values; labels and choice names are translated when the history is
read, so a lead reads them in the admin's language.
"""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from wagtail.log_actions import LogFormatter, log
from wagtail.models import ModelLogEntry
from wagtail.models.audit_log import ModelLogEntryManager

from . import permissions
from .models import OutreachEvent

CREATE, EDIT = "campaigns.create", "campaigns.edit"
SUBMIT, APPROVE, RETURN = "campaigns.submit", "campaigns.approve", "campaigns.return"
MATERIALS = "material_lines"
PARTICIPANTS = "participants"
# Written by the workflow and logged as their own actions, or by the system.
UNTRACKED = {
    "id",
    "status",
    "review_comment",
    "reviewed_by",
    "reviewed_at",
    "created_by",
    "created_at",
    "updated_at",
    "needs_review",
}
TRACKED_FIELDS = tuple(
    field.name
    for field in OutreachEvent._meta.concrete_fields
    if field.name not in UNTRACKED and field.editable
)


def _shown(value) -> object:
    """A field's value as stored in the log (JSON), readable without the database."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value, timezone.get_default_timezone()).strftime("%Y-%m-%d %H:%M")
    return str(value)


def snapshot(event: OutreachEvent, *, materials: bool = True) -> dict:
    """The event's tracked fields (related objects by name), and its material lines."""
    state = {}
    for name in TRACKED_FIELDS:
        field = OutreachEvent._meta.get_field(name)
        if field.is_relation:
            state[name] = str(getattr(event, name)) if getattr(event, field.attname) else None
        else:
            state[name] = _shown(getattr(event, name))
    if materials and event.pk:
        state[MATERIALS] = "、".join(
            f"{line.material.title} × {line.quantity}"
            for line in event.material_lines.select_related("material").order_by("material_id")
        )
        # who took part decides who may approve (four eyes): their changes are on record
        state[PARTICIPANTS] = "、".join(
            sorted(user.get_username() for user in event.participants.all())
        )
    return state


def changes_between(before: dict, after: dict) -> list[dict]:
    return [
        {"field": name, "old": before.get(name), "new": after.get(name)}
        for name in after
        if name in before and before[name] != after[name]
    ]


class AuditLogEntryManager(ModelLogEntryManager):
    def viewable_by_user(self, user):
        """Wagtail's rule (a permission on the object's model), then the campaigns' team
        scoping: the site history report, its exports and its filters read this."""
        return permissions.visible_log_entries(user, super().viewable_by_user(user))


class AuditLogEntry(ModelLogEntry):
    """Wagtail's log entry for non-page objects (the same table), registered in its place
    (wagtail_hooks) so that the site history report shows only what the viewer may see."""

    objects = AuditLogEntryManager()

    class Meta:
        proxy = True
        app_label = "campaigns"
        verbose_name = gettext_lazy("log entry")


def _user(user):
    return user if getattr(user, "pk", None) else None


def _entry(event, action, user, data) -> ModelLogEntry:
    return ModelLogEntry(
        content_type=ContentType.objects.get_for_model(OutreachEvent),
        object_id=str(event.pk),
        label=str(event),
        action=action,
        user=_user(user),
        # One uuid per entry: Wagtail's history keeps only the latest entry per
        # (uuid, action) across all objects, so the events of one import cannot share one.
        uuid=uuid.uuid4(),
        timestamp=timezone.now(),
        data=data,
        content_changed=action in (CREATE, EDIT),
    )


def log_created(event: OutreachEvent, *, user, source: str | None = None) -> None:
    data = {"source": source} if source else {}
    log(instance=event, action=CREATE, user=_user(user), data=data, content_changed=True)


def log_edited(event: OutreachEvent, *, before: dict, user, source: str | None = None) -> None:
    after = snapshot(event, materials=MATERIALS in before)
    data = {"changes": changes_between(before, after)}
    if source:
        data["source"] = source
    log(instance=event, action=EDIT, user=_user(user), data=data, content_changed=True)


def log_imported(*, created, updated, user, source: str) -> None:
    """One query for a whole batch of imported events: created ones, and updated ones as
    (event, snapshot before the import) pairs; unchanged events are not logged."""
    entries = [_entry(event, CREATE, user, {"source": source}) for event in created if event.pk]
    for event, before in updated:
        changes = changes_between(before, snapshot(event, materials=False))
        if changes:
            entries.append(_entry(event, EDIT, user, {"changes": changes, "source": source}))
    ModelLogEntry.objects.bulk_create(entries, batch_size=1000)


# --- Reading the history -----------------------------------------------------------------
def _label(name: str) -> str:
    if name == MATERIALS:
        return gettext("Materials handed out")
    try:
        return str(OutreachEvent._meta.get_field(name).verbose_name)
    except models.FieldDoesNotExist:
        return name


def _value(name: str, value) -> str:
    if value is None or value == "":
        return gettext("(empty)")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    try:
        field = OutreachEvent._meta.get_field(name)
    except models.FieldDoesNotExist:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def describe_changes(changes: list[dict]) -> str:
    return "；".join(
        f"{_label(change['field'])}：{_value(change['field'], change['old'])} → "
        f"{_value(change['field'], change['new'])}"
        for change in changes
    )


def _with_source(message: str, log_entry) -> str:
    source = (log_entry.data or {}).get("source")
    if source:
        return gettext("%(message)s (imported from %(file)s)") % {
            "message": message,
            "file": source,
        }
    return message


class CreatedFormatter(LogFormatter):
    label = gettext_lazy("Create event")

    def format_message(self, log_entry):
        return _with_source(gettext("Event created"), log_entry)


class EditedFormatter(LogFormatter):
    label = gettext_lazy("Edit event")

    def format_message(self, log_entry):
        changes = (log_entry.data or {}).get("changes") or []
        if changes:
            message = gettext("Changed %(changes)s") % {"changes": describe_changes(changes)}
        else:
            message = gettext("Saved without changes")
        return _with_source(message, log_entry)


class SubmittedFormatter(LogFormatter):
    label = gettext_lazy("Submit")
    message = gettext_lazy("Submitted for approval")


class ReviewFormatter(LogFormatter):
    done = ""

    def format_message(self, log_entry):
        comment = ((log_entry.data or {}).get("comment") or "").strip()
        if comment:
            return gettext("%(done)s: “%(comment)s”") % {"done": self.done, "comment": comment}
        return str(self.done)


class ApprovedFormatter(ReviewFormatter):
    label = gettext_lazy("Approve")
    done = gettext_lazy("Event approved")


class ReturnedFormatter(ReviewFormatter):
    label = gettext_lazy("Return")
    done = gettext_lazy("Event returned")


FORMATTERS = {
    CREATE: CreatedFormatter,
    EDIT: EditedFormatter,
    SUBMIT: SubmittedFormatter,
    APPROVE: ApprovedFormatter,
    RETURN: ReturnedFormatter,
}
