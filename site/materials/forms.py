from django import forms
from django.utils.translation import gettext_lazy as _

from core.slugs import PinyinSlugPageForm


class FeedbackForm(forms.Form):
    helpful = forms.ChoiceField(
        label=_("Was this helpful?"), choices=[("yes", _("Yes")), ("no", _("No"))]
    )
    comment = forms.CharField(
        label=_("Anything we should improve? (optional, please leave no personal details)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MaterialPageForm(PinyinSlugPageForm):
    """Offers only the scam types and audiences of the page's own language.

    A translated page starts out linked to the snippets of the page it was copied from;
    the form shows (and saves) their counterparts in the page's language instead. The page
    may be the live row or one rebuilt from its latest revision.
    """

    taxonomy_fields = ("scam_types", "audiences")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locale_id = self.instance.locale_id or getattr(self.parent_page, "locale_id", None)
        if not locale_id:
            return
        for name in self.taxonomy_fields:
            field = self.fields.get(name)
            if field is None:
                continue
            model = field.queryset.model
            field.queryset = model.objects.filter(locale_id=locale_id)
            if self.instance.pk and not self.is_bound:
                # Read the keys from the linked objects themselves: a page rebuilt from a
                # revision (a draft, in moderation, scheduled, a fresh translation) holds
                # its links in memory as modelcluster's FakeQuerySet, whose values() gives
                # dicts that cannot be used in a database lookup.
                linked_keys = {item.translation_key for item in getattr(self.instance, name).all()}
                self.initial[name] = list(
                    field.queryset.filter(translation_key__in=linked_keys).values_list(
                        "pk", flat=True
                    )
                )


class SubscribeForm(forms.Form):
    """An address and the alerts it wants: those for one audience, or every alert."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        error_messages={
            "invalid": _("Enter a valid e-mail address."),
            "required": _("Enter a valid e-mail address."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    audience = forms.ChoiceField(label=_("Which alerts?"), required=False)

    def __init__(self, *args, audiences=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [("", _("Everyone (all alerts)"))] + [
            (item.slug, item.name) for item in audiences
        ]
