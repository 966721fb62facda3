"""Choice values as people read them, in every language of the site, and back.

Exports write a choice (venue type, format, audience, how attendance was counted, status)
as its label in the chosen language; the import reads a label of any language, or the
code, back to the code (`label_lookup`), so an export in labels re-imports unchanged.
"""

import functools
import unicodedata

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class AudienceGroup(models.TextChoices):
    """The groups stored, comma-separated, in OutreachEvent.audience_groups."""

    ELDERS = "elders", _("Elders")
    STUDENTS = "students", _("Students")
    GENERAL = "general", _("General public")


def _fold(text) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def label(choices, code, language: str) -> str:
    """The label of ``code`` in ``language``; an unknown code as it is."""
    try:
        text = choices(code).label
    except ValueError:
        return code or ""
    with translation.override(language):
        return str(text)


@functools.cache
def _lookup(choices, languages: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for language in languages:
        with translation.override(language):
            for code, text in choices.choices:
                found.setdefault(_fold(text), code)
    for code in choices.values:
        found[_fold(code)] = code
    return found


def label_lookup(choices) -> dict[str, str]:
    """Every label of every site language (and every code), folded (case, full-width
    forms, spaces), → the code."""
    return _lookup(choices, tuple(code for code, _name in settings.LANGUAGES))


def code_for(choices, text) -> str | None:
    """The code a cell names by code or by a label in any site language, or None."""
    return label_lookup(choices).get(_fold(text))


def audience_labels(stored: str, language: str) -> str:
    """ "elders,general" → "老年人、群众" (or "Elders, General public")."""
    groups = [group.strip() for group in (stored or "").split(",") if group.strip()]
    separator = "、" if language.startswith("zh") else ", "
    return separator.join(label(AudienceGroup, group, language) for group in groups)
