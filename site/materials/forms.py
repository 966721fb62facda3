from django import forms
from django.utils.translation import gettext_lazy as _


class FeedbackForm(forms.Form):
    helpful = forms.ChoiceField(
        label=_("Was this helpful?"), choices=[("yes", _("Yes")), ("no", _("No"))]
    )
    comment = forms.CharField(
        label=_("Anything we should improve? (optional, please leave no personal details)"),
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}),
    )
