"""The outreach spreadsheet as a django-import-export resource.

Each row is read by campaigns.imports.cells (messy cells → clean values); the model's own
clean() then checks the event as a whole. Every problem is reported as
(row, column, message); whether anything is saved is decided by campaigns.imports.service.

A row that matches an existing event and says the same thing is unchanged, whatever a
spreadsheet program did to its spelling (full-width punctuation, spaces, the order of the
audiences, the time without seconds). An approved event may only come back unchanged: a
change is refused, naming the column as the file names it, until a lead returns the event.
"""

import copy
import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from import_export import fields, resources

from .. import history, permissions, places
from ..models import (
    Campaign,
    CountMethod,
    EventFormat,
    EventStatus,
    OutreachEvent,
    Team,
    Venue,
    VenueType,
)
from ..reach import LEDGER_COUNTS
from .cells import (
    CHINESE_HEADERS,
    COUNT_METHOD_LABELS,
    FORMAT_LABELS,
    LEDGER_COLUMNS,
    VENUE_TYPE_LABELS,
    CellError,
    clean_text,
    closest,
    name_key,
    normalise_text,
    parse_audience,
    parse_choice,
    parse_count,
    parse_date,
    parse_time,
    parse_yuan,
)

DEFAULT_DURATION = datetime.timedelta(hours=2)
# Columns a file may leave out: then its events keep (or, when new, default) these.
OPTIONAL_COUNTS = ("help_requests", "videos_screened", "staff_count")
OPTIONAL_FIGURES = (*OPTIONAL_COUNTS, "money_protected_yuan", "partners", "attendance_method")
STAFF_LIMIT = 32767  # a small integer column (PostgreSQL refuses more; SQLite would not)


def _optional_count_parser(name: str):
    """An empty cell is "not counted" (None) where the field can hold that, else 0."""
    nullable = OutreachEvent._meta.get_field(name).null
    limit = STAFF_LIMIT if name == "staff_count" else None

    def parse(value):
        if nullable and not normalise_text(value):
            return None
        return parse_count(value, at_most=limit)

    return parse


# Every count but attendance may be left empty: "not counted" (see OutreachEvent).
OPTIONAL_COUNT_PARSERS = {
    name: _optional_count_parser(name) for name in (*LEDGER_COUNTS[1:], *OPTIONAL_COUNTS)
}
COMPARED_FIELDS = (
    "external_id",
    "campaign_id",
    "team_id",
    "venue_id",
    "starts_at",
    "ends_at",
    "format",
    "audience_groups",
    "notes",
    *LEDGER_COUNTS,
    *OPTIONAL_FIGURES,
)
COUNT_COLUMNS = LEDGER_COUNTS
# model field → spreadsheet column, for errors raised by OutreachEvent.clean()
FIELD_COLUMNS = {
    "starts_at": "date",
    "ends_at": "end_time",
    "venue": "venue_name",
    "audience_groups": "audience",
}
# fields a spreadsheet may spell differently without meaning a change (see _same)
SPELLED_FIELDS = ("external_id", "starts_at", "ends_at", "audience_groups", "notes")
# compared field → the spreadsheet columns that carry it, for the approved-event refusal
FIELD_SOURCE_COLUMNS = {
    "campaign_id": ("campaign",),
    "team_id": ("team",),
    "venue_id": ("venue_name", "district"),
    "starts_at": ("date", "start_time"),
    "ends_at": ("date", "end_time"),  # the end is the row's date at its end time
    "audience_groups": ("audience",),
}


