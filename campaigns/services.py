"""Writes for campaigns: event workflow, reach rollups and tracked-link scans."""

import datetime
import hashlib
import hmac
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from . import history, permissions
from .importing import REQUIRED_COLUMNS, Table, UnreadableFile, normalise_text, read_table
from .models import (
    CountMethod,
    DailyReach,
    EventStatus,
    LinkVisit,
    OutreachEvent,
    ReachDimension,
    TrackedLink,
    Venue,
)

logger = logging.getLogger(__name__)

SUMMED_FIELDS = (
    "attendance",
    "elders",
    "students",
    "general_public",
    "materials_distributed",
    "warnings",
    "help_requests",
)
METHOD_COLUMNS = {
    CountMethod.HEADCOUNT: "headcount_events",
    CountMethod.SIGN_IN: "sign_in_events",
    CountMethod.ESTIMATE: "estimate_events",
}


# --- Reach rollups ---------------------------------------------------------------------
@dataclass(frozen=True)
class Contribution:
    """What one approved event adds to the rollups."""

    day: datetime.date
    campaign_id: int
    team_id: int
    keys: tuple[tuple[str, str], ...]
    values: tuple[tuple[str, object], ...] = field(default=())


def contribution_of(
    *,
    status,
    starts_at,
    campaign_id,
    team_id,
    venue_id,
    format,
    attendance_method,
    money_protected_yuan,
    venue=None,
    materials=None,
    **values,
):
    if status != EventStatus.APPROVED:
        return None
    if venue is None:
        venue = Venue.objects.only("venue_type", "district").get(pk=venue_id)
    material_keys = tuple(
        (ReachDimension.MATERIAL, f"{material_id}:{quantity}")
        for material_id, quantity in sorted(materials or ())
    )
    numbers = {name: values[name] or 0 for name in SUMMED_FIELDS}
    numbers["events"] = 1
    numbers["money_protected_yuan"] = money_protected_yuan or Decimal(0)
    numbers[METHOD_COLUMNS[attendance_method]] = 1
    return Contribution(
        day=timezone.localtime(starts_at).date(),
        campaign_id=campaign_id,
        team_id=team_id,
        keys=(
            (ReachDimension.TOTAL, "all"),
            (ReachDimension.VENUE_TYPE, venue.venue_type),
            (ReachDimension.DISTRICT, venue.district),
            (ReachDimension.FORMAT, format),
            *material_keys,
        ),
        values=tuple(sorted(numbers.items())),
    )


ROLLUP_SOURCE_FIELDS = (
    "status",
    "starts_at",
    "campaign_id",
    "team_id",
    "venue_id",
    "format",
    "attendance_method",
    "money_protected_yuan",
    *SUMMED_FIELDS,
)


def event_state(event: OutreachEvent) -> dict:
    """The fields the rollups depend on, with the event's material lines as stored."""
    state = {name: getattr(event, name) for name in ROLLUP_SOURCE_FIELDS}
    state["materials"] = (
        tuple(event.material_lines.values_list("material_id", "quantity"))
        if event.pk and event.status == EventStatus.APPROVED
        else ()
    )
    return state


def _apply(contribution: Contribution | None, sign: int) -> None:
    if contribution is None:
        return
    for dimension, key in contribution.keys:
        values = dict(contribution.values)
        if dimension == ReachDimension.MATERIAL:
            # One row per material: its copies and the events that handed it out.
            key, quantity = key.split(":")
            values = {"events": 1, "materials_distributed": int(quantity)}
        lookup = {
            "dimension": dimension,
            "key": key,
            "day": contribution.day,
            "campaign_id": contribution.campaign_id,
            "team_id": contribution.team_id,
        }
        changes = {name: F(name) + sign * value for name, value in values.items()}
        if DailyReach.objects.filter(**lookup).update(**changes):
            continue
        if sign < 0:  # pragma: no cover - only if rollups were edited by hand
            raise RuntimeError(f"reach rollup row missing for {lookup}")
        try:
            with transaction.atomic():
                DailyReach.objects.create(**lookup, **values)
        except IntegrityError:  # created concurrently: add to it instead
            DailyReach.objects.filter(**lookup).update(**changes)


def update_rollups(before: dict | None, after: dict | None, *, venue=None) -> None:
    """Move an event's figures in the rollups from its old state to its new one."""
    old = contribution_of(**before) if before else None
    new = contribution_of(**after, venue=venue) if after else None
    if old == new:
        return
    with transaction.atomic():
        _apply(old, -1)
        _apply(new, +1)


