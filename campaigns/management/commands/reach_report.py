"""Print or save the reach report (approved events only) as JSON, CSV or XLSX.

CSV and XLSX carry Chinese labels (``--language en``: English; ``--codes``: the internal
names, as JSON always does); XLSX has typed numbers and a bar chart per breakdown."""

import datetime
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaigns.exporting import report_to_csv, report_to_xlsx
from campaigns.models import Campaign, Team
from campaigns.permissions import CommandLineUser
from campaigns.reach import ReachFilters
from campaigns.selectors import reach_report_document


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (use YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Reach figures with breakdowns by venue type, audience, district, format and month."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", help="campaign slug")
        parser.add_argument("--team", help="team name")
        parser.add_argument("--from", dest="date_from", type=_date)
        parser.add_argument("--to", dest="date_to", type=_date)
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
        parser.add_argument("--output", type=Path, help="file to write (default: standard output)")
        parser.add_argument(
            "--language",
            choices=["zh", "en"],
            default="zh",
            help="labels of CSV/XLSX: Chinese (default) or English",
        )
        parser.add_argument(
            "--codes",
            action="store_true",
            help="CSV/XLSX with the internal names and codes instead of labels (for systems)",
        )

    def handle(
        self, *args, campaign, team, date_from, date_to, format, output, language, codes, **options
    ):
        filters = ReachFilters(
            campaign=self._get(Campaign, slug=campaign) if campaign else None,
            team=self._get(Team, name=team) if team else None,
            date_from=date_from,
            date_to=date_to,
        )
        if filters.backwards:
            raise CommandError("--to is before --from.")
        document = reach_report_document(user=CommandLineUser(), filters=filters)
        labels = None if codes else {"zh": "zh-hans", "en": "en"}[language]
        if format == "json":
            content = json.dumps(document, ensure_ascii=False, indent=2, default=str).encode()
        elif format == "csv":
            content = report_to_csv(document, language=labels)
        else:
            if output is None:
                raise CommandError("XLSX is binary: give --output PATH.")
            content = report_to_xlsx(document, language=labels)
        if output:
            output.write_bytes(content)
            self.stdout.write(f"Wrote {output}")
        else:
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.write(b"\n")

    @staticmethod
    def _get(model, **lookup):
        found = model.objects.filter(**lookup).first()
        if found is None:
            ((field, value),) = lookup.items()
            raise CommandError(f"No {model._meta.verbose_name} with {field} {value!r}.")
        return found
