"""Import outreach events from a CSV or XLSX file, with the same checks as the admin.

Exit codes: 0 imported (or a clean dry run), 1 rows are invalid and nothing was saved,
2 the file cannot be read.
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from campaigns.imports.reading import UnreadableFile
from campaigns.imports.service import import_events


class Command(BaseCommand):
    help = "Import outreach events from a spreadsheet (CSV in UTF-8 or GB18030, or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and report; save nothing."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Save the valid rows even if some rows are invalid.",
        )
        parser.add_argument(
            "--allow-duplicates",
            action="store_true",
            help="Import rows at an existing event's campaign, day and venue too.",
        )
        parser.add_argument("--user", help="Import as this user (their teams only).")

    def handle(
        self,
        *args,
        path: Path,
        dry_run: bool,
        skip_invalid: bool,
        user,
        allow_duplicates: bool = False,
        **options,
    ):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"No user called {user!r}.")
        try:
            content = path.read_bytes()
            report = import_events(
                content=content,
                filename=path.name,
                user=account,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                allow_duplicates=allow_duplicates,
            )
        except (OSError, UnreadableFile) as error:
            self.stderr.write(f"{path}: {error}")
            sys.exit(2)

        for notice in report.notices:  # the sheet read; columns and 合计 rows left out
            self.stdout.write(str(notice))
        for problem in report.problems:
            # The column as the file names it, and its letter: what the user looks for.
            column = problem.header or problem.column
            if column and problem.letter:
                column = f"{column} ({problem.letter})"
            where = f"row {problem.row}" + (f", column {column}" if column else "")
            self.stdout.write(f"{where}: {problem.message}")
        summary = (
            f"{report.new} new, {report.updated} updated, {report.unchanged} unchanged, "
            f"{report.invalid} invalid"
        )
        if report.saved:
            self.stdout.write(self.style.SUCCESS(f"Imported: {summary}."))
        elif dry_run and report.ok:
            self.stdout.write(f"Dry run, nothing saved: {summary}.")
        else:
            self.stdout.write(self.style.ERROR(f"Nothing saved: {summary}."))
        if report.problems and not report.saved:
            sys.exit(1)
