from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from .translations import (
    TranslationReportMenuItem,
    TranslationReportView,
    without_localize_report_for_non_editors,
)
from .viewsets import FeedbackViewSet, ReviewDueReportView, TaxonomyViewSetGroup

register_snippet(TaxonomyViewSetGroup)
register_snippet(FeedbackViewSet)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("reports/review-due/", ReviewDueReportView.as_view(), name="materials_review_due"),
        path(
            "reports/review-due/results/",
            ReviewDueReportView.as_view(results_only=True),
            name="materials_review_due_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_review_due_menu_item():
    return MenuItem(
        _("Materials due for review"),
        reverse("materials_review_due"),
        name="materials-review-due",
        icon_name="time",
        order=1150,
    )


@hooks.register("register_admin_urls")
def register_translation_report_urls():
    return [
        path(
            "reports/translation-status/",
            TranslationReportView.as_view(),
            name="materials_translation_status",
        ),
        path(
            "reports/translation-status/results/",
            TranslationReportView.as_view(results_only=True),
            name="materials_translation_status_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_translation_report_menu_item():
    return TranslationReportMenuItem(
        _("Translation status"),
        reverse("materials_translation_status"),
        name="materials-translation-status",
        icon_name="wagtail-localize-language",
        order=1160,
    )


hooks.register("construct_reports_menu", without_localize_report_for_non_editors)
