"""The event form as a coordinator uses it on a phone: native date and time inputs, their
team and the campaign running today chosen for them, venues of their team's district,
materials from a searchable list of live materials, and evidence photos that survive a
validation error (campaigns.photos). forms.OutreachEventForm mixes this in; the panels
(campaigns.viewsets.EVENT_PANELS) put the widgets here in place."""

import datetime

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from materials.models import MATERIAL_TYPES

from . import permissions, photos, places
from .models import Campaign


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class NativeDateTimeInput(forms.MultiWidget):
    """A date and a time input (the phone's own pickers) for one DateTimeField, shown in
    the site's time zone. Posts ``<name>_0`` (2026-05-01) and ``<name>_1`` (09:00), handed
    to the field as "2026-05-01 09:00"; a date without a time (or the reverse) is an
    error, not midnight. A plain ``<name>`` value (scripts, older pages) is read too."""

    def __init__(self, attrs=None):
        super().__init__([DateInput(), TimeInput()], attrs)

    def decompress(self, value):
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return [value.date(), value.time().replace(second=0, microsecond=0)]
        if isinstance(value, str) and value.strip():
            day, _sep, time = value.strip().partition(" ")
            return [day, time]
        return [None, None]

    def value_from_datadict(self, data, files, name):
        parts = [name + suffix for suffix in self.widgets_names]
        if not any(part in data for part in parts):
            return data.get(name)
        day, time = (str(data.get(part) or "").strip() for part in parts)
        if day and time:
            return f"{day} {time}"
        if day or time:
            return f"{day or '?'} {time or '?'}"  # refused by the field: say both are needed
        return ""

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)


class MaterialSelect(forms.Select):
    """The materials handed out, chosen from the site's live posters, videos, guides, cases
    and alerts (MATERIAL_TYPES), grouped by type; never the page tree. The field keeps
    validating against its own queryset; this widget lists only live materials and the
    one already chosen. ``data-fz-search`` lets the page's script add a search box."""

    def __init__(self, attrs=None):
        super().__init__({"data-fz-search": "", **(attrs or {})})

    def optgroups(self, name, value, attrs=None):
        chosen = {str(v) for v in value if v not in (None, "")}
        labels = {
            ContentType.objects.get_for_model(kind.model).pk: str(kind.label)
            for kind in MATERIAL_TYPES
        }
        pages = (
            Page.objects.filter(content_type_id__in=labels)
            .filter(Q(live=True) | Q(pk__in=[v for v in chosen if v.isdigit()]))
            .order_by("title")
            .values_list("pk", "title", "content_type_id")
        )
        by_type: dict[int, list] = {pk: [] for pk in labels}
        for pk, title, content_type in pages:
            by_type[content_type].append((pk, title))
        groups = [(None, [self.create_option(name, "", "---------", not chosen, 0)], 0)]
        index = 1
        for content_type, options in by_type.items():
            if not options:
                continue
            subgroup = []
            for pk, title in options:
                subgroup.append(
                    self.create_option(
                        name, pk, title, str(pk) in chosen, index, subindex=None, attrs=attrs
                    )
                )
                index += 1
            groups.append((labels[content_type], subgroup, index))
        return groups


def material_pages():
    """Pages that may be handed out: any material type, live or not (a material since
    unpublished stays valid on an event that recorded it)."""
    return Page.objects.type(*MATERIAL_TYPES.models)


def venue_districts(teams) -> list:
    """The managed districts of these teams ("江南区" a team wrote is the district 江南区
    or 江南, whichever the list calls it)."""
    return places.districts_named(teams.values_list("district", flat=True))


class PhoneEventFormMixin:
    """For forms.OutreachEventForm (a WagtailAdminModelForm with the event's formsets)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None:
            return
        if not permissions.is_manager(user) and "venue" in self.fields:
            districts = venue_districts(permissions.visible_teams(user))
            self.fields["venue"].queryset = self.fields["venue"].queryset.filter(
                Q(district__in=districts) | Q(pk=self.instance.venue_id)
            )
        if "venue" in self.fields:  # each choice names its district: no query per option
            self.fields["venue"].queryset = self.fields["venue"].queryset.select_related("district")
        if not self.instance.pk and not self.is_bound:
            self._choose_team_and_campaign(user)
        if "material_lines" in self.formsets:
            for form in self.formsets["material_lines"].forms:
                form.fields["material"].queryset = material_pages()
        if "photos" in self.formsets:
            for form in self.formsets["photos"].forms:
                old = form.fields["image"]
                form.fields["image"] = photos.EvidencePhotoFormField(
                    label=old.label, required=old.required, help_text=old.help_text
                )
                form.fields["image"].widget.owner_id = user.pk

    def _choose_team_and_campaign(self, user):
        teams = list(permissions.visible_teams(user)[:2])
        if len(teams) != 1:
            return
        team = teams[0]
        self.initial.setdefault("team", team.pk)
        today = timezone.localdate()
        running = list(
            Campaign.objects.filter(
                teams=team, start_date__lte=today, end_date__gte=today, standing_team=None
            ).values_list("pk", flat=True)[:2]
        )
        if len(running) == 1:
            self.initial.setdefault("campaign", running[0])
        elif not running:  # every campaign has ended: the team's routine work (日常宣传)
            self.initial.setdefault("campaign", places.standing_campaign(team, today.year).pk)

    # --- Evidence photos kept across an error (the views call these) -------------------
    def _photo_forms(self):
        formset = self.formsets.get("photos")
        return [] if formset is None else formset.forms

    def hold_chosen_photos(self) -> None:
        """After a failed validation: keep each newly chosen photo that was itself fine,
        and put its token in the form so the re-rendered page carries it."""
        user = self.for_user
        for form in self._photo_forms():
            key = form.add_prefix("image")
            upload = getattr(form, "cleaned_data", {}).get("image")
            if key not in form.files or form.errors.get("image") or upload is None:
                continue
            if getattr(upload, "held_token", None) or not hasattr(upload, "content_type"):
                continue
            token = photos.hold(user.pk, upload)
            form.data = form.data.copy()
            form.data[form.fields["image"].widget.held_name(key)] = token
            form.files = form.files.__class__(
                {name: files for name, files in form.files.lists() if name != key}
            )

    def discard_held_photos(self) -> None:
        """After saving: the held photos used are stored with the event now."""
        tokens = []
        for form in self._photo_forms():
            token = getattr(getattr(form, "cleaned_data", {}).get("image"), "held_token", None)
            if token:
                tokens.append(token)
        if tokens:
            photos.discard(self.for_user.pk, tokens)
