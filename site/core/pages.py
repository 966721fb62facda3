"""Behaviour and queries shared by the site's page types, whatever their content."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Length, Substr
from django.utils import translation
from wagtail.models import Locale, Page, PageViewRestriction

from .cache_epoch import cached, pinned_epoch
from .slugs import PinyinSlugPageForm, needs_pinyin_slug, pinyin_slug, unique_slug

PER_PAGE = 12


class CachedViewRestrictionsMixin:
    """While serving a public page, remember its view restrictions (its own and its
    ancestors') per cache epoch, saving Wagtail two queries on every request.
    Adding, changing or removing a restriction bumps the epoch (core.signals).
    Elsewhere (the admin's privacy and copy actions) the usual queryset is returned."""

    def get_view_restrictions(self):
        uncached = super().get_view_restrictions
        if pinned_epoch() is None:
            return uncached()
        return cached(f"core:view-restrictions:{self.pk}", lambda: list(uncached()))


class PinyinSlugMixin:
    """Pages whose slug is the pinyin of their Chinese title (core.slugs) unless an editor
    chose one: filled when the page is validated or saved in the tree, whoever saves it
    (the admin, an import, a loader). The admin form does the same before the page has a
    place in the tree."""

    base_form_class = PinyinSlugPageForm

    def full_clean(self, *args, **kwargs):
        self.fill_pinyin_slug()
        super().full_clean(*args, **kwargs)

    def minimal_clean(self):
        self.fill_pinyin_slug()
        super().minimal_clean()

    def fill_pinyin_slug(self):
        if not self.path:  # not in the tree yet: its siblings are unknown
            return
        if needs_pinyin_slug(self.slug, self.title, published=bool(self.first_published_at)):
            base, parent = pinyin_slug(self.title), self.get_parent()
            if base and parent is not None:
                self.slug = unique_slug(base, parent=parent, page=self)


def exclude_private(queryset: QuerySet) -> QuerySet:
    """Drop pages under a view restriction (on themselves or an ancestor).

    Wagtail's `.public()` first loads every restriction in a separate query; this is the
    same test as a correlated subquery: a restricted page's path is a prefix of ours.
    """
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return queryset.exclude(Exists(restricted))


def paginate(request, queryset, per_page: int = PER_PAGE):
    """A page of results; a missing, malformed or out-of-range number gives a valid page."""
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def specific_in_order(pages) -> list:
    """The specific versions of `pages`, in the same order (one query per page type;
    none when they are specific already, as materials.search gives them)."""
    pages = list(pages)
    if all(type(page) is not Page for page in pages):
        return pages
    by_id = {page.pk: page for page in Page.objects.filter(pk__in=[p.pk for p in pages]).specific()}
    return [by_id[page.pk] for page in pages if page.pk in by_id]


def active_locale_id() -> int | None:
    """The id of the active language's Locale, cached (locales almost never change)."""
    language = translation.get_language()
    return cached(
        f"core:locale-id:{language}",
        lambda: Locale.objects.filter(language_code=language).values_list("pk", flat=True).first(),
    )
