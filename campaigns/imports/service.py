"""Importing outreach events: read the table once, parse the cells, validate every row,
then write all or nothing (or, when asked, the valid rows).

Uploads are kept in the private storage (settings.STORAGES["private"]: local disk, or a
private bucket when one is configured), never at a public address: a preview waiting for
the user's confirmation under imports/previews/, a background job's file under imports/.
Previews never confirmed are deleted after a day (discard_unconfirmed_previews, beat).
"""

import datetime
import logging
import uuid
from dataclasses import dataclass, field

import tablib
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ImportJob
from .cells import CHINESE_HEADERS, REQUIRED_COLUMNS, normalise_text
from .reading import (
    MAX_ROWS,
    Table,
    TooManyRows,
    UnreadableFile,
    read_table,
    required_headers,
)
from .resource import ExistingSlots, OutreachEventResource, log_import_result

logger = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 50 * 1024 * 1024
# Without a task worker (no broker: tasks run inline) a background import runs inside the
# web request; this many rows import in seconds, far inside the server's 120 s timeout.
INLINE_NO_WORKER_MAX_ROWS = 20_000
IMPORT_CHUNK_ROWS = 5000


@dataclass
class RowProblem:
    row: int  # line in the spreadsheet, as the user's spreadsheet program numbers it
    column: str  # the column's key (e.g. "attendance"), or "" for the whole row
    message: str
    header: str = ""  # the column's header as the file names it (e.g. "避免损失(元)")
    letter: str = ""  # the column's letter as the spreadsheet shows it (e.g. "L")


@dataclass
class ImportReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    saved: bool = False
    problems: list = field(default_factory=list)
    unknown_columns: list = field(default_factory=list)
    notices: list = field(default_factory=list)  # rows and columns read but not imported
    sheet: str = ""  # the workbook's sheet that was read

    @property
    def ok(self) -> bool:
        return not self.problems


def read_spreadsheet(content: bytes, filename: str, *, max_rows: int = MAX_ROWS) -> Table:
    """The events table of a CSV (UTF-8 with or without BOM, or GB18030/GBK) or XLSX
    file, found below any title and note rows (reading.read_table), within the caps of
    reading (rows, columns, cell length; an XLSX's unpacked size and packing ratio)."""
    if not content or content.isspace():  # (not strip(): that copies the whole file)
        raise UnreadableFile(_("The file is empty."))
    if len(content) > MAX_IMPORT_BYTES:
        raise UnreadableFile(_("The file is larger than 50 MB; split it into smaller files."))
    return read_table(content, filename, max_rows=max_rows)


def has_task_worker() -> bool:
    """Whether tasks go to a queue and a worker; without a broker (the demo) they run
    inline, in the web request that starts them."""
    return not settings.CELERY_TASK_ALWAYS_EAGER


def read_upload(content: bytes, filename: str) -> Table:
    """An upload from the admin: without a worker a large import would run inside the
    web request, so past INLINE_NO_WORKER_MAX_ROWS the file is refused, read no further."""
    if has_task_worker():
        return read_spreadsheet(content, filename)
    try:
        return read_spreadsheet(content, filename, max_rows=INLINE_NO_WORKER_MAX_ROWS)
    except TooManyRows as error:
        raise UnreadableFile(
            _(
                "This installation has no background worker, so an import runs while you "
                "wait and may have at most %(limit)s rows of events; split the file, or "
                "ask the administrator to start the task worker."
            )
            % {"limit": f"{error.limit:,}"}
        ) from None


def duplicated_ids(table: Table) -> set[str]:
    """External ids that appear on more than one row of the file."""
    seen, duplicates = set(), set()
    for value in table.column("external_id"):
        key = normalise_text(value)
        if key and key in seen:
            duplicates.add(key)
        seen.add(key)
    return duplicates


def import_events(*, content: bytes, filename: str, **options) -> ImportReport:
    """Read the file's table, then import it (import_table)."""
    return import_table(read_spreadsheet(content, filename), filename=filename, **options)


