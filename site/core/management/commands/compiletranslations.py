"""Compile the project's .po catalogues to .mo with Babel (no GNU gettext needed).

Django's own `compilemessages` shells out to msgfmt, which a fresh machine may not have.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile site/locale/**/*.po into .mo files."

    def handle(self, *args, **options):
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                with po_path.open("rb") as handle:
                    try:
                        catalog = read_po(handle, locale=po_path.parts[-3])
                    except Exception as error:  # babel raises several parse error types
                        raise CommandError(f"{po_path}: {error}") from error
                with po_path.with_suffix(".mo").open("wb") as handle:
                    write_mo(handle, catalog, use_fuzzy=False)
                compiled += 1
        self.stdout.write(f"Compiled {compiled} catalogue(s).")