ROLLUP_FIGURES = (
    "events",
    *SUMMED_FIELDS,
    "money_protected_yuan",
    "headcount_events",
    "sign_in_events",
    "estimate_events",
)
ROLLUP_KEY = ("dimension", "key", "day", "campaign_id", "team_id")


def _lock_rollups() -> None:
    # On PostgreSQL, approvals (which update rollups) wait until the rebuild commits, and
    # the rebuild reads only approvals committed before it: none is lost or counted twice.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {DailyReach._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")


def rebuild_reach_rollups() -> int:
    """Recompute every rollup row from the approved events (one GROUP BY per dimension)."""
    from .selectors import rollup_rows_from_events

    with transaction.atomic():
        _lock_rollups()
        DailyReach.objects.all().delete()
        rows = rollup_rows_from_events()
        DailyReach.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def repair_reach_rollups() -> int:
    """Compare the rollups with the approved events; rebuild them if any figure differs.

    Returns how many rollup rows were wrong (0 when all agree). The signals keep them
    exact, so anything else means a write bypassed them (a raw SQL fix, a restored backup).
    """
    from .selectors import rollup_rows_from_events

    def figures(values: dict) -> tuple:
        return tuple(values.get(name) or 0 for name in ROLLUP_FIGURES)

    with transaction.atomic():
        _lock_rollups()
        expected = {
            tuple(getattr(row, name) for name in ROLLUP_KEY): figures(row.__dict__)
            for row in rollup_rows_from_events()
        }
        stored = {
            tuple(row[name] for name in ROLLUP_KEY): figures(row)
            for row in DailyReach.objects.values(*ROLLUP_KEY, *ROLLUP_FIGURES)
        }
        empty = figures({})
        wrong = sum(
            1
            for key in expected.keys() | stored.keys()
            if expected.get(key, empty) != stored.get(key, empty)
        )
        if wrong:
            logger.warning("reach rollups: %s rows disagreed with the events; rebuilt", wrong)
            rebuild_reach_rollups()
    return wrong


def venue_changed(venue: Venue, before: dict) -> None:
    """A venue's type or district moved: move its approved events' figures with it."""
    if before == {"venue_type": venue.venue_type, "district": venue.district}:
        return
    old_venue = Venue(pk=venue.pk, **before)
    for event in OutreachEvent.objects.filter(venue=venue, status=EventStatus.APPROVED):
        state = event_state(event)
        with transaction.atomic():
            _apply(contribution_of(**state, venue=old_venue), -1)
            _apply(contribution_of(**state, venue=venue), +1)


# --- Event workflow --------------------------------------------------------------------
def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@transaction.atomic
def submit_event(*, event: OutreachEvent, user) -> OutreachEvent:
    _require(permissions.can_submit_event(user, event))
    event.full_clean()
    event.status = EventStatus.SUBMITTED
    event.save()
    log(instance=event, action="campaigns.submit", user=user)
    return event


@transaction.atomic
def approve_event(*, event: OutreachEvent, user, comment: str = "") -> OutreachEvent:
    _require(permissions.can_review_event(user, event))
    if event.status != EventStatus.SUBMITTED:
        raise ValidationError(_("Only submitted events can be approved."))
    event.status = EventStatus.APPROVED
    event.review_comment = comment
    event.reviewed_by = user
    event.reviewed_at = timezone.now()
    event.save()
    log(instance=event, action="campaigns.approve", user=user, data={"comment": comment})
    return event


@transaction.atomic
def return_event(*, event: OutreachEvent, user, comment: str) -> OutreachEvent:
    """Send an event back to its coordinator with the reason (email and admin notice)."""
    _require(permissions.can_review_event(user, event))
    if not comment.strip():
        raise ValidationError({"comment": _("Say what needs to change.")})
    event.status = EventStatus.RETURNED
    event.review_comment = comment.strip()
    event.reviewed_by = user
    event.reviewed_at = timezone.now()
    event.save()
    log(instance=event, action="campaigns.return", user=user, data={"comment": comment})
    recipient = event.created_by
    if recipient and recipient.email:
        edit_url = settings.WAGTAILADMIN_BASE_URL + reverse(
            "campaigns_events:edit", args=[event.pk]
        )
        transaction.on_commit(
            lambda: send_mail(
                subject=_("Outreach event returned: %(event)s") % {"event": event},
                message=_(
                    "%(reviewer)s returned your event “%(event)s”:\n\n%(comment)s\n\n"
                    "Correct it here: %(url)s"
                )
                % {
                    "reviewer": user.get_full_name() or user.get_username(),
                    "event": event,
                    "comment": event.review_comment,
                    "url": edit_url,
                },
                from_email=None,
                recipient_list=[recipient.email],
                fail_silently=True,
            )
        )
    return event


