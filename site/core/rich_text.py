"""Sanitising stored rich text, whatever path it arrives by.

Wagtail cleans rich text when an editor saves it through Draftail, but `|richtext` trusts
the database. Text that arrives another way (imports, the demo loader, the API, a data
migration) is cleaned here too, keeping Wagtail's own link and embed markup.
"""

from wagtail.blocks import RichTextBlock
from wagtail.fields import RichTextField
from wagtail.whitelist import Whitelister, allow_without_attributes, attribute_rule, check_url

DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "template", "noscript"}
ALLOWED_TAGS = ["p", "h2", "h3", "h4", "b", "i", "strong", "em", "ul", "ol", "li", "br", "hr"]


class StoredRichTextWhitelister(Whitelister):
    element_rules = {
        **dict.fromkeys(ALLOWED_TAGS, allow_without_attributes),
        # Wagtail's database format: <a linktype="page" id="3"> and external hrefs.
        "a": attribute_rule({"href": check_url, "linktype": True, "id": True}),
        "embed": attribute_rule(
            {"embedtype": True, "id": True, "format": True, "alt": True, "url": check_url}
        ),
    }

    def clean_tag_node(self, doc, tag):
        if tag.name in DROPPED_WITH_CONTENT:
            tag.decompose()
            return
        if tag is doc:  # the document itself (bs4 names it "[document]"): clean its children
            for child in list(tag.contents):
                self.clean_node(doc, child)
            return
        super().clean_tag_node(doc, tag)


_whitelister = StoredRichTextWhitelister()


def sanitise_rich_text(html: str | None) -> str | None:
    if not html:
        return html
    return _whitelister.clean(html)


class SanitisedRichTextField(RichTextField):
    """A RichTextField that never stores scripts, event handlers or javascript: links."""

    def get_prep_value(self, value):
        return sanitise_rich_text(super().get_prep_value(value))


class SanitisedRichTextBlock(RichTextBlock):
    def get_prep_value(self, value):
        prepped = super().get_prep_value(value)
        return sanitise_rich_text(prepped)
