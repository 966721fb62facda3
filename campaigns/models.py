"""Outreach records: teams, campaigns, districts, venues, events, tracked links and reach rollups.

Models stay thin: validation in clean() and database constraints; writes that touch more
than one row (status changes, rollups, scans) live in reach.py, workflow.py, links.py and imports/.
"""

import datetime
import hashlib
import re
import secrets
import unicodedata
from hmac import compare_digest

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, PageChooserPanel

from core.fields import optional_foreign_key, optional_yuan

# Attendance above this is kept but flagged for a team lead to check.
ATTENDANCE_SANITY_BOUND = 5000


class VenueType(models.TextChoices):
    MARKET = "market", _("Market")
    BANK = "bank", _("Bank")
    SCHOOL = "school", _("School")
    UNIVERSITY = "university", _("University")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")
    ENTERPRISE = "enterprise", _("Enterprise")
    HOSPITAL = "hospital", _("Hospital")
    TRANSPORT = "transport", _("Transport hub")
    ONLINE = "online", _("Online")
    OTHER = "other", _("Other")


class EventFormat(models.TextChoices):
    BOOTH = "booth", _("Booth")
    TALK = "talk", _("Talk")
    DOOR_TO_DOOR = "door_to_door", _("Door-to-door")
    SCREENING = "screening", _("Screening")
    TRAINING = "training", _("Training")
    ONLINE_LIVE = "online_live", _("Online live")
    OTHER = "other", _("Other")


class CountMethod(models.TextChoices):
    HEADCOUNT = "headcount", _("Headcount")
    SIGN_IN = "sign_in", _("Sign-in sheet")
    ESTIMATE = "estimate", _("Estimate")


class Team(models.Model):
    """An anti-fraud centre or police station that runs outreach."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    district = models.CharField(_("district"), max_length=60)
    lead = optional_foreign_key(settings.AUTH_USER_MODEL, _("team lead"), related_name="led_teams")
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="teams",
        verbose_name=_("coordinators"),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        """The district is one of the managed districts, stored as the list names it."""
        wanted = district_key(self.district)
        if not wanted:
            return
        for district in District.objects.all():
            if wanted in district.keys():
                self.district = district.name
                return
        raise ValidationError(
            {
                "district": _("“%(name)s” is not one of the districts (%(known)s).")
                % {
                    "name": self.district,
                    "known": "、".join(
                        District.objects.filter(is_active=True).values_list("name", flat=True)
                    ),
                }
            }
        )


class Campaign(ClusterableModel):
    """A period of outreach with goals, run by one or more teams."""

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    description = models.TextField(_("description"), blank=True)
    teams = models.ManyToManyField(Team, related_name="campaigns", verbose_name=_("teams"))
    scam_types = models.ManyToManyField(
        "materials.ScamType", blank=True, related_name="+", verbose_name=_("focus scam types")
    )
    audiences = models.ManyToManyField(
        "materials.Audience", blank=True, related_name="+", verbose_name=_("target audiences")
    )
    target_events = models.PositiveIntegerField(_("target: events"), default=0)
    target_people = models.PositiveIntegerField(_("target: people reached"), default=0)
    target_materials = models.PositiveIntegerField(_("target: materials distributed"), default=0)
    budget_yuan = optional_yuan(
        _("budget (yuan)"), max_digits=12, validators=[MinValueValidator(0)]
    )
    # Routine outreach outside any campaign (日常宣传): one standing campaign per team and
    # year, made when first needed (campaigns.places.standing_campaign).
    standing_team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("routine outreach of"),
    )
    standing_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="campaign_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["standing_team", "standing_year"], name="one_routine_campaign_a_year"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_standing(self) -> bool:
        return self.standing_team_id is not None

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The campaign cannot end before it starts.")})


# Trailing words of an administrative area's name: "江南区" and "江南" are one district.
DISTRICT_SUFFIXES = ("街道", "区", "县", "市", "镇")
_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})


def _folded(text: str) -> str:
    """For comparison only: full-width forms folded (NFKC: （ → (), brackets made round,
    every space gone, case folded. Stored names keep their Chinese punctuation."""
    text = unicodedata.normalize("NFKC", text or "").translate(_BRACKETS)
    return "".join(text.split()).casefold()


def district_key(name: str) -> str:
    """What two spellings of one district share: 江南区 / 江南 / 江 南 区 → 江南."""
    key = _folded(name)
    for suffix in DISTRICT_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key.removesuffix(suffix)
    return key


def venue_name_key(name: str, district_names=()) -> str:
    """A venue's name for comparison: brackets of either width and spaces ignored
    (工商银行（江南支行） is 工商银行江南支行), and the district left off where the name
    starts with it (江南区工商银行) or ends with it in brackets (工商银行（江南区）)."""
    key = _folded(name)
    forms = set()
    for district in district_names:
        folded = _folded(district)
        if folded:
            forms |= {folded, district_key(folded)}
    for form in sorted(forms, key=len, reverse=True):
        wrapped = f"({form})"
        if key.endswith(wrapped) and len(key) > len(wrapped) + 1:
            key = key.removesuffix(wrapped)
            break
    full = {f for f in forms if district_key(f) != f}  # 江南区, not 江南 (江南大学 stays)
    for form in sorted(full, key=len, reverse=True):
        if key.startswith(form) and len(key) > len(form) + 1:
            key = key.removeprefix(form)
            break
    return key.replace("(", "").replace(")", "") or key


class District(models.Model):
    """One of the centre's administrative areas, a managed list: venues belong to one,
    and the reach is broken down by them."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    aliases = models.CharField(
        _("other spellings"),
        max_length=255,
        blank=True,
        help_text=_(
            "Other names people write for this district, separated by commas (“江南” for "
            "“江南区” is recognised without listing it)."
        ),
    )
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Districts no longer in use are not offered.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def spellings(self) -> list[str]:
        """The name and every alias, as written."""
        aliases = [a.strip() for a in re.split(r"[,，、;；]", self.aliases or "")]
        return [self.name, *(a for a in aliases if a)]

    def keys(self) -> set[str]:
        return {district_key(spelling) for spelling in self.spellings()}

    def clean(self):
        self.name = " ".join((self.name or "").split())
        taken = {}
        for other in District.objects.exclude(pk=self.pk):
            for key in other.keys():
                taken[key] = other
        for spelling in self.spellings():
            other = taken.get(district_key(spelling))
            if other is not None:
                field = "name" if spelling == self.name else "aliases"
                raise ValidationError(
                    {
                        field: _("“%(spelling)s” is already the district “%(district)s”.")
                        % {"spelling": spelling, "district": other.name}
                    }
                )


