"""Model field shapes that several apps repeat."""

from django.db import models


def optional_foreign_key(to, verbose_name, *, related_name="+", **kwargs) -> models.ForeignKey:
    """A link that may be empty and is emptied, not deleted, when its target goes.

    The shape of every optional image, document and user on a record; the field it
    returns deconstructs exactly as the spelled-out one, so migrations do not change.
    """
    return models.ForeignKey(
        to,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
        verbose_name=verbose_name,
        **kwargs,
    )


def optional_yuan(verbose_name, *, max_digits=14, **kwargs) -> models.DecimalField:
    """An amount of money in yuan, to the fen, that may be unknown (NULL)."""
    return models.DecimalField(
        verbose_name, max_digits=max_digits, decimal_places=2, null=True, blank=True, **kwargs
    )
