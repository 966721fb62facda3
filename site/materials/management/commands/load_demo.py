"""Load the demo site from fixtures/demo/: media, snippets, pages in Chinese and English.

English versions are made through wagtail-localize, as a translator's would be: the
Chinese page or snippet becomes a TranslationSource, the fixture's English fills its
segments (matched by field and block path), and the translation is saved from them. So
each English page or snippet is a synced translation that opens in the localize editor.

Safe to run again: content is created once (detected by the Chinese home page), accounts and
settings are brought back to their documented state, and the search index is rebuilt.
"""

import json
import re
from collections import defaultdict
from datetime import date, datetime, time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files import File
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)
from wagtail_localize.segments.extract import extract_segments
from wagtail_localize.segments.types import StringSegmentValue

from core.models import HomeFeaturedItem, HomePage, SiteSettings
from materials.models import (
    AlertIndexPage,
    AlertPage,
    Audience,
    AudienceLandingPage,
    CaseStudyPage,
    GuidePage,
    HelpPage,
    InformationPage,
    MaterialIndexPage,
    Playlist,
    PlaylistItem,
    PosterPage,
    ScamType,
    VideoCaption,
    VideoPage,
)

DEFAULT_CONTENT = Path(settings.BASE_DIR) / "fixtures" / "demo" / "content.json"
ZH, EN = "zh-hans", "en"
CJK = re.compile(r"[\u3400-\u9fff]")

# Local-only demo accounts (documented in the README). Never use these in production.
DEMO_USERS = [
    # username, password, groups, superuser
    ("admin", "fangzha-admin", [], True),
    ("editor", "fangzha-editor", ["Editors"], False),
    ("reviewer", "fangzha-reviewer", ["Moderators"], False),
]