class TargetFigure(models.TextChoices):
    """The figures a campaign or team can be given a target for (reach.target_actuals)."""

    EVENTS = "events", _("Events")
    IN_PERSON = "in_person", _("People reached in person")
    LIVE_STREAM = "live_stream", _("Live-stream viewers")
    MATERIALS = "materials_distributed", _("Materials distributed")
    WARNINGS = "warnings", _("People warned off a scam")
    MONEY = "money_protected_yuan", _("Money protected (yuan)")


class CampaignTarget(models.Model):
    """A target for one figure over the campaign's whole period: for the campaign (no
    team) or for one of its teams. Edited by managers on the campaign's form."""

    campaign = ParentalKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
        help_text=_("Leave empty for a target of the whole campaign."),
    )
    figure = models.CharField(_("figure"), max_length=24, choices=TargetFigure.choices)
    value = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, validators=[MinValueValidator(1)]
    )

    panels = [FieldPanel("team"), FieldPanel("figure"), FieldPanel("value")]

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "team", "figure"], name="one_target_per_team_figure"
            ),
            models.UniqueConstraint(
                fields=["campaign", "figure"],
                condition=Q(team__isnull=True),
                name="one_campaign_target_per_figure",
            ),
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.team_id or '-'} {self.figure}={self.value}"