# --- Tracked links ---------------------------------------------------------------------
def visitor_fingerprint(request, day: datetime.date) -> str:
    """A daily-rotating, salted hash of address + browser: counts unique visitors per day
    without storing anything that identifies a person, even across days."""
    address = request.META.get("REMOTE_ADDR", "")
    agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    daily_salt = hmac.new(
        settings.SECRET_KEY.encode(), f"tracked-links:{day.isoformat()}".encode(), hashlib.sha256
    ).digest()
    return hmac.new(daily_salt, f"{address}|{agent}".encode(), hashlib.sha256).hexdigest()[:32]


def record_scan(*, link: TrackedLink, request) -> None:
    """One statement: add a scan to today's row for this visitor, creating it if new."""
    day = timezone.localdate()
    table = LinkVisit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (link_id, day, visitor, scans) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (link_id, day, visitor) DO UPDATE SET scans = {table}.scans + 1",
            [link.pk, day, visitor_fingerprint(request, day)],
        )


# --- Spreadsheet import ----------------------------------------------------------------
MAX_IMPORT_BYTES = 50 * 1024 * 1024
IMPORT_CHUNK_ROWS = 5000


@dataclass
class RowProblem:
    row: int  # line in the spreadsheet, as the user's spreadsheet program numbers it
    column: str  # the column's key (e.g. "attendance"), or "" for the whole row
    message: str
    header: str = ""  # the column's header as the file names it (e.g. "参与人数")


@dataclass
class ImportReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    saved: bool = False
    problems: list = field(default_factory=list)
    unknown_columns: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_spreadsheet(content: bytes, filename: str) -> Table:
    """The events table of a CSV (UTF-8 with or without BOM, or GB18030/GBK) or XLSX
    file, found below any title and note rows (campaigns.importing.read_table)."""
    if not content or not content.strip():
        raise UnreadableFile(_("The file is empty."))
    if len(content) > MAX_IMPORT_BYTES:
        raise UnreadableFile(_("The file is larger than 50 MB; split it into smaller files."))
    return read_table(content, filename)


def duplicated_ids(table: Table) -> set[str]:
    """External ids that appear on more than one row of the file."""
    seen, duplicates = set(), set()
    for value in table.column("external_id"):
        key = normalise_text(value)
        if key and key in seen:
            duplicates.add(key)
        seen.add(key)
    return duplicates


def import_events(
    *,
    content: bytes,
    filename: str,
    user=None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress=None,
) -> ImportReport:
    """Validate the whole file first; save only when every row is valid, or, when the user
    asks, only the valid rows. A dry run saves nothing and reports what would happen."""
    import tablib

    from .resources import OutreachEventResource

    table = read_spreadsheet(content, filename)
    report = ImportReport(unknown_columns=table.unknown_columns)
    missing = [column for column in REQUIRED_COLUMNS if column not in table.headers]
    if missing:
        report.problems.append(
            RowProblem(
                1,
                ", ".join(missing),
                _("Required columns are missing: %(columns)s") % {"columns": ", ".join(missing)},
            )
        )
        return report
    if not len(table):
        report.problems.append(RowProblem(2, "", _("The file has a header row but no events.")))
        return report

    def problem(index: int, column: str, message) -> RowProblem:
        """index: the row's place in the table, counted from 1 as import-export does."""
        line = table.lines[index - 1]
        return RowProblem(line, column, str(message), table.labels.get(column, column))

    # One pass, in chunks so memory stays flat: rows are validated and written in
    # batches inside one transaction, rolled back when any row is invalid (unless the user
    # asked to skip those rows) or when this is only a dry run.
    duplicate_ids = duplicated_ids(table)
    invalid_rows, failed = set(), False
    with transaction.atomic():
        for offset in range(0, len(table), IMPORT_CHUNK_ROWS):
            chunk = tablib.Dataset(
                *table.rows[offset : offset + IMPORT_CHUNK_ROWS], headers=table.headers
            )
            resource = OutreachEventResource(
                user=user,
                progress=progress,
                duplicate_ids=duplicate_ids,
                header_labels=table.labels,
            )
            result = resource.import_data(
                chunk, dry_run=False, use_transactions=False, retain_instance_in_row_result=True
            )
            history.log_import_result(result, user=user, filename=filename)
            for invalid in result.invalid_rows:
                invalid_rows.add(offset + invalid.number)
                for column, messages in invalid.error_dict.items():
                    report.problems.extend(
                        problem(offset + invalid.number, column, m) for m in messages
                    )
            for number, errors in result.row_errors():
                invalid_rows.add(offset + number)
                failed = True
                report.problems.extend(problem(offset + number, "", e.error) for e in errors)
            totals = result.totals
            report.new += totals.get("new", 0)
            report.updated += totals.get("update", 0)
            report.unchanged += totals.get("skip", 0)
            if failed:
                break  # an unexpected error: nothing will be kept
        report.invalid = len(invalid_rows)
        report.problems.sort(key=lambda problem: (problem.row, problem.column))
        if dry_run or failed or (invalid_rows and not skip_invalid):
            transaction.set_rollback(True)
            return report  # nothing was kept
    report.saved = True
    return report


