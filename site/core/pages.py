"""Behaviour shared by the site's page types."""

from .content_generation import cached, pinned_generation


class CachedViewRestrictionsMixin:
    """While serving a public page, remember its view restrictions (its own and its
    ancestors') per content generation, saving Wagtail two queries on every request.
    Adding, changing or removing a restriction bumps the generation (materials.signals).
    Elsewhere (the admin's privacy and copy actions) the usual queryset is returned."""

    def get_view_restrictions(self):
        uncached = super().get_view_restrictions
        if pinned_generation() is None:
            return uncached()
        return cached(f"core:view-restrictions:{self.pk}", lambda: list(uncached()))