class OutreachEventResource(resources.ModelResource):
    external_id = fields.Field(attribute="external_id", column_name="external_id")
    campaign = fields.Field(attribute="campaign__slug", column_name="campaign")
    date = fields.Field(column_name="date")
    start_time = fields.Field(column_name="start_time")
    end_time = fields.Field(column_name="end_time")
    venue_name = fields.Field(attribute="venue__name", column_name="venue_name")
    venue_type = fields.Field(attribute="venue__venue_type", column_name="venue_type")
    district = fields.Field(attribute="venue__district__name", column_name="district")
    format = fields.Field(attribute="format", column_name="format")
    audience = fields.Field(attribute="audience_groups", column_name="audience")
    attendance = fields.Field(attribute="attendance", column_name="attendance")
    elders = fields.Field(attribute="elders", column_name="elders")
    students = fields.Field(attribute="students", column_name="students")
    general_public = fields.Field(attribute="general_public", column_name="general_public")
    materials_distributed = fields.Field(
        attribute="materials_distributed", column_name="materials_distributed"
    )
    warnings = fields.Field(attribute="warnings", column_name="warnings")
    help_requests = fields.Field(attribute="help_requests", column_name="help_requests")
    videos_screened = fields.Field(attribute="videos_screened", column_name="videos_screened")
    money_protected_yuan = fields.Field(column_name="money_protected_yuan")
    staff_count = fields.Field(attribute="staff_count", column_name="staff_count")
    partners = fields.Field(attribute="partners", column_name="partners")
    attendance_method = fields.Field(attribute="attendance_method", column_name="attendance_method")
    team = fields.Field(attribute="team__name", column_name="team")
    notes = fields.Field(attribute="notes", column_name="notes")
    # Exported so a ledger shows it; an import reads it as a notice, never writes it.
    status = fields.Field(attribute="status", column_name="status", readonly=True)

    class Meta:
        model = OutreachEvent
        fields = (*LEDGER_COLUMNS, "status")
        import_id_fields = ()
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        # Speed: write in batches and skip django-import-export's deep-copied diffs; the
        # "unchanged" test uses a small snapshot taken in get_instance instead.
        use_bulk = True
        batch_size = 2000
        skip_diff = True

    def __init__(
        self,
        *,
        user=None,
        chinese_headers: bool = False,
        progress=None,
        duplicate_ids: set[str] | None = None,
        header_labels: dict[str, str] | None = None,
        existing_slots: "ExistingSlots | None" = None,
        batch=None,
    ):
        super().__init__()
        self.batch = batch  # the ImportJob whose events these rows become, if any
        self.existing_slots = existing_slots
        self.user = user
        self.header_labels = header_labels or {}
        self.duplicate_ids = duplicate_ids or set()
        self.progress = progress
        self.rows_done = 0
        self.chinese_headers = chinese_headers
        self._campaigns: dict[str, Campaign] = {}
        self._teams: dict[str, Team] = {}
        self._venues: dict[tuple[str, str], Venue] = {}
        self.allowed_team_ids: set[int] | None = None
        self._optional_columns: set[str] = set()

    # --- export --------------------------------------------------------------------------
    def get_export_headers(self, selected_fields=None):
        headers = super().get_export_headers(selected_fields)
        if self.chinese_headers:
            return [CHINESE_HEADERS.get(header, header) for header in headers]
        return headers

    # Days and times as the site's time zone has them, whatever the user's admin shows.
    def dehydrate_date(self, event):
        return _site_time(event.starts_at).date().isoformat()

    def dehydrate_start_time(self, event):
        return _site_time(event.starts_at).strftime("%H:%M")

    def dehydrate_end_time(self, event):
        return _site_time(event.ends_at).strftime("%H:%M")

    def dehydrate_money_protected_yuan(self, event):
        amount = event.money_protected_yuan
        return "" if amount is None else f"{amount:.2f}"

    # --- import --------------------------------------------------------------------------
    def before_import(self, dataset, **kwargs):
        self._campaigns = {}
        # Names are not unique: every campaign of a name, to tell a shared name apart.
        self._campaigns_named: dict[str, list[Campaign]] = {}
        for campaign in Campaign.objects.order_by("-start_date", "name"):
            self._campaigns.setdefault(name_key(campaign.name), campaign)
            self._campaigns_named.setdefault(name_key(campaign.name), []).append(campaign)
        for campaign in Campaign.objects.all():  # a slug names one campaign, before names
            self._campaigns[campaign.slug.casefold()] = campaign
        self._teams = {name_key(t.name): t for t in Team.objects.all()}
        self._team_names = dict(Team.objects.values_list("pk", "name"))
        # Districts from the managed list (江南 is 江南区); venues matched tolerantly
        # (places.venue_key), the oldest of two that already match.
        self._districts = places.district_lookup()
        self._venues = {}
        for venue in Venue.objects.select_related("district").order_by("pk"):
            self._venues.setdefault((venue.name_key, venue.district_id), venue)
        if self.user is not None and not permissions.is_manager(self.user):
            self.allowed_team_ids = set(
                permissions.teams_of(self.user).values_list("pk", flat=True)
            )
        self._campaign_teams = set(
            Campaign.teams.through.objects.values_list("campaign_id", "team_id")
        )
        self._optional_columns = {c for c in OPTIONAL_FIGURES if c in (dataset.headers or ())}
        # Existing events this chunk names by id, in a few queries instead of one a row.
        ids = (
            sorted({normalise_text(v) for v in dataset["external_id"]} - {""})
            if "external_id" in dataset.headers
            else []
        )
        self._events_by_id = {}
        for start in range(0, len(ids), 900):
            for event in OutreachEvent.objects.filter(external_id__in=ids[start : start + 900]):
                self._events_by_id[event.external_id] = event

    def before_import_row(self, row, **kwargs):
        """Read every cell; collect all of the row's problems at once."""
        errors, clean = {}, {}

        def read(column, parser):
            try:
                return parser(row.get(column))
            except CellError as error:
                errors[column] = str(error)
                return None

        external_id = normalise_text(row.get("external_id")) or None
        if external_id in self.duplicate_ids:
            errors["external_id"] = _("“%(id)s” appears more than once in this file") % {
                "id": external_id
            }
        clean["external_id"] = external_id

        for column, by_name, unknown, missing in (
            (
                "campaign",
                self._campaigns,
                _("no campaign called “%(name)s”; the campaigns are: %(known)s"),
                _("the campaign is missing"),
            ),
            (
                "team",
                self._teams,
                _("no team called “%(name)s”; the teams are: %(known)s"),
                _("the team is missing"),
            ),
        ):
            clean[column] = self._named(
                row, column, by_name, errors, unknown=unknown, missing=missing
            )
        team = clean["team"]
        if clean["campaign"] is not None:
            clean["campaign"] = self._one_campaign(row, clean["campaign"], team, errors)
        allowed = self.allowed_team_ids
        if team is not None and allowed is not None and team.pk not in allowed:
            errors["team"] = _("you cannot record events for “%(team)s”") % {"team": team.name}

        day = read("date", parse_date)
        if self._routine(row) and clean["team"] is not None and day is not None:
            # 日常宣传, or no campaign at all: the team's routine work of that year.
            errors.pop("campaign", None)
            clean["campaign"] = places.standing_campaign(clean["team"], day.year)
            self._campaign_teams.add((clean["campaign"].pk, clean["team"].pk))
        start = read("start_time", parse_time)
        end = read("end_time", parse_time)
        venue_type = read(
            "venue_type",
            lambda v: parse_choice(
                v, labels=VENUE_TYPE_LABELS, choices=VenueType, what=_("venue type")
            ),
        )
        clean["format"] = read(
            "format",
            lambda v: parse_choice(
                v, labels=FORMAT_LABELS, choices=EventFormat, what=_("event format")
            ),
        )
        audience = read("audience", parse_audience)
        clean["audience_groups"] = ",".join(audience or [])
        clean["attendance"] = read("attendance", lambda v: parse_count(v, required=True))
        for column in COUNT_COLUMNS[1:]:
            clean[column] = read(column, OPTIONAL_COUNT_PARSERS[column])
        present = self._optional_columns
        for column in OPTIONAL_COUNTS:
            if column in present:
                clean[column] = read(column, OPTIONAL_COUNT_PARSERS[column])
        if "money_protected_yuan" in present:
            clean["money_protected_yuan"] = read("money_protected_yuan", parse_yuan)
        if "partners" in present:
            clean["partners"] = clean_text(row.get("partners")).replace("\n", " ")
        if "attendance_method" in present and normalise_text(row.get("attendance_method")):
            clean["attendance_method"] = read(
                "attendance_method",
                lambda v: parse_choice(
                    v,
                    labels=COUNT_METHOD_LABELS,
                    choices=CountMethod,
                    what=_("way of counting attendance"),
                ),
            )
        clean["notes"] = clean_text(row.get("notes"))

        venue_name = clean_text(row.get("venue_name")).replace("\n", " ")
        district_text = normalise_text(row.get("district"))
        district = places.find_district(district_text, self._districts)
        if not venue_name:
            errors["venue_name"] = _("the venue name is missing")
        if not district_text:
            errors["district"] = _("the district is missing")
        elif district is None:
            errors["district"] = _(
                "no district called “%(name)s” (the districts are %(known)s; a manager "
                "adds districts)"
            ) % {"name": district_text, "known": self._district_names()}
        if errors:
            raise ValidationError(errors)

        tz = timezone.get_default_timezone()  # a ledger's times are the site's
        starts_at = datetime.datetime.combine(day, start or datetime.time(9), tz)
        ends_at = datetime.datetime.combine(day, end, tz) if end else starts_at + DEFAULT_DURATION
        clean.update(
            starts_at=starts_at,
            ends_at=ends_at,
            venue=self._venue(venue_name, district, venue_type),
        )
        if self.existing_slots is not None and external_id not in self._events_by_id:
            other = self.existing_slots.get(
                clean["campaign"].pk,
                clean["venue"].pk,
                _site_time(starts_at).date(),
                with_id=bool(external_id),
            )
            if other:
                raise ValidationError(
                    {
                        "": _(
                            "possible duplicate: “%(campaign)s” already has an event at "
                            "%(venue)s on %(day)s (%(other)s); if this is another event, "
                            "tick “Import possible duplicates too” and upload again"
                        )
                        % {
                            "campaign": clean["campaign"].name,
                            "venue": venue_name,
                            "day": _chinese_day(_site_time(starts_at).date()),
                            "other": other,
                        }
                    }
                )
        row["_clean"] = clean

    def _named(self, row, column, known, errors, *, unknown, missing):
        """The campaign or team the cell names (width, case, spaces and quotes such as
        《》 ignored), or None with the error recorded: `unknown` names what the cell says
        and lists the valid names, with the closest first; `missing` is for an empty cell."""
        name = clean_text(row.get(column)).replace("\n", " ")
        found = known.get(name_key(name)) or known.get(normalise_text(name).casefold())
        allowed = self.allowed_team_ids

        def listed(known) -> list[str]:
            """The names a user may use: a coordinator's own teams and their campaigns."""
            items = {item.pk: item for item in known.values()}.values()
            if allowed is not None:
                items = [
                    item
                    for item in items
                    if (item.pk in allowed if column == "team" else self._takes_part(item.pk))
                ]
            return sorted(item.name for item in items)

        if found is None and not name:
            errors[column] = missing
        elif found is None:
            names = listed(known)
            suggestion = closest(name_key(name), {name_key(n): n for n in names})
            message = unknown % {"name": name, "known": "、".join(names[:20])}
            if suggestion:
                message = _("%(message)s (did you mean “%(suggestion)s”?)") % {
                    "message": message,
                    "suggestion": known[suggestion].name,
                }
            errors[column] = message
        return found

    def _one_campaign(self, row, campaign, team, errors):
        """The campaign a name shared by several means: the one the row's team takes part
        in; when that is still more than one, none, and the row's error lists them (teams,
        dates, code) and asks for the code. A code (slug) names one campaign already. Never
        the newest or the first silently."""
        written = normalise_text(row.get("campaign")).casefold()
        same = self._campaigns_named.get(name_key(campaign.name), [])
        if written == campaign.slug.casefold() or len(same) < 2:
            return campaign
        if team is not None:
            theirs = [c for c in same if (c.pk, team.pk) in self._campaign_teams]
            if len(theirs) == 1:
                return theirs[0]
            if not theirs:  # the team takes part in none: the event's own check says so
                return campaign
            same = theirs
        errors["campaign"] = _(
            "%(count)s campaigns are called “%(name)s”: %(candidates)s; write the code of "
            "the one this event belongs to in this cell"
        ) % {
            "count": len(same),
            "name": campaign.name,
            "candidates": "；".join(self._described(c) for c in same),
        }
        return None

    def _described(self, campaign) -> str:
        names = sorted(
            self._team_names.get(team_id, "")
            for campaign_id, team_id in self._campaign_teams
            if campaign_id == campaign.pk
        )
        return _("%(teams)s, %(start)s to %(end)s, code %(slug)s") % {
            "teams": "、".join(names) or "—",
            "start": campaign.start_date.isoformat(),
            "end": campaign.end_date.isoformat(),
            "slug": campaign.slug,
        }

    def _takes_part(self, campaign_id: int) -> bool:
        return any(c == campaign_id and t in self.allowed_team_ids for c, t in self._campaign_teams)

    def _routine(self, row) -> bool:
        """The campaign cell is empty or says 日常宣传 (and names no campaign itself)."""
        name = normalise_text(row.get("campaign"))
        if name_key(name) in self._campaigns or name.casefold() in self._campaigns:
            return False
        return name in ("", "日常宣传", "日常", "无", "—", "-")

    def _district_names(self) -> str:
        names = sorted({(d.order, d.name) for d in self._districts.values() if d.is_active})
        return "、".join(name for _order, name in names)

    @staticmethod
    def _venue_key(name, district) -> tuple[str, int]:
        """Names compared tolerantly (places.venue_key): full-width or half-width
        brackets, spaces and the district in the name set aside, so "工商银行（江南支行）"
        typed in the admin is "江南区工商银行(江南支行)" in a spreadsheet."""
        return (places.venue_key(normalise_text(name), district), district.pk)

    def _venue(self, name, district, venue_type) -> Venue:
        """Venues are reused by name and district; a new one is created once per file."""
        key = self._venue_key(name, district)
        venue = self._venues.get(key)
        if venue is None:
            venue = Venue.objects.create(name=name, district=district, venue_type=venue_type)
            self._venues[key] = venue
        return venue

    def after_import_row(self, row, row_result, **kwargs):
        self.rows_done += 1
        if self.progress and self.rows_done % 200 == 0:
            self.progress(200)  # rows since the last call

    def get_instance(self, instance_loader, row):
        """Match by external id, else by campaign + date + venue (and, when one venue had
        several events that day, the one starting at the row's time)."""
        clean = row["_clean"]
        if clean["external_id"]:
            event = self._events_by_id.get(clean["external_id"])
        else:
            day = _site_time(clean["starts_at"]).date()
            midnight = datetime.datetime.combine(
                day, datetime.time(0), _site_time(clean["starts_at"]).tzinfo
            )
            candidates = list(
                OutreachEvent.objects.filter(
                    campaign=clean["campaign"],
                    venue=clean["venue"],
                    starts_at__gte=midnight,  # the site's day (__date would be the user's)
                    starts_at__lt=midnight + datetime.timedelta(days=1),
                    external_id__isnull=True,
                ).order_by("starts_at", "pk")
            )
            event = next(
                (e for e in candidates if _same_minute(e.starts_at, clean["starts_at"])),
                candidates[0] if candidates else None,
            )
        if event is not None:
            event._import_snapshot = self._snapshot(event)
        return event

    @staticmethod
    def _snapshot(event) -> tuple:
        return tuple(getattr(event, name) for name in COMPARED_FIELDS)

    def init_instance(self, row=None):
        return OutreachEvent(
            status=EventStatus.DRAFT, created_by=self.user, import_batch=self.batch
        )

    def import_instance(self, instance, row, **kwargs):
        if (
            instance.pk
            and self.allowed_team_ids is not None
            and instance.team_id not in self.allowed_team_ids
        ):
            raise ValidationError({"external_id": _("this id belongs to another team's event")})
        for name, value in row["_clean"].items():
            if (
                instance.pk
                and name in SPELLED_FIELDS
                and _same(name, getattr(instance, name), value)
            ):
                continue  # the file says the same, spelt differently: keep it as it is
            setattr(instance, name, value)
        if instance.pk and instance.status == EventStatus.APPROVED:
            self._refuse_changes(instance)
        if self.batch is not None:  # saved only if changed (skip_row), so kept if unchanged
            instance.import_batch = self.batch

    def _shown(self, event) -> dict[str, str]:
        """The event's columns as an export shows them (for naming a change)."""
        return {
            column: Truncator(str(self.export_field(field, event) or "")).chars(40)
            for column, field in self.fields.items()
        }

    def _refuse_changes(self, event) -> None:
        """An approved event's figures are in the reports: the file may only repeat them.
        Each changed column is named as the file names it, with the old and new value."""
        changed = [
            name
            for name, old in zip(COMPARED_FIELDS, event._import_snapshot, strict=True)
            if getattr(event, name) != old
        ]
        if not changed:
            return
        before = self._shown(OutreachEvent.objects.get(pk=event.pk))
        after = self._shown(event)
        columns = []
        for name in changed:
            sources = FIELD_SOURCE_COLUMNS.get(name, (name,))
            shown = [c for c in sources if before.get(c) != after.get(c)] or sources[:1]
            columns += [c for c in shown if c not in columns]
        raise ValidationError(
            {
                column: _(
                    "this event is approved, so “%(column)s” cannot change (%(old)s → %(new)s); "
                    "ask the team lead to return the event before correcting it"
                )
                % {
                    "column": self.header_labels.get(column, column),
                    "old": before.get(column) or "—",
                    "new": after.get(column) or "—",
                }
                for column in columns
            }
        )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        snapshot = getattr(instance, "_import_snapshot", None)
        if import_validation_errors or snapshot is None:
            return False
        return self._snapshot(instance) == snapshot

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Write corrected rows with one upsert per batch (INSERT … ON CONFLICT (id) DO
        UPDATE), which SQLite and PostgreSQL run far faster than bulk_update's CASE WHENs."""
        if self.update_instances and (using_transactions or not dry_run):
            try:
                OutreachEvent.objects.bulk_create(
                    self.update_instances,
                    batch_size=batch_size,
                    update_conflicts=True,
                    unique_fields=["id"],
                    update_fields=[*self.get_bulk_update_fields(), "updated_at"],
                )
            except Exception as error:  # reported on the result like the library does
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.update_instances.clear()

    def get_bulk_update_fields(self):
        relations = {"campaign_id": "campaign", "team_id": "team", "venue_id": "venue"}
        names = [relations.get(name, name) for name in COMPARED_FIELDS]
        return [*names, "import_batch"] if self.batch is not None else names

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # Duplicate ids are found in the file and matched against the database already,
        # and the foreign keys were looked up in before_import_row: skip the per-row
        # uniqueness and existence queries full_clean would make.
        instance._known_campaign_teams = self._campaign_teams
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[*errors, "campaign", "team", "venue", "created_by", "reviewed_by"],
                validate_unique=False,
                validate_constraints=False,  # clean() checks the same, with clear messages
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            if errors:
                raise ValidationError(errors)
        except ValidationError as error:
            raise ValidationError(
                {
                    FIELD_COLUMNS.get(field, field): messages
                    for field, messages in error.message_dict.items()
                }
            ) from None


