from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Locale

from . import permissions, places
from .event_form import PhoneEventFormMixin
from .models import ATTENDANCE_SANITY_BOUND, Campaign, District, Screen, Team, Venue
from .reach import ReachFilters


class OutreachEventForm(PhoneEventFormMixin, WagtailAdminModelForm):
    """Offers only the user's own teams and their campaigns, the teams' routine work
    (日常宣传) last. Attendance above the sanity bound, new or changed, is saved only once
    the coordinator ticks the box that appears with the error; so is a second event at
    the same venue on the same day."""

    confirm_attendance = forms.BooleanField(
        label=_("I have checked this figure: the attendance is correct"),
        required=False,
    )
    confirm_same_day = forms.BooleanField(
        label=_("This is another event at the same venue that day, not the same one again"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self._attendance_needs_confirmation():
            self.fields.pop("confirm_attendance", None)  # its panel is hidden then
        user = self.for_user
        if user is not None and "campaign" in self.fields:
            # Routine work can always be recorded, even when every campaign has ended.
            places.standing_campaigns_for(user, timezone.localdate().year)
            self.fields["campaign"].queryset = permissions.visible_campaigns(user).order_by(
                F("standing_year").desc(nulls_first=True), "-start_date", "name"
            )
        self.same_day_events = self._same_day_events()
        if not self.same_day_events:
            self.fields.pop("confirm_same_day", None)
        if user is None:
            return
        if "team" in self.fields:
            self.fields["team"].queryset = permissions.visible_teams(user)
        if "participants" in self.fields:
            teams = permissions.visible_teams(user)
            self.fields["participants"].queryset = (
                get_user_model()
                .objects.filter(Q(teams__in=teams) | Q(led_teams__in=teams) | Q(pk=user.pk))
                .distinct()
                .order_by("username")
            )

    def _posted_attendance(self) -> int | None:
        if not self.is_bound:
            return None
        try:
            return int(str(self.data.get(self.add_prefix("attendance"), "")).strip())
        except ValueError:
            return None

    def _attendance_needs_confirmation(self) -> bool:
        """Above the bound and not the figure already stored (confirmed back then)."""
        posted = self._posted_attendance()
        if posted is None or posted <= ATTENDANCE_SANITY_BOUND:
            return False
        return self.instance.pk is None or posted != self.instance.attendance

    def _same_day_events(self) -> int:
        """Other events at the posted venue on the posted day (the site's day), when the
        venue or day is new for this event: how many; 0 when none or not yet readable."""
        if not self.is_bound or "venue" not in self.fields or "starts_at" not in self.fields:
            return 0
        try:
            venue = self.fields["venue"].clean(self["venue"].value())
            starts_at = self.fields["starts_at"].clean(self["starts_at"].value())
        except ValidationError:
            return 0
        if not isinstance(venue, Venue) or starts_at is None:
            return 0
        day = timezone.localtime(starts_at, timezone.get_default_timezone()).date()
        stored = self.instance
        if stored.pk and stored.venue_id == venue.pk and stored.event_date == day:
            return 0  # confirmed when it was recorded
        self._same_day = (venue, day)
        return places.events_same_day(venue=venue, day=day, exclude_pk=stored.pk).count()

    def clean(self):
        cleaned = super().clean()
        if "confirm_same_day" in self.fields and not cleaned.get("confirm_same_day"):
            venue, day = self._same_day
            self.add_error(
                "venue",
                _(
                    "Events already recorded at “%(venue)s” on %(day)s: %(count)s. If this "
                    "is another event, tick the box below; if it is the same one, edit that "
                    "event instead."
                )
                % {"venue": venue.name, "day": day, "count": self.same_day_events},
            )
        if "confirm_attendance" in self.fields and not cleaned.get("confirm_attendance"):
            attendance = cleaned.get("attendance")
            if attendance is not None and attendance > ATTENDANCE_SANITY_BOUND:
                self.add_error(
                    "attendance",
                    _(
                        "Attendance %(n)s exceeds %(bound)s, far more than an event "
                        "usually reaches: please confirm (tick the box below) or correct it."
                    )
                    % {"n": attendance, "bound": ATTENDANCE_SANITY_BOUND},
                )
        return cleaned


class CampaignForm(forms.ModelForm):
    """Offers each focus scam type and target audience once. The snippets have a copy per
    language; a campaign links the site's default language's (zh-hans), named in the
    user's language where a translation exists. Links to another language's copy (made
    before this form) show, and are saved, as their default-language counterpart."""

    taxonomy_fields = ("scam_types", "audiences")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default, active = Locale.get_default(), Locale.get_active()
        for name in self.taxonomy_fields:
            field = self.fields.get(name)
            if field is None:
                continue
            model = field.queryset.model
            field.queryset = model.objects.filter(locale=default)
            if active.pk != default.pk:
                names = dict(
                    model.objects.filter(locale=active).values_list("translation_key", "name")
                )
                field.label_from_instance = lambda item, names=names: names.get(
                    item.translation_key, item.name
                )
            if self.instance.pk and not self.is_bound:
                keys = getattr(self.instance, name).values_list("translation_key", flat=True)
                self.initial[name] = list(
                    field.queryset.filter(translation_key__in=keys).values_list("pk", flat=True)
                )

    def is_valid(self):
        """Also: each target (inline, CampaignTarget) is for a team of this campaign, and
        one per team (or the whole campaign) and figure; the database would refuse a
        second one for the whole campaign with an error page instead."""
        valid = super().is_valid()
        targets = getattr(self, "formsets", {}).get("targets")
        if targets is None or not hasattr(self, "cleaned_data"):
            return valid
        teams = self.cleaned_data.get("teams")
        seen = set()
        for form in targets.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("figure"):
                continue
            team = data.get("team")
            if team is not None and teams is not None and team not in teams:
                form.add_error(
                    "team",
                    _("“%(team)s” does not take part in this campaign: add it under teams.")
                    % {"team": team},
                )
                valid = False
            key = (team.pk if team else None, data["figure"])
            if key in seen:
                form.add_error(
                    "figure",
                    _("There is already a target for %(figure)s of %(team)s: one is enough.")
                    % {
                        "figure": dict(form.fields["figure"].choices).get(data["figure"], ""),
                        "team": team or _("the whole campaign"),
                    },
                )
                valid = False
            seen.add(key)
        return valid


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the coordinator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    confirm_flagged = forms.BooleanField(
        label=_("I have checked the attendance above the sanity bound and approve it"),
        required=False,
    )

    def __init__(self, *args, confirm_flagged: bool = False, **kwargs):
        """``confirm_flagged``: approving an event whose attendance is flagged."""
        super().__init__(*args, **kwargs)
        if not confirm_flagged:
            del self.fields["confirm_flagged"]


class ReachFilterForm(forms.Form):
    """The dashboard's filters: its fields are ReachFilters' own (reach.py)."""

    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.none(), required=False, label=_("Campaign")
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        label=_("Team"),
    )
    date_from = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = permissions.visible_campaigns(user)
        self.fields["team"].queryset = permissions.visible_teams(user)

    def clean(self):
        cleaned = super().clean()
        dates = ReachFilters(date_from=cleaned.get("date_from"), date_to=cleaned.get("date_to"))
        if dates.backwards:
            raise forms.ValidationError(_("The end date is before the start date."))
        return cleaned

    def filters(self) -> ReachFilters:
        """The chosen filters; none when the form is unbound or invalid."""
        if not self.is_valid():
            return ReachFilters()
        return ReachFilters(**self.cleaned_data)


class VenueForm(forms.ModelForm):
    """For the venue admin's form class: districts from the managed list (those in use),
    and a possible duplicate (the same name once brackets, width, spaces and the district
    are set aside) saved only when the user ticks the box that appears with the warning."""

    confirm_duplicate = forms.BooleanField(
        label=_("This is a different place from the similar venue listed above"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "district" in self.fields:
            self.fields["district"].queryset = District.objects.filter(
                Q(is_active=True) | Q(pk=self.instance.district_id)
            )
        self.similar = self._similar()
        if not self.similar:
            self.fields.pop("confirm_duplicate", None)

    def _similar(self) -> list:
        if not self.is_bound or "district" not in self.fields or "name" not in self.fields:
            return []
        name = " ".join(str(self.data.get(self.add_prefix("name")) or "").split())
        try:
            district = self.fields["district"].clean(self["district"].value())
        except ValidationError:
            return []
        if not name or district is None:
            return []
        stored = self.instance
        key = places.venue_key(name, district)
        if stored.pk and stored.district_id == district.pk and stored.name_key == key:
            return []  # not renamed: confirmed (or merged) before
        return list(places.similar_venues(name=name, district=district, exclude_pk=stored.pk)[:5])

    def clean(self):
        cleaned = super().clean()
        if "confirm_duplicate" in self.fields and not cleaned.get("confirm_duplicate"):
            self.add_error(
                "name",
                _(
                    "Possibly the same place as %(venues)s. Choose that venue for the events, "
                    "or tick the box below if this is a different place."
                )
                % {"venues": "、".join(f"“{venue}”" for venue in self.similar)},
            )
        return cleaned


class MergeVenuesForm(forms.Form):
    """Two venues that are one place: the other venue's events move to the one kept."""

    other = forms.ModelChoiceField(queryset=Venue.objects.none(), label=_("Merge with"))
    keep = forms.ChoiceField(
        label=_("Keep"),
        widget=forms.RadioSelect,
        choices=[("this", _("this venue")), ("other", _("the venue chosen above"))],
        initial="this",
    )

    def __init__(self, *args, venue: Venue, **kwargs):
        super().__init__(*args, **kwargs)
        self.venue = venue
        self.fields["other"].queryset = (
            Venue.objects.exclude(pk=venue.pk).select_related("district").order_by("name")
        )
        similar = places.similar_venues(
            name=venue.name, district=venue.district, exclude_pk=venue.pk
        ).first()
        if similar is not None:
            self.initial.setdefault("other", similar.pk)

    def venues(self) -> tuple[Venue, Venue]:
        """(kept, merged away)."""
        other = self.cleaned_data["other"]
        if self.cleaned_data["keep"] == "other":
            return other, self.venue
        return self.venue, other


class ScreenForm(WagtailAdminModelForm):
    """A screen of one of the user's teams (managers: any team), at a venue of the shared
    directory, counting towards a campaign the user's teams take part in."""

    class Meta:
        model = Screen
        fields = ["name", "team", "venue", "campaign", "playlist"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None:
            return
        self.fields["team"].queryset = permissions.visible_teams(user)
        self.fields["venue"].queryset = permissions.visible_venues(user)
        self.fields["campaign"].queryset = permissions.visible_campaigns(user)
