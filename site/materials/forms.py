from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Locale

from core.slugs import PinyinSlugPageForm

from .printing import MIN_PAGE_DPI, PAPER_SIZES, artwork_dpi


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


class PlaylistForm(WagtailAdminModelForm):
    """A playlist is not translated: it is aimed at the audiences of the site's default
    language (Chinese), not at their English translations too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("audiences")
        if field is not None:
            field.queryset = field.queryset.filter(locale=Locale.get_default())


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


class PosterContactForm(forms.Form):
    """The station's name and phone printed on a poster download (both optional: a blank
    contact block has lines to fill in by hand)."""

    org = forms.CharField(label=_("Organisation name"), max_length=30, required=False)
    phone = forms.RegexField(
        label=_("Phone number"),
        max_length=24,
        required=False,
        regex=r"^\+?[0-9][0-9 ()\-]{2,20}(转[0-9]{1,6})?$",
        error_messages={"invalid": _("Enter a phone number: digits, spaces and hyphens.")},
    )

    def clean_org(self):
        org = " ".join(self.cleaned_data["org"].split())
        if any(ord(char) < 32 for char in org):
            raise forms.ValidationError(_("Enter the name as plain text."))
        return org

    def clean_phone(self):
        return " ".join(self.cleaned_data["phone"].split())


class PosterPageForm(MaterialPageForm):
    """Refuses poster artwork far too small to print (under 150 dpi on A4)."""

    def clean(self):
        cleaned = super().clean()
        image = cleaned.get("image")
        if image is not None and image.width and image.height:
            dpi = artwork_dpi(image.width, image.height, PAPER_SIZES["a4"])
            if dpi < MIN_PAGE_DPI:
                self.add_error(
                    "image",
                    _(
                        "This artwork is %(width)s×%(height)s pixels: about %(dpi)s dpi on A4, "
                        "too blurred to print. Upload at least 1240×1754 pixels (2480×3508 "
                        "for 300 dpi)."
                    )
                    % {"width": image.width, "height": image.height, "dpi": int(dpi)},
                )
        return cleaned
