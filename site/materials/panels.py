"""Editor panels that explain rather than refuse."""

from django.utils.html import format_html
from django.utils.translation import gettext
from wagtail.admin.panels import HelpPanel

from .printing import MAX_DPI, PAPER_SIZES, print_dpi


class PrintResolutionPanel(HelpPanel):
    """Warns when the poster's artwork prints below 300 dpi on A4 (it is still accepted:
    150 dpi reads well at arm's length; PosterPageForm refuses anything less)."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.content = self.warning()

        def image(self):
            image = None
            if self.form is not None and self.form.is_bound and hasattr(self.form, "cleaned_data"):
                image = self.form.cleaned_data.get("image")
            return image or getattr(self.instance, "image", None)

        def warning(self) -> str:
            try:
                image = self.image()
            except Exception:  # noqa: BLE001  (a page with no image yet)
                image = None
            if image is None or not image.width:
                return ""
            a4 = print_dpi(image.width, image.height, PAPER_SIZES["a4"])
            if a4 >= MAX_DPI:
                return ""
            a3 = print_dpi(image.width, image.height, PAPER_SIZES["a3"])
            return format_html(
                '<div class="help-block help-warning" role="status"><p>{}</p></div>',
                gettext(
                    "This artwork (%(width)s×%(height)s px) prints at about %(a4)s dpi on A4 "
                    "and %(a3)s dpi on A3, below the 300 dpi of sharp print. Downloads say "
                    "so; for sharp print upload 2480×3508 px or more."
                )
                % {"width": image.width, "height": image.height, "a4": a4, "a3": a3},
            )

        def is_shown(self):
            return bool(self.content)
