"""List (and with --delete remove) pages started in the admin and never published."""

from django.core.management.base import BaseCommand, CommandError
from wagtail.actions.delete_page import DeletePageAction

from core.drafts import UNFINISHED_AFTER_DAYS, unfinished_drafts


class Command(BaseCommand):
    help = (
        "Lists pages never published and not edited for --days days (default "
        f"{UNFINISHED_AFTER_DAYS}): what the admin's autosave left behind. --delete removes "
        "them (logged in the admin's history). Editors see the same list under Reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=UNFINISHED_AFTER_DAYS)
        parser.add_argument("--delete", action="store_true", help="delete them too")

    def handle(self, *args, days, delete, **options):
        if days < 1:
            raise CommandError(f"--days must be at least 1 (was {days}).")
        pages = list(unfinished_drafts(days=days))
        for page in pages:
            edited = page.latest_revision_created_at
            self.stdout.write(
                f"{page.pk}\t{edited:%Y-%m-%d}\t{page.url_path}\t{page.title}"
                if edited
                else f"{page.pk}\t-\t{page.url_path}\t{page.title}"
            )
            if delete:
                DeletePageAction(page, user=None).execute(skip_permission_checks=True)
        verb = "Deleted" if delete else "Found"
        self.stdout.write(f"{verb} {len(pages)} unfinished draft(s) older than {days} days.")