def import_table(
    table: Table,
    *,
    filename: str,
    user=None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    allow_duplicates: bool = False,
    progress=None,
    batch: ImportJob | None = None,
) -> ImportReport:
    """Validate the whole table first; save only when every row is valid, or, when the
    user asks, only the valid rows. A dry run saves nothing and reports what would happen.
    A row with a new id at an existing event's campaign, day and venue is refused as a
    possible duplicate unless allow_duplicates. The events created or changed point to
    BATCH (OutreachEvent.import_batch) when one is given."""
    report = ImportReport(
        unknown_columns=table.unknown_columns, notices=list(table.notices), sheet=table.sheet
    )
    missing = [column for column in REQUIRED_COLUMNS if column not in table.headers]
    if missing:
        report.problems.append(
            RowProblem(
                1,
                "",
                _("Required columns are missing: %(columns)s")
                % {"columns": required_headers(missing)},
            )
        )
        return report
    if not len(table) and not table.rejected:
        report.problems.append(RowProblem(2, "", _("The file has a header row but no events.")))
        return report
    # rows too large to read (reading.MAX_CELL_CHARS, MAX_COLUMNS) are invalid rows
    report.problems.extend(
        RowProblem(line, column, message, header, table.letters.get(column, ""))
        for line, column, header, message in table.rejected
    )

    def problem(index: int, column: str, message) -> RowProblem:
        """index: the row's place in the table, counted from 1 as import-export does."""
        line = table.lines[index - 1]
        header = table.labels.get(column) or CHINESE_HEADERS.get(column, "")
        return RowProblem(line, column, str(message), header, table.letters.get(column, ""))

    # One pass, in chunks so memory stays flat: rows are validated and written in
    # batches inside one transaction, rolled back when any row is invalid (unless the user
    # asked to skip those rows) or when this is only a dry run.
    duplicate_ids = duplicated_ids(table)
    slots = None if allow_duplicates else ExistingSlots(table.column("external_id"))
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
                existing_slots=slots,
                batch=batch,
            )
            result = resource.import_data(
                chunk, dry_run=False, use_transactions=False, retain_instance_in_row_result=True
            )
            log_import_result(result, user=user, filename=filename)
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
        report.invalid = len(invalid_rows) + len(table.rejected)
        report.problems.sort(key=lambda problem: (problem.row, problem.column))
        if dry_run or failed or (report.invalid and not skip_invalid):
            transaction.set_rollback(True)
            return report  # nothing was kept
    report.saved = True
    return report


def import_batch(
    *, content: bytes, filename: str, user, skip_invalid: bool, allow_duplicates: bool
) -> tuple[ImportReport, ImportJob | None]:
    """A confirmed upload, imported during the request as one batch: an ImportJob records
    it (as a background import's does), and the events it creates or changes point to it.
    When nothing is saved, no batch is left either."""
    with transaction.atomic():
        batch = ImportJob.objects.create(
            user=user,
            filename=filename,
            skip_invalid=skip_invalid,
            allow_duplicates=allow_duplicates,
            status=ImportJob.Status.RUNNING,
        )
        report = import_events(
            content=content,
            filename=filename,
            user=user,
            skip_invalid=skip_invalid,
            allow_duplicates=allow_duplicates,
            batch=batch,
        )
        if not report.saved:
            transaction.set_rollback(True)
            return report, None
        finish_job(batch, report)
    return report, batch


def report_as_json(report: ImportReport) -> dict:
    """What a job keeps of its report (the first 500 problems, 100 notices)."""
    return {
        "new": report.new,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "invalid": report.invalid,
        "saved": report.saved,
        "problems": [[p.row, _column_named(p), str(p.message)] for p in report.problems[:500]],
        "notices": [str(notice) for notice in report.notices[:100]],
    }


def finish_job(job: ImportJob, report: ImportReport) -> None:
    job.status, job.error = ImportJob.Status.DONE, ""
    job.report = report_as_json(report)
    job.total_rows = job.total_rows or report.new + report.updated + report.unchanged + (
        report.invalid
    )
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "report", "total_rows", "finished_at"])


# --- Stored uploads ------------------------------------------------------------------------
INLINE_IMPORT_MAX_ROWS = 2000
PROGRESS_KEY = "campaigns:import-progress:{job_id}"
JOBS = "imports"
PREVIEWS = "imports/previews"
PREVIEW_LIFETIME = datetime.timedelta(days=1)


def private_storage():
    return storages["private"]


def job_file(job: ImportJob) -> str:
    """The name of a background import's file in the private storage."""
    return f"{JOBS}/{job.stored_as}"