# --- Background imports ----------------------------------------------------------------
INLINE_IMPORT_MAX_ROWS = 2000
PROGRESS_KEY = "campaigns:import-progress:{job_id}"


def queue_import(*, content: bytes, filename: str, user, skip_invalid: bool):
    """Store the upload privately and hand it to a worker once the job row is committed."""
    import uuid

    from django.core.cache import cache

    from .models import ImportJob

    dataset_rows = len(read_spreadsheet(content, filename))
    stored_as = uuid.uuid4().hex
    (import_dir() / stored_as).write_bytes(content)
    job = ImportJob.objects.create(
        user=user,
        filename=filename,
        stored_as=stored_as,
        skip_invalid=skip_invalid,
        total_rows=dataset_rows,
    )
    cache.set(PROGRESS_KEY.format(job_id=job.pk), 0, 24 * 3600)
    transaction.on_commit(lambda: send_import_job(job.pk))
    return job


def send_import_job(job_id: int) -> bool:
    """Hand a stored import to the task queue. If the queue cannot be reached the job
    stays queued with a note saying so; the file is kept, and resend_unsent_imports (beat)
    or the Retry button on the job page sends it again."""
    from kombu.exceptions import OperationalError as BrokerUnavailable

    from .models import ImportJob
    from .tasks import run_import_job

    try:
        run_import_job.delay(job_id)
    except (BrokerUnavailable, OSError) as error:
        logger.warning("import job %s not sent, task queue unavailable: %s", job_id, error)
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
            error=_(
                "The task queue could not be reached. Your file is saved and nothing is "
                "lost: it will be sent again automatically within minutes, or press "
                "“Retry now”."
            )
        )
        return False
    ImportJob.objects.filter(pk=job_id, sent_at__isnull=True).update(
        sent_at=timezone.now(), error=""
    )
    return True


def import_dir():
    from pathlib import Path

    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_import(job_id: int) -> None:
    """Run a queued import: validate everything, then save all-or-nothing (or the valid
    rows).

    The rows and the job's outcome are written in one transaction, so a worker killed at
    any moment leaves either nothing or everything, and the job still says what happened.
    The job row stays locked meanwhile: a second delivery of the same task (Redis hands a
    message out again after a crash) skips a job that is running and finds a finished one
    done. Re-running after a crash therefore ends exactly as an uninterrupted run would.
    """
    from django.core.cache import cache

    from .models import ImportJob

    key = PROGRESS_KEY.format(job_id=job_id)
    if not ImportJob.objects.filter(pk=job_id).exclude(status=ImportJob.Status.DONE).exists():
        return
    # Progress goes to the cache: the import's own transaction hides database writes.
    ImportJob.objects.filter(pk=job_id).exclude(status=ImportJob.Status.DONE).update(
        status=ImportJob.Status.RUNNING
    )
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(skip_locked=True)
            .select_related("user")
            .filter(pk=job_id)
            .exclude(status=ImportJob.Status.DONE)
            .first()
        )
        if job is None:
            return  # finished meanwhile, or another worker is running it right now
        done = [0]

        def progress(rows):
            done[0] += rows
            cache.set(key, min(99, int(100 * done[0] / max(1, job.total_rows))), 24 * 3600)

        path = import_dir() / job.stored_as
        try:
            report = import_events(
                content=path.read_bytes(),
                filename=job.filename,
                user=job.user,
                skip_invalid=job.skip_invalid,
                progress=progress,
            )
        except UnreadableFile as error:
            job.status, job.error = ImportJob.Status.FAILED, str(error)
        else:
            job.status, job.error = ImportJob.Status.DONE, ""
            job.report = {
                "new": report.new,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "invalid": report.invalid,
                "saved": report.saved,
                "problems": [
                    [p.row, p.header or p.column, str(p.message)] for p in report.problems[:500]
                ],
            }
            transaction.on_commit(lambda: path.unlink(missing_ok=True))
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "report", "finished_at"])
    cache.set(key, 100, 24 * 3600)


def import_progress(job) -> int:
    from django.core.cache import cache

    if job.status in ("done", "failed"):
        return 100
    return cache.get(PROGRESS_KEY.format(job_id=job.pk), 0)
