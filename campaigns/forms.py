from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

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
