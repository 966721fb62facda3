from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from . import permissions
from .models import Campaign, Team
from .reach import ReachFilters


class OutreachEventForm(WagtailAdminModelForm):
    """Offers only the user's own teams and their campaigns."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None:
            return
        if "team" in self.fields:
            self.fields["team"].queryset = permissions.visible_teams(user)
        if "campaign" in self.fields:
            self.fields["campaign"].queryset = permissions.visible_campaigns(user)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the coordinator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


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
