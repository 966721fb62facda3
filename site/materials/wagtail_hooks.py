from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from .translations import (
    GuardedLocalizeLogView,
    TranslationReportMenuItem,
    TranslationReportView,
    without_localize_report_for_non_editors,
)
from .viewsets import (
    AlertSubscriberViewSet,
    FeedbackViewSet,
    PlaylistViewSet,
    ReviewDueReportView,
    TaxonomyViewSetGroup,
    alert_subscriber_counts_view,
)

register_snippet(TaxonomyViewSetGroup)
register_snippet(FeedbackViewSet)
register_snippet(PlaylistViewSet)
register_snippet(AlertSubscriberViewSet)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("reports/review-due/", ReviewDueReportView.as_view(), name="materials_review_due"),
        path(
            "reports/review-due/results/",
            ReviewDueReportView.as_view(results_only=True),
            name="materials_review_due_results",
        ),
        path(
            "reports/alert-subscribers/",
            alert_subscriber_counts_view,
            name="materials_alert_subscribers",
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


@hooks.register("register_reports_menu_item")
def register_alert_subscribers_menu_item():
    return MenuItem(
        _("Alert e-mail subscriptions"),
        reverse("materials_alert_subscribers"),
        name="materials-alert-subscribers",
        icon_name="mail",
        order=1170,
    )


# Before wagtail-localize's URLs, so that its log report answers through the guarded view.
@hooks.register("register_admin_urls", order=-1)
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
        path("localize/reports/translations/", GuardedLocalizeLogView.as_view()),
        path(
            "localize/reports/translations/results/",
            GuardedLocalizeLogView.as_view(results_only=True),
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