class Venue(models.Model):
    """A place outreach happens, reused across events. Names are compared tolerantly
    (venue_name_key): a possible duplicate is flagged before saving, and a manager can
    merge two venues (campaigns.places)."""

    name = models.CharField(_("name"), max_length=160)
    name_key = models.CharField(max_length=160, editable=False, db_index=True)
    venue_type = models.CharField(_("type"), max_length=16, choices=VenueType.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="venues", verbose_name=_("district")
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["district__order", "district__name", "name"]

    def __str__(self):
        return f"{self.name}（{self.district.name}）"

    def save(self, *args, **kwargs):
        self.name = " ".join(self.name.split())
        district = self.district if self.district_id else None
        self.name_key = venue_name_key(self.name, district.spellings() if district else ())
        super().save(*args, **kwargs)


def optional_count(verbose_name) -> models.PositiveIntegerField:
    """A number of people or copies that may not have been counted (NULL), unlike 0."""
    return models.PositiveIntegerField(verbose_name, null=True, blank=True)


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class OutreachEvent(ClusterableModel):
    """One outreach activity and what it reached."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="events", verbose_name=_("campaign")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="events", verbose_name=_("team")
    )
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="events", verbose_name=_("venue")
    )
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    format = models.CharField(_("format"), max_length=16, choices=EventFormat.choices)

    audience_groups = models.CharField(
        _("audiences"),
        max_length=40,
        blank=True,
        help_text=_("Who the event was for: elders, students, general (comma-separated)."),
    )
    attendance = models.PositiveIntegerField(_("people reached"), default=0)
    attendance_method = models.CharField(
        _("how attendance was counted"),
        max_length=12,
        choices=CountMethod.choices,
        default=CountMethod.HEADCOUNT,
    )
    # Counts a team does not always take: empty (NULL) is "not counted", 0 is "none".
    elders = optional_count(_("of whom elders"))
    students = optional_count(_("of whom students"))
    general_public = optional_count(_("of whom general public"))
    materials_distributed = optional_count(_("materials distributed"))
    videos_screened = optional_count(_("videos screened"))
    help_requests = optional_count(_("people who asked for help"))
    warnings = optional_count(_("people warned off a scam (劝阻)"))
    money_protected_yuan = optional_yuan(
        _("money protected (yuan)"), validators=[MinValueValidator(0)]
    )
    staff_count = models.PositiveSmallIntegerField(_("staff"), default=1)
    participants = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("team members present"),
        help_text=_("Who of the team took part; they do not approve this event themselves."),
    )
    partners = models.CharField(_("partner organisations"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text=_("The id in the team's own spreadsheet, used to match re-imports."),
    )

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EventStatus.choices,
        default=EventStatus.DRAFT,
        db_index=True,
    )
    needs_review = models.BooleanField(
        _("flagged for review"),
        default=False,
        help_text=_("Set when a figure looks implausible; a team lead should check it."),
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = optional_foreign_key(settings.AUTH_USER_MODEL, _("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_by = optional_foreign_key(settings.AUTH_USER_MODEL, _("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The admin import that last created or changed this event (campaigns.imports).
    import_batch = models.ForeignKey(
        "ImportJob",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="events",
        verbose_name=_("import"),
    )

    class Meta:
        verbose_name = _("outreach event")
        verbose_name_plural = _("outreach events")
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["team", "status", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
            # The dashboard's coverage reads the venues of recent approved events from
            # the index alone (coverage.recently_visited_venue_ids).
            models.Index(fields=["status", "starts_at", "venue"], name="event_recent_venue_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(attendance__gte=F("elders") + F("students") + F("general_public")),
                name="event_breakdown_within_attendance",
            ),
        ]

    def __str__(self):
        return f"{self.venue.name} · {self.event_date:%Y-%m-%d}"  # the local day, not UTC's

    @property
    def attendance_flagged(self) -> bool:
        """Attendance above the sanity bound: confirmed by the coordinator when recorded,
        and by the reviewer when approved."""
        return self.needs_review or (self.attendance or 0) > ATTENDANCE_SANITY_BOUND

    @property
    def event_date(self):
        """The day in the site's time zone, whatever time zone a user's admin shows."""
        return timezone.localtime(self.starts_at, timezone.get_default_timezone()).date()

    def _team_takes_part(self) -> bool:
        # Imports check thousands of rows: they hand over the known (campaign, team) pairs.
        known = getattr(self, "_known_campaign_teams", None)
        if known is not None:
            return (self.campaign_id, self.team_id) in known
        return self.campaign.teams.filter(pk=self.team_id).exists()

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The event cannot end before it starts.")
        breakdown = (self.elders or 0) + (self.students or 0) + (self.general_public or 0)
        if breakdown > (self.attendance or 0):
            errors["attendance"] = _(
                "The audience breakdown adds up to %(breakdown)s, more than the %(total)s "
                "people reached."
            ) % {"breakdown": breakdown, "total": self.attendance or 0}
        site_zone = timezone.get_default_timezone()  # settings.TIME_ZONE, not UTC
        today = timezone.localdate(timezone=site_zone)
        if self.starts_at and timezone.localtime(self.starts_at, site_zone).date() > today:
            errors["starts_at"] = _(
                "%(day)s is after today (%(today)s): only events that have taken place "
                "can be recorded."
            ) % {"day": timezone.localtime(self.starts_at, site_zone).date(), "today": today}
        elif self.campaign_id and self.starts_at:
            campaign = self.campaign
            day = self.event_date
            if not (campaign.start_date <= day <= campaign.end_date):
                errors["starts_at"] = _(
                    "%(day)s is outside the campaign “%(campaign)s” (%(start)s – %(end)s)."
                ) % {
                    "day": day,
                    "campaign": campaign.name,
                    "start": campaign.start_date,
                    "end": campaign.end_date,
                }
        if self.campaign_id and self.team_id and not self._team_takes_part():
            errors["team"] = _("This team does not take part in the chosen campaign.")
        if errors:
            raise ValidationError(errors)
        self.needs_review = (self.attendance or 0) > ATTENDANCE_SANITY_BOUND


class EventMaterial(models.Model):
    """Copies of one of the site's posters, guides or videos handed out at an event."""

    event = ParentalKey(OutreachEvent, on_delete=models.CASCADE, related_name="material_lines")
    material = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("material"),
    )
    quantity = models.PositiveIntegerField(_("copies"), validators=[MinValueValidator(1)])

    panels = [
        PageChooserPanel(
            "material", ["materials.PosterPage", "materials.GuidePage", "materials.VideoPage"]
        ),
        FieldPanel("quantity"),
    ]

    class Meta:
        verbose_name = _("material distributed")
        constraints = [
            models.UniqueConstraint(fields=["event", "material"], name="unique_material_per_event")
        ]

    def __str__(self):
        return f"{self.material_id} × {self.quantity}"


