from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "materials"
    verbose_name = _("Education materials")

    def ready(self):
        from wagtail.contrib.search_promotions.forms import SearchPromotionsFormSet

        from . import signals  # noqa: F401

        # Wagtail's search promotions leave this field without a verbose_name, so its
        # label is English whatever the language (a model change would need a migration
        # in Wagtail's app): the promotion form's field gets a translatable one.
        SearchPromotionsFormSet.form.base_fields["external_link_text"].label = _(
            "External link text"
        )
