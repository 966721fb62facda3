"""Give pages whose slug is Chinese (saved before slugs were pinyin) their pinyin slug."""

from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Page

from core.cache_epoch import content_changed
from core.slugs import pinyin_slug, unique_slug


class Command(BaseCommand):
    help = (
        "Lists pages whose slug is not ASCII (a percent-encoded URL) with the pinyin slug "
        "they would get; --apply renames them. A live page's old URL then redirects to "
        "the new one (Wagtail's automatic redirects)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="rename them")

    def handle(self, *args, apply, **options):
        renamed = 0
        for page in Page.objects.filter(depth__gt=1).order_by("path").iterator():
            if page.slug.isascii():
                continue
            base, parent = pinyin_slug(page.title), page.get_parent()
            if not base:
                self.stdout.write(f"{page.pk}\t{page.url_path}\tno pinyin in the title, left")
                continue
            new_slug = unique_slug(base, parent=parent, page=page)
            self.stdout.write(f"{page.pk}\t{page.url_path}\t→ {new_slug}")
            if apply:
                with transaction.atomic():
                    page = page.specific_deferred
                    page.slug = new_slug
                    page.save(clean=False, update_fields=["slug", "url_path"])
                    content_changed()  # cached pages, links and routes hold the old URL
            renamed += 1
        verb = "Renamed" if apply else "Would rename"
        self.stdout.write(f"{verb} {renamed} page(s).")