class ExistingSlots:
    """Existing events by (campaign, venue, day), read once when a row with a new id
    first needs them: such a row at an existing event's campaign, venue and day is a
    possible duplicate. Events whose ids the file itself has are left out (a re-import,
    or this import's own rows)."""

    def __init__(self, file_ids):
        self._file_ids = {normalise_text(value) for value in file_ids} - {""}
        self._slots = None

    def get(
        self, campaign_id: int, venue_id: int, day: datetime.date, *, with_id: bool
    ) -> str | None:
        """How to name the event at that slot ("id JN-7" or "event #12"), or None. A row
        without an id is matched to an id-less event there (an update, not a duplicate),
        so it is a possible duplicate only where every event of the slot has an id."""
        if self._slots is None:
            self._slots = {}
            events = OutreachEvent.objects.values_list(
                "pk", "campaign_id", "venue_id", "starts_at", "external_id"
            )
            for pk, campaign, venue, starts_at, external_id in events.iterator(2000):
                if external_id in self._file_ids:
                    continue
                key = (campaign, venue, _site_time(starts_at).date())
                name, idless = self._slots.get(key, (None, False))
                self._slots[key] = (
                    name
                    or (
                        _("id %(id)s") % {"id": external_id}
                        if external_id
                        else _("event #%(pk)s") % {"pk": pk}
                    ),
                    idless or not external_id,
                )
        name, idless = self._slots.get((campaign_id, venue_id, day), (None, False))
        return name if with_id or not idless else None