def evidence_upload_path(instance, filename):
    return f"{instance.event_id}/{filename}"


def evidence_storage():
    """Private storage (settings.STORAGES["private"]: local disk or a private bucket)."""
    return storages["private"]


class EventPhoto(models.Model):
    """A photo kept as evidence that the event took place (not public)."""

    event = ParentalKey(OutreachEvent, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=evidence_upload_path, storage=evidence_storage)
    caption = models.CharField(_("caption"), max_length=160, blank=True)

    class Meta:
        verbose_name = _("photo")

    def __str__(self):
        return self.caption or self.image.name


def new_link_code() -> str:
    return secrets.token_urlsafe(6)[:8].replace("-", "x").replace("_", "y")


class TrackedLink(models.Model):
    """A short /r/<code>/ link printed as a QR code; counts scans, stores no personal data."""

    code = models.CharField(_("code"), max_length=16, unique=True, default=new_link_code)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="links", verbose_name=_("campaign")
    )
    event = models.ForeignKey(
        OutreachEvent,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="links",
        verbose_name=_("event"),
    )
    target = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("leads to"),
        help_text=_("A page of this site; never another website."),
    )
    label = models.CharField(_("label"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The QR code a lobby screen shows beside one material (campaigns.screens): made when
    # the screen first shows it, so scans of what screens show count.
    screen = models.ForeignKey(
        "Screen",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="qr_links",
        verbose_name=_("screen"),
    )

    class Meta:
        verbose_name = _("tracked link")
        verbose_name_plural = _("tracked links")
        constraints = [
            models.UniqueConstraint(
                fields=["screen", "target"],
                condition=Q(screen__isnull=False),
                name="one_qr_link_per_screen_page",
            )
        ]

    def __str__(self):
        return self.label or self.code

    def qr_downloads(self):
        """Links to this code's QR images, for the admin listing."""
        return format_html(
            '<a href="{}">PNG</a> · <a href="{}">SVG</a>',
            reverse("campaigns_link_qr", args=[self.pk, "png"]),
            reverse("campaigns_link_qr", args=[self.pk, "svg"]),
        )

    qr_downloads.short_description = _("QR code")


class LinkVisit(models.Model):
    """Scans of one link by one visitor on one day.

    `visitor` is a hash of the address and browser salted with a secret that changes
    every day, so visitors cannot be followed from one day to the next and no address is
    stored. Rows per link and day = unique visitors; the sum of `scans` = all scans.
    """

    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="visits")
    day = models.DateField()
    visitor = models.CharField(max_length=32)
    scans = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["link", "day", "visitor"], name="one_row_per_visitor_day"
            )
        ]

    def __str__(self):
        return f"{self.link_id} {self.day}: {self.scans}"


