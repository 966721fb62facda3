from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Locale

from . import permissions
from .event_form import PhoneEventFormMixin
from .models import ATTENDANCE_SANITY_BOUND, Campaign, Team
from .reach import ReachFilters


class OutreachEventForm(PhoneEventFormMixin, WagtailAdminModelForm):
    """Offers only the user's own teams and their campaigns. Attendance above the sanity
    bound, new or changed, is saved only once the coordinator ticks the box that appears
    with the error."""

    confirm_attendance = forms.BooleanField(
        label=_("I have checked this figure: the attendance is correct"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self._attendance_needs_confirmation():
            self.fields.pop("confirm_attendance", None)  # its panel is hidden then
        user = self.for_user
        if user is None:
            return
        if "team" in self.fields:
            self.fields["team"].queryset = permissions.visible_teams(user)
        if "campaign" in self.fields:
            self.fields["campaign"].queryset = permissions.visible_campaigns(user)
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

    def clean(self):
        cleaned = super().clean()
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