def _chinese_day(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _site_time(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment, timezone.get_default_timezone())


def _same_minute(a: datetime.datetime, b: datetime.datetime) -> bool:
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


def _same(name: str, old, new) -> bool:
    """Whether a cell repeats what the event already holds, as far as a spreadsheet can
    tell: times to the minute, text up to full-width forms and spaces, audiences as a set."""
    if old == new:
        return True
    if name in ("starts_at", "ends_at"):
        return old is not None and new is not None and _same_minute(old, new)
    if name in ("notes", "external_id"):
        return normalise_text(old) == normalise_text(new)
    if name == "audience_groups":
        return _groups(old) == _groups(new)
    return False


def _groups(audience: str) -> set[str]:
    return {group.strip() for group in audience.split(",")} - {""}


def log_import_result(result, *, user, filename: str) -> None:
    """Log what one django-import-export run created and changed: each updated row's
    event carries the snapshot the resource took when it matched it
    (OutreachEventResource.get_instance), so the old values need no extra query."""
    created = [row.instance for row in result.rows if row.import_type == "new"]
    updated = []
    for row in result.rows:
        old_values = getattr(row.instance, "_import_snapshot", None)
        if row.import_type == "update" and old_values is not None:
            before = copy.copy(row.instance)  # Django copies the related-object cache too
            for name, value in zip(COMPARED_FIELDS, old_values, strict=True):
                setattr(before, name, value)
            updated.append((row.instance, history.snapshot(before, materials=False)))
    history.log_imported(created=created, updated=updated, user=user, source=filename)