class ReachDimension(models.TextChoices):
    TOTAL = "total", _("Total")
    VENUE_TYPE = "venue_type", _("Venue type")
    DISTRICT = "district", _("District")
    FORMAT = "format", _("Format")
    MATERIAL = "material", _("Material")


class DailyReach(models.Model):
    """Approved events' figures summed per day, campaign, team and one breakdown key.

    Kept exact by reach.py as events are approved, edited or deleted, so the dashboard
    reads a few thousand rows instead of scanning every event (rebuild_reach_rollups
    recomputes it from scratch). Audience segments are columns of every row.
    """

    day = models.DateField()
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=12, choices=ReachDimension.choices)
    key = models.CharField(max_length=60)
    events = models.IntegerField(default=0)
    attendance = models.BigIntegerField(default=0)
    elders = models.BigIntegerField(default=0)
    students = models.BigIntegerField(default=0)
    general_public = models.BigIntegerField(default=0)
    materials_distributed = models.BigIntegerField(default=0)
    warnings = models.BigIntegerField(default=0)
    help_requests = models.BigIntegerField(default=0)
    videos_screened = models.BigIntegerField(default=0)
    staff_count = models.BigIntegerField(default=0)
    partner_events = models.IntegerField(default=0)
    money_protected_yuan = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    headcount_events = models.IntegerField(default=0)
    sign_in_events = models.IntegerField(default=0)
    estimate_events = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "key", "day", "campaign", "team"], name="one_reach_row"
            )
        ]
        indexes = [models.Index(fields=["dimension", "day"])]

    def __str__(self):
        return f"{self.day} {self.dimension}={self.key}"


class ImportJob(models.Model):
    """One confirmed spreadsheet import (an import batch): run during the request, or, when
    too large for that, by a Celery task. The events it created or changed point to it
    (OutreachEvent.import_batch), so its drafts can be submitted and reviewed together."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    stored_as = models.CharField(max_length=64)
    skip_invalid = models.BooleanField(default=False)
    # A row with a new id at an existing event's campaign, day and venue is imported too.
    allow_duplicates = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the task queue accepted it; empty while the queue was unreachable.
    sent_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def waiting_for_queue(self) -> bool:
        return self.status == self.Status.QUEUED and self.sent_at is None


class ReminderSent(models.Model):
    """A follow-up reminder sent to one person on one (Beijing) day: the daily task sends
    at most one a day, however often it runs (campaigns.tasks.send_follow_up_reminders)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    channel = models.CharField(max_length=120)
    summary = models.TextField(blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_reminder_per_user_day")
        ]

    def __str__(self):
        return f"{self.user_id} {self.day}"


