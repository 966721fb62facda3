"""Unfinished drafts: pages started in the admin and left before they were ever published.

Wagtail 7.4's editor saves as you type (autosave, WAGTAIL_AUTOSAVE_INTERVAL): a new page
is added to the tree, as a draft, a moment after its title is typed, even with its
required fields empty. An editor who then closes the tab leaves a half-filled page
behind. Such pages are listed in the report 未完成的草稿 (core.viewsets), where editors
open or delete them, and by `manage.py unfinished_drafts` (which can delete them).
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.models import Page, Revision, WorkflowState

UNFINISHED_AFTER_DAYS = 7


def unfinished_drafts(*, days: int = UNFINISHED_AFTER_DAYS, pages: QuerySet | None = None):
    """Pages never published, not edited for `days` days, that nobody is waiting on: not
    in moderation, not scheduled to go live, without children; oldest first."""
    pages = Page.objects.all() if pages is None else pages
    cutoff = timezone.now() - datetime.timedelta(days=days)
    page_type = ContentType.objects.get_for_model(Page)
    in_moderation = (
        WorkflowState.objects.filter(
            base_content_type=page_type, status=WorkflowState.STATUS_IN_PROGRESS
        )
        .annotate(page_id=Cast("object_id", IntegerField()))
        .values("page_id")
    )
    scheduled = (
        Revision.objects.filter(base_content_type=page_type, approved_go_live_at__isnull=False)
        .annotate(page_id=Cast("object_id", IntegerField()))
        .values("page_id")
    )
    return (
        pages.filter(
            depth__gt=1,
            live=False,
            first_published_at__isnull=True,
            alias_of__isnull=True,
            numchild=0,
            go_live_at__isnull=True,
        )
        .filter(
            Q(latest_revision_created_at__lt=cutoff) | Q(latest_revision_created_at__isnull=True)
        )
        .exclude(pk__in=in_moderation)
        .exclude(pk__in=scheduled)
        .order_by("latest_revision_created_at", "pk")
    )
