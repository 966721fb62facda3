"""The tracked-link form: the material is one of the site's live materials in the chosen
language, and the event one of the chosen campaign's and team's.

Server-side: the lists offered follow the language, campaign and team of the posted form
(or of the saved link; for a new link, the site's default language). After choosing
another language, campaign or team, "save" shows the matching lists with a note where
the earlier choice no longer fits; nothing else is ever saved.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Locale, Page

from core.ids import parse_id
from materials.models import MATERIAL_TYPES

from . import permissions
from .models import OutreachEvent, Team, TrackedLink


def live_materials():
    return Page.objects.type(*MATERIAL_TYPES.models).live()


class MaterialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        kind = MATERIAL_TYPES.for_page(obj)
        return f"{obj.title}（{kind.label}）" if kind else obj.title


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj}（{obj.team.name}）"


class TrackedLinkForm(WagtailAdminModelForm):
    language = forms.ModelChoiceField(
        queryset=Locale.objects.all(),
        label=_("Language of the material"),
        empty_label=None,
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        label=_("Team"),
        required=False,
        help_text=_("For a link printed for one event: the team that held it."),
    )
    target = MaterialChoiceField(
        queryset=Page.objects.none(),
        label=_("leads to"),
        help_text=_("A live material of this site in the chosen language."),
        error_messages={
            "invalid_choice": _(
                "Choose a live material in the chosen language (the list now shows them)."
            )
        },
    )
    event = EventChoiceField(
        queryset=OutreachEvent.objects.none(),
        label=_("event"),
        required=False,
        help_text=_("Events of the chosen campaign and team; empty for the whole campaign."),
        error_messages={
            "invalid_choice": _(
                "This event is not one of the chosen campaign and team's (the list now "
                "shows theirs)."
            )
        },
    )

    class Meta:
        model = TrackedLink
        fields = ["label", "campaign", "event", "target", "is_active"]

    class Media:
        js = ["campaigns/js/link_form.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        link = self.instance
        self.fields["team"].queryset = permissions.visible_teams(user)
        self.fields["campaign"].queryset = permissions.visible_campaigns(user)
        if link.pk and not self.is_bound:
            self.initial.setdefault("language", link.target.locale_id)
            if link.event_id:
                self.initial.setdefault("team", link.event.team_id)
        self.initial.setdefault("language", Locale.get_default().pk)

        language = self._chosen("language")
        self.fields["target"].queryset = (
            live_materials().filter(locale_id=language).order_by("title")
        )
        campaign, team = self._chosen("campaign"), self._chosen("team")
        events = permissions.visible_events(user).select_related("venue", "team")
        if campaign:
            events = events.filter(campaign_id=campaign)
            if team:
                events = events.filter(team_id=team)
        else:
            events = events.none()
        self.fields["event"].queryset = events.order_by("-starts_at")

    def _chosen(self, name):
        """The posted value (a number), else the initial one; None if neither is usable."""
        if self.is_bound:
            value = self.data.get(self.add_prefix(name), "")
        else:
            value = self.initial.get(name) or getattr(self.instance, f"{name}_id", None)
        return None if value is None else parse_id(value)


class LinkChoicesFromQueryMixin:
    """For the link's create and edit views: a GET with ?language=&campaign=&team= shows
    the form with those chosen (link_form.js fetches it to refresh the two lists)."""

    def get_initial(self):
        initial = super().get_initial()
        if self.request.method == "GET":
            for name in ("language", "campaign", "team"):
                value = parse_id(self.request.GET.get(name, ""))
                if value is not None:
                    initial[name] = value
        return initial