def store_preview(content: bytes) -> str:
    """Keep an upload until the user confirms its preview; returns its token."""
    token = uuid.uuid4().hex
    private_storage().save(f"{PREVIEWS}/{token}", ContentFile(content))
    return token


def take_preview(token: str) -> bytes | None:
    """The upload kept for this preview, removed from storage; None once it is gone."""
    storage, name = private_storage(), f"{PREVIEWS}/{token}"
    if not storage.exists(name):
        return None
    try:
        with storage.open(name, "rb") as stored:
            return stored.read()
    finally:
        storage.delete(name)


def discard_unconfirmed_previews(*, older_than: datetime.timedelta = PREVIEW_LIFETIME) -> int:
    """Delete previews the user never confirmed (left the page, closed the browser)."""
    storage = private_storage()
    if not storage.exists(PREVIEWS):
        return 0
    cutoff = timezone.now() - older_than
    _folders, names = storage.listdir(PREVIEWS)
    stale = [name for name in names if storage.get_modified_time(f"{PREVIEWS}/{name}") < cutoff]
    for name in stale:
        storage.delete(f"{PREVIEWS}/{name}")
    return len(stale)


# --- Background imports ----------------------------------------------------------------
def create_import_job(
    *,
    content: bytes,
    filename: str,
    user,
    skip_invalid: bool,
    rows: int,
    allow_duplicates: bool = False,
):
    """Store the upload privately and record the job (the caller sends it to a worker
    once this transaction commits: tasks.queue_import)."""
    stored_as = uuid.uuid4().hex
    job = ImportJob(
        user=user,
        filename=filename,
        stored_as=stored_as,
        skip_invalid=skip_invalid,
        allow_duplicates=allow_duplicates,
        total_rows=rows,
    )
    private_storage().save(job_file(job), ContentFile(content))
    job.save()
    cache.set(PROGRESS_KEY.format(job_id=job.pk), 0, 24 * 3600)
    return job


def unsent_import_jobs() -> list[int]:
    """Jobs uploaded while the task queue was unreachable, a minute or more ago."""
    return list(
        ImportJob.objects.filter(
            status=ImportJob.Status.QUEUED,
            sent_at__isnull=True,
            created_at__lt=timezone.now() - datetime.timedelta(minutes=1),
        ).values_list("pk", flat=True)
    )


def mark_import_sent(job_id: int) -> None:
    ImportJob.objects.filter(pk=job_id, sent_at__isnull=True).update(
        sent_at=timezone.now(), error=""
    )


def mark_import_unsent(job_id: int) -> None:
    ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        error=_(
            "The task queue could not be reached. Your file is saved and nothing is "
            "lost: it will be sent again automatically within minutes, or press "
            "“Retry now”."
        )
    )


def run_import(job_id: int) -> None:
    """Run a queued import: validate everything, then save all-or-nothing (or the valid
    rows).

    The rows and the job's outcome are written in one transaction, so a worker killed at
    any moment leaves either nothing or everything, and the job still says what happened.
    The job row stays locked meanwhile: a second delivery of the same task (Redis hands a
    message out again after a crash) skips a job that is running and finds a finished one
    done. Re-running after a crash therefore ends exactly as an uninterrupted run would.
    """
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

        storage, name = private_storage(), job_file(job)
        try:
            with storage.open(name, "rb") as stored:
                content = stored.read()
            report = import_events(
                content=content,
                filename=job.filename,
                user=job.user,
                skip_invalid=job.skip_invalid,
                allow_duplicates=job.allow_duplicates,
                progress=progress,
                batch=job,
            )
        except UnreadableFile as error:
            job.status, job.error = ImportJob.Status.FAILED, str(error)
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "finished_at"])
        else:
            finish_job(job, report)
            transaction.on_commit(lambda: storage.delete(name))
    cache.set(key, 100, 24 * 3600)


def _column_named(problem: RowProblem) -> str:
    """ "第 L 列 避免损失(元)": the column's letter and its header as the file names it."""
    letter = _("column %(letter)s") % {"letter": problem.letter} if problem.letter else ""
    return " ".join(part for part in (letter, problem.header) if part)


def import_progress(job) -> int:
    if job.status in ("done", "failed"):
        return 100
    return cache.get(PROGRESS_KEY.format(job_id=job.pk), 0)