class TokenLink(models.Model):
    """A no-login address made of a long random token (the big screen's display links, the
    screens' player links): found by the token's SHA-256 digest and then compared in
    constant time, so neither the database lookup nor the comparison tells how much of a
    guessed token was right; revocable, and remembering when it was last used. Subclasses
    declare `token` (with its default) and `last_seen_at`."""

    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    SEEN_EVERY = datetime.timedelta(minutes=1)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.token_digest:
            self.token_digest = token_digest(self.token)
        super().save(*args, **kwargs)

    @classmethod
    def find_by_token(cls, token: str, queryset=None):
        """The link with this token (revoked or not), or None."""
        queryset = cls._default_manager.all() if queryset is None else queryset
        link = queryset.filter(token_digest=token_digest(token)).first()
        if link is None or not compare_digest(link.token.encode(), token.encode()):
            return None
        return link

    def revoke(self, user) -> bool:
        """Revoke at once (the next request with the token is refused). False when it was
        already revoked: the first revocation is kept."""
        model = type(self)
        changed = model._default_manager.filter(pk=self.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=user
        )
        self.refresh_from_db()
        return bool(changed)

    def mark_seen(self, now: datetime.datetime | None = None) -> None:
        """Remember that the token was used (one write a minute at most)."""
        now = now or timezone.now()
        type(self)._default_manager.filter(pk=self.pk).filter(
            Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=now - self.SEEN_EVERY)
        ).update(last_seen_at=now)


def new_display_token() -> str:
    return secrets.token_urlsafe(32)  # 43 characters, 256 bits


class DisplayLink(TokenLink):
    """A read-only address of the big screen for a wall display (/screen/<token>/), made
    and revoked by a campaign manager. It shows the figures its creator sees, one campaign
    or all, and works only while it is not revoked and its creator is still a manager."""

    name = models.CharField(
        _("name"),
        max_length=80,
        help_text=_("Where the display hangs, e.g. the command centre's lobby screen."),
    )
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.CASCADE,  # never widened to every campaign by a deletion
        related_name="+",
        verbose_name=_("campaign"),
        help_text=_("Leave empty to show every campaign."),
    )
    token = models.CharField(max_length=64, editable=False, default=new_display_token)
    last_seen_at = models.DateTimeField(_("last opened"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("big screen link")
        verbose_name_plural = _("big screen links")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_screen_token() -> str:
    return secrets.token_urlsafe(32)  # 43 characters, 256 bits


class Screen(TokenLink):
    """A public-education screen at one of a team's venues (a bank lobby, a market hall):
    it plays a playlist from its player link (/player/<token>/, no sign-in) and reports
    what it showed (campaigns.screens). Revoking the link stops the player and its reports."""

    name = models.CharField(
        _("name"),
        max_length=80,
        help_text=_("Which screen, e.g. the lobby screen by the entrance."),
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="screens", verbose_name=_("team")
    )
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="screens", verbose_name=_("venue")
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="screens",
        verbose_name=_("campaign"),
        help_text=_("Its plays and screen-hours count towards this campaign."),
    )
    playlist = models.ForeignKey(
        "materials.Playlist",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("playlist"),
    )
    token = models.CharField(max_length=64, editable=False, default=new_screen_token)
    last_seen_at = models.DateTimeField(_("last heard from"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("screen")
        verbose_name_plural = _("screens")
        ordering = ["team__name", "name"]

    def __str__(self):
        return f"{self.name}（{self.venue.name}）"

    def clean(self):
        if self.campaign_id and self.team_id:
            if not self.campaign.teams.filter(pk=self.team_id).exists():
                raise ValidationError(
                    {"campaign": _("This team does not take part in the chosen campaign.")}
                )


class ScreenPlays(models.Model):
    """What one screen showed of one playlist item on one (Beijing) day: how many times,
    and for how many seconds. Kept by campaigns.screens.record_plays (one upsert per
    item and day of a report); never added to attendance."""

    screen = models.ForeignKey(Screen, on_delete=models.CASCADE, related_name="plays")
    day = models.DateField()
    item_id = models.PositiveBigIntegerField()  # the playlist item (materials.PlaylistItem)
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    label = models.CharField(max_length=255)
    plays = models.PositiveIntegerField(default=0)
    seconds = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["screen", "day", "item_id"], name="one_plays_row")
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self):
        return f"{self.screen_id} {self.day} {self.item_id}: {self.plays}"


class ScreenPlayReceipt(models.Model):
    """A play the player reported, by the id the player gave it: a retried report stores
    nothing twice. Kept for a week (campaigns.screens.PLAY_MAX_AGE), then pruned."""

    screen = models.ForeignKey(Screen, on_delete=models.CASCADE, related_name="+")
    play_id = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["screen", "play_id"], name="one_receipt_per_play")
        ]

    def __str__(self):
        return self.play_id