class Command(BaseCommand):
    help = "Load the demo content (idempotent): media, scam types, materials and accounts."

    def add_arguments(self, parser):
        parser.add_argument("--content", type=Path, default=DEFAULT_CONTENT)
        parser.add_argument("--no-users", action="store_true", help="Skip the demo accounts.")
        parser.add_argument(
            "--host",
            default="127.0.0.1:8000",
            help="host[:port] the demo is served on; canonical URLs and QR codes use it.",
        )

    def handle(self, *args, content: Path, no_users: bool, host: str, **options):
        if not content.exists():
            raise CommandError(f"Demo content file not found: {content}")
        data = json.loads(content.read_text(encoding="utf-8"))
        self.media_dir = content.parent / "media"
        self.zh = Locale.objects.get_or_create(language_code=ZH)[0]
        self.en = Locale.objects.get_or_create(language_code=EN)[0]

        home = HomePage.objects.filter(locale=self.zh).first()
        if home is not None:
            self.stdout.write("Demo content is already loaded; leaving pages as they are.")
            if "help" in data and not HelpPage.objects.filter(locale=self.zh).exists():
                with transaction.atomic():  # a demo loaded before the help page existed
                    self.make_help(home, data["help"])
            with transaction.atomic():  # ... or before the landing and information pages
                self.add_missing_pages(home, data)
        else:
            with transaction.atomic():
                self.load_content(data)
            self.stdout.write(self.style.SUCCESS("Demo content loaded."))
        with transaction.atomic():  # also for a demo loaded before playlists existed
            self.load_playlists(data.get("playlists", []))
        self.load_site_settings(data.get("site", {}))
        self.point_site_at(host)
        if not no_users:
            self.load_users()
        call_command("update_index", verbosity=0)

    # --- helpers ---------------------------------------------------------------------------
    @staticmethod
    def text(value, locale=ZH, default=""):
        if isinstance(value, dict):
            return value.get(locale) or (value.get(ZH, default) if locale == ZH else default)
        return value if value is not None else default

    def publish(self, page):
        page.save_revision().publish()
        page.refresh_from_db()
        return page

    def translate(self, page, spec, fields, extra=None):
        """Create and publish the English version when the spec has an English title."""
        if not self.text(spec.get("title"), EN):
            return None
        english = type(page).objects.get(pk=page.pk)  # the Chinese page, in English below
        for field in fields:
            en_value = self.text(spec.get(field), EN)
            if en_value:
                setattr(english, field, en_value)
        english.title = self.text(spec["title"], EN)
        for key, value in (extra or {}).items():
            if key in self.stream_fields(page):
                chinese = list(getattr(english, key).raw_data)  # as saved, with ids
                value = json.dumps(with_ids_of(json.loads(value), chinese), ensure_ascii=False)
            setattr(english, key, value)
        translated = self.translate_with_localize(page, english)
        translated.get_latest_revision().publish()
        translated.refresh_from_db()
        return translated

    @staticmethod
    def stream_fields(instance) -> list[str]:
        return [f.name for f in instance._meta.fields if isinstance(f, StreamField)]

    def translate_with_localize(self, source_instance, english_instance):
        """The English version of SOURCE_INSTANCE made by wagtail-localize from the strings
        of ENGLISH_INSTANCE (the same object with English values): a page is saved as a
        draft of its translation, a snippet saved."""
        source, _ = TranslationSource.get_or_create_from_instance(source_instance)
        translation, _ = Translation.objects.get_or_create(source=source, target_locale=self.en)
        english = defaultdict(list)
        for segment in extract_segments(english_instance):
            if isinstance(segment, StringSegmentValue):
                english[segment.path].append(segment.string.data)
        used = defaultdict(int)
        segments = StringSegment.objects.filter(source=source).select_related("string", "context")
        for segment in segments.order_by("order"):
            path = segment.context.path
            texts, index = english[path], used[path]
            used[path] += 1
            if index >= len(texts):
                raise CommandError(f"{source_instance}: {path} has fewer parts in English")
            if texts[index] == segment.string.data and CJK.search(texts[index]):
                continue  # no English in the fixture: the translator's to do
            StringTranslation.objects.update_or_create(
                translation_of_id=segment.string_id,
                locale=self.en,
                context_id=segment.context_id,
                defaults={
                    "data": texts[index],
                    "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
                },
            )
        for path, texts in english.items():
            if used[path] != len(texts):
                raise CommandError(f"{source_instance}: {path} has more parts in English")
        is_page = isinstance(source_instance, Page)
        translation.save_target(publish=not is_page)  # a page's draft is published by us
        translated = source_instance.get_translation(self.en)
        return translated.specific if is_page else translated

    # --- loading ---------------------------------------------------------------------------
    def load_content(self, data):
        self.images = {key: self.make_image(spec) for key, spec in data.get("images", {}).items()}
        self.image_alts = {key: spec["alt"] for key, spec in data.get("images", {}).items()}
        self.scam_types = self.make_taxonomy(ScamType, data["scam_types"])
        self.audiences = self.make_taxonomy(Audience, data["audiences"])

        home = self.make_home(data["home"])
        library = self.make_section(home, MaterialIndexPage, data["library"])
        alert_index = self.make_section(home, AlertIndexPage, data["alert_index"])
        if "help" in data:
            self.make_help(home, data["help"])

        pages_by_slug = {}
        for spec in data.get("posters", []):
            pages_by_slug[spec["slug"]] = self.make_poster(library, spec)
        self.videos = {}
        for spec in data.get("videos", []):
            self.videos[spec["slug"]] = pages_by_slug[spec["slug"]] = self.make_video(library, spec)
        for spec in data.get("guides", []):
            pages_by_slug[spec["slug"]] = self.make_guide(library, spec)
        for spec in data.get("cases", []):
            pages_by_slug[spec["slug"]] = self.make_case(library, spec)
        for spec in data.get("alerts", []):
            pages_by_slug[spec["slug"]] = self.make_alert(alert_index, spec)
        for spec in data.get("landings", []):
            self.make_landing(home, spec, pages_by_slug)
        for spec in data.get("information", []):
            self.make_information(home, spec)

        for order, slug in enumerate(data["home"].get("featured", [])):
            if slug not in pages_by_slug:
                raise CommandError(f"home.featured names an unknown material: {slug}")
            HomeFeaturedItem.objects.create(home=home, page=pages_by_slug[slug], sort_order=order)
            english = pages_by_slug[slug].get_translations().filter(locale=self.en).first()
            home_en = home.get_translations().filter(locale=self.en).first()
            if english and home_en:
                HomeFeaturedItem.objects.create(home=home_en, page=english, sort_order=order)
        self.publish(home)
        home_en = home.get_translations().filter(locale=self.en).first()
        if home_en:
            self.publish(home_en.specific)

    def make_image(self, spec):
        path = self.media_dir / spec["file"]
        with path.open("rb") as handle:
            image = get_image_model()(
                title=self.text(spec["title"]), description=self.text(spec["alt"])[:255]
            )
            image.file.save(path.name, File(handle), save=False)
            image.save()
        return image

    def make_document(self, relative_path, title):
        path = self.media_dir / relative_path
        with path.open("rb") as handle:
            document = get_document_model()(title=title)
            document.file.save(path.name, File(handle), save=False)
            document.save()
        return document

    def make_taxonomy(self, model, specs):
        result = {}
        for order, spec in enumerate(specs):
            icon = None
            if spec.get("icon"):
                icon = self.make_image(
                    {
                        "file": spec["icon"],
                        "title": spec["name"],
                        "alt": spec["name"],
                    }
                )
            item = model.objects.create(
                locale=self.zh,
                slug=spec["slug"],
                name=self.text(spec["name"]),
                description=self.text(spec.get("description")),
                icon=icon,
                sort_order=order,
            )
            if self.text(spec["name"], EN):
                english = model.objects.get(pk=item.pk)
                english.name = self.text(spec["name"], EN)
                english.description = self.text(spec.get("description"), EN)
                self.translate_with_localize(item, english)
            result[spec["slug"]] = item
        return result

    def make_home(self, spec):
        root = Page.get_first_root_node()
        site = Site.objects.filter(is_default_site=True).first()
        old_root = site.root_page if site else None
        home = HomePage(
            title=self.text(spec["title"]),
            slug="home",
            locale=self.zh,
            hero_title=self.text(spec["hero_title"]),
            hero_text=self.text(spec.get("hero_text")),
            elders_intro=self.text(spec.get("elders_intro")),
            students_intro=self.text(spec.get("students_intro")),
        )
        if old_root and old_root.slug == "home":
            old_root.slug = "welcome-placeholder"
            old_root.save()
        root.add_child(instance=home)
        self.publish(home)
        if site:
            site.root_page = home
            site.site_name = settings.WAGTAIL_SITE_NAME
            site.save()
        else:
            Site.objects.create(
                hostname="localhost",
                root_page=home,
                is_default_site=True,
                site_name=settings.WAGTAIL_SITE_NAME,
            )
        if old_root and not isinstance(old_root.specific, HomePage):
            old_root.delete()  # Wagtail's "Welcome" placeholder
        self.translate(home, spec, ["hero_title", "hero_text", "elders_intro", "students_intro"])
        return home

    def make_section(self, home, model, spec):
        page = model(
            title=self.text(spec["title"]), slug=spec["slug"], intro=self.text(spec.get("intro"))
        )
        home.add_child(instance=page)
        self.publish(page)
        self.translate(page, spec, ["intro"])
        return page

    def make_help(self, home, spec):
        """被骗了怎么办: the situations and their steps, in Chinese and English."""
        page = HelpPage(
            title=self.text(spec["title"]),
            slug=spec["slug"],
            intro=self.text(spec.get("intro")),
            trigger_phrases=self.text(spec.get("trigger_phrases")),
            situations=json.dumps(spec["situations"][ZH], ensure_ascii=False),
        )
        list(page.situations)  # bind the blocks, so list items are saved with ids (localize)
        home.add_child(instance=page)
        self.publish(page)
        extra = None
        if EN in spec["situations"]:
            extra = {"situations": json.dumps(spec["situations"][EN], ensure_ascii=False)}
        self.translate(page, spec, ["intro", "trigger_phrases"], extra=extra)
        return page

    def add_missing_pages(self, home, data):
        """Landing and information pages for a demo loaded before they existed."""
        if data.get("landings") and not AudienceLandingPage.objects.filter(locale=self.zh):
            known = set(Audience.objects.filter(locale=self.zh).values_list("slug", flat=True))
            missing = [spec for spec in data["audiences"] if spec["slug"] not in known]
            self.make_taxonomy(Audience, missing)
            self.audiences = {a.slug: a for a in Audience.objects.filter(locale=self.zh)}
            self.scam_types = {t.slug: t for t in ScamType.objects.filter(locale=self.zh)}
            pages_by_slug = {
                page.slug: page for page in Page.objects.filter(locale=self.zh).specific()
            }
            for spec in data["landings"]:
                self.make_landing(home, spec, pages_by_slug)
        if data.get("information") and not InformationPage.objects.filter(locale=self.zh):
            for spec in data["information"]:
                self.make_information(home, spec)

    def make_landing(self, home, spec, pages_by_slug):
        """老年人专区, 学生专区, 帮爸妈防骗: what to remember, must-reads, topics."""

        def remember(locale):
            return json.dumps(
                [{"type": "point", "value": point} for point in spec["remember"][locale]],
                ensure_ascii=False,
            )

        unknown = [slug for slug in spec["must_reads"] if slug not in pages_by_slug]
        if unknown:
            raise CommandError(f"landing {spec['slug']} names unknown materials: {unknown}")
        page = AudienceLandingPage(
            title=self.text(spec["title"]),
            slug=spec["slug"],
            audience=self.audiences[spec["audience"]],
            intro=self.text(spec["intro"]),
            remember=remember(ZH),
            must_reads=json.dumps(
                [{"type": "material", "value": pages_by_slug[s].pk} for s in spec["must_reads"]]
            ),
            large_type=spec.get("large_type", False),
        )
        page.scam_types = [self.scam_types[slug] for slug in spec.get("scam_types", [])]
        list(page.remember)  # bind the blocks, so they are saved with ids (localize)
        home.add_child(instance=page)
        self.publish(page)
        extra = {"remember": remember(EN)} if EN in spec["remember"] else None
        self.translate(page, spec, ["intro"], extra=extra)
        return page

    def make_information(self, home, spec):
        """About us, contact details, the privacy notice: linked from every footer."""

        def body(locale):
            paragraphs = self.text(spec["body"], locale, default=None) or []
            return json.dumps(
                [{"type": "paragraph", "value": html} for html in paragraphs], ensure_ascii=False
            )

        page = InformationPage(
            title=self.text(spec["title"]),
            slug=spec["slug"],
            intro=self.text(spec.get("intro")),
            body=body(ZH),
            show_in_menus=True,
        )
        list(page.body)
        home.add_child(instance=page)
        self.publish(page)
        extra = {"body": body(EN)} if self.text(spec["body"], EN, default=None) else None
        self.translate(page, spec, ["intro"], extra=extra)
        return page

    def material_fields(self, spec, locale=ZH):
        return {
            "title": self.text(spec["title"], locale),
            "slug": spec["slug"],
            "summary": self.text(spec["summary"], locale),
            "last_reviewed": date.fromisoformat(
                spec.get("last_reviewed", date.today().isoformat())
            ),
        }

    def add_material(self, parent, page, spec, translated_fields, extra_en=None):
        page.scam_types = [self.scam_types[slug] for slug in spec.get("scam_types", [])]
        page.audiences = [self.audiences[slug] for slug in spec.get("audiences", [])]
        for name in self.stream_fields(page):
            # Bind every block, so lists are saved with item ids: localize translates
            # list items only in that form (its extract_segments skips plain lists).
            list(getattr(page, name))
        parent.add_child(instance=page)
        self.publish(page)
        translated = self.translate(page, spec, ["summary", *translated_fields], extra=extra_en)
        # Give the demo a believable history: "published" on the material's own date.
        published = spec.get("alert_date") or spec.get("last_reviewed")
        if published:
            moment = timezone.make_aware(datetime.combine(date.fromisoformat(published), time(9)))
            Page.objects.filter(pk__in=[p.pk for p in (page, translated) if p]).update(
                first_published_at=moment, last_published_at=moment
            )
            # ...and translated then too, so that the translation report counts it current
            TranslationSource.objects.filter(object_id=page.translation_key, locale=self.zh).update(
                last_updated_at=moment
            )
        return page

    def make_poster(self, parent, spec):
        page = PosterPage(
            **self.material_fields(spec),
            image=self.images[spec["image"]],
            image_alt=self.text(spec["image_alt"]),
            suggested_venues=self.text(spec.get("suggested_venues")),
        )
        return self.add_material(parent, page, spec, ["image_alt", "suggested_venues"])

    def make_video(self, parent, spec):
        page = VideoPage(
            **self.material_fields(spec),
            listing_image=self.images.get(spec.get("listing_image")),
            video_file=self.make_document(spec["video_file"], self.text(spec["title"])),
            embed_url=spec.get("embed_url", ""),
            duration_seconds=spec.get("duration_seconds"),
            transcript=self.text(spec.get("transcript")),
        )
        for language, path in spec.get("captions", {}).items():
            page.captions.add(
                VideoCaption(
                    language=language, file=self.make_document(path, f"{spec['slug']} ({language})")
                )
            )
        return self.add_material(parent, page, spec, ["transcript"])

    def stream(self, blocks, locale=ZH):
        """Demo block JSON with image keys and video slugs turned into ids (and the
        image's alt text in LOCALE)."""
        result = []
        for block in blocks:
            value = block["value"]
            if block["type"] == "image":
                image = self.images[value["image"]]
                value = {
                    "image": {
                        "image": image.pk,
                        "alt_text": self.text(self.image_alts[value["image"]], locale)[:255],
                        "decorative": False,
                    },
                    "caption": value.get("caption", ""),
                }
            elif block["type"] == "video":
                value = {"video": self.videos[value["video"]].pk}
            result.append({"type": block["type"], "value": value})
        return json.dumps(result, ensure_ascii=False)

    def make_guide(self, parent, spec):
        page = GuidePage(
            **self.material_fields(spec),
            listing_image=self.images.get(spec.get("listing_image")),
            body=self.stream(spec["body"][ZH]),
        )
        extra = {"body": self.stream(spec["body"][EN], EN)} if EN in spec["body"] else None
        return self.add_material(parent, page, spec, [], extra_en=extra)

    def make_case(self, parent, spec):
        def flags(locale):
            items = self.text(spec["red_flags"], locale, default=None) or []
            return json.dumps(
                [{"type": "flag", "value": flag} for flag in items], ensure_ascii=False
            )

        page = CaseStudyPage(
            **self.material_fields(spec),
            listing_image=self.images.get(spec.get("listing_image")),
            region=self.text(spec.get("region")),
            what_happened=self.text(spec["what_happened"]),
            red_flags=flags(ZH),
            outcome=spec["outcome"],
            amount_yuan=spec.get("amount_yuan"),
            outcome_detail=self.text(spec.get("outcome_detail")),
            lesson=self.text(spec["lesson"]),
        )
        extra = {"red_flags": flags(EN)} if self.text(spec["red_flags"], EN, None) else None
        return self.add_material(
            parent,
            page,
            spec,
            ["region", "what_happened", "outcome_detail", "lesson"],
            extra_en=extra,
        )

    def make_alert(self, parent, spec):
        page = AlertPage(
            **self.material_fields(spec),
            alert_date=date.fromisoformat(spec["alert_date"]),
            level=spec.get("level", AlertPage.Level.WARNING),
            body=self.text(spec["body"]),
        )
        return self.add_material(parent, page, spec, ["body"])

    def load_playlists(self, specs):
        """The screens' playlists (issue 17): the demo's videos and posters and a slide,
        each made once (by name), so a second run changes nothing."""
        for spec in specs:
            if Playlist.objects.filter(name=spec["name"]).exists():
                continue
            slugs = [item["page"] for item in spec["items"] if "page" in item]
            pages = {
                page.slug: page
                for page in Page.objects.live().filter(locale=self.zh, slug__in=slugs)
            }
            unknown = sorted(set(slugs) - pages.keys())
            if unknown:
                raise CommandError(f"playlist {spec['name']} names unknown materials: {unknown}")
            playlist = Playlist(name=spec["name"])
            playlist.items = [
                PlaylistItem(
                    page=pages.get(item.get("page")),
                    title=item.get("title", ""),
                    advice=item.get("advice", ""),
                    duration_seconds=item.get("seconds"),
                    sort_order=order,
                )
                for order, item in enumerate(spec["items"])
            ]
            playlist.save()

    # --- settings and accounts -------------------------------------------------------------
    def point_site_at(self, host: str):
        hostname, _, port = host.partition(":")
        Site.objects.filter(is_default_site=True).update(
            hostname=hostname, port=int(port or 80), site_name=settings.WAGTAIL_SITE_NAME
        )

    def load_site_settings(self, spec):
        for site in Site.objects.all():
            site_settings = SiteSettings.for_site(site)
            site_settings.hotline = spec.get("hotline", site_settings.hotline)
            if spec.get("organisation"):
                site_settings.organisation = self.text(spec["organisation"])
            site_settings.icp_filing = spec.get("icp_filing", site_settings.icp_filing)
            site_settings.police_filing = spec.get("police_filing", site_settings.police_filing)
            site_settings.save()

    def load_users(self):
        user_model = get_user_model()
        for username, password, groups, superuser in DEMO_USERS:
            user, _ = user_model.objects.get_or_create(
                username=username, defaults={"email": f"{username}@fangzha.example"}
            )
            user.set_password(password)
            user.is_staff = user.is_superuser = superuser
            user.save()
            user.groups.set(Group.objects.filter(name__in=groups))
        self.stdout.write(
            "Demo accounts: "
            + ", ".join(f"{name} / {password}" for name, password, _, _ in DEMO_USERS)
        )


def with_ids_of(english, chinese):
    """ENGLISH stream data (the fixture's) with the block and list-item ids of the saved
    CHINESE data in the same places, so that each English string lands on the path of the
    Chinese one it translates. Plain lists become list items in the block format."""
    if isinstance(english, list) and isinstance(chinese, list):
        result = []
        for index, item in enumerate(english):
            twin = chinese[index] if index < len(chinese) else None
            if isinstance(twin, dict) and "id" in twin:
                if isinstance(item, dict) and "type" in item and "value" in item:
                    item = {
                        **item,
                        "id": twin["id"],
                        "value": with_ids_of(item["value"], twin["value"]),
                    }
                else:
                    item = {
                        "type": "item",
                        "value": with_ids_of(item, twin["value"]),
                        "id": twin["id"],
                    }
            result.append(item)
        return result
    if isinstance(english, dict) and isinstance(chinese, dict):
        return {key: with_ids_of(value, chinese.get(key)) for key, value in english.items()}
    return english
