"""One counter for "the published site changed": cached fragments and pages key on it.

Publishing, unpublishing, moving or deleting a page, or editing a snippet, image or the
site settings bumps it (materials.signals); anything cached under an older value is never
served again, so one increment retires every cached copy at once, on every process that
shares the cache.
"""

import time

from django.core.cache import cache

GENERATION_KEY = "site:content-generation"


def _fresh_value() -> int:
    # Time-based rather than 1: if the counter is ever evicted, the new value cannot
    # coincide with an old one and revive copies cached before the eviction.
    return time.time_ns() // 1000


def current_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_value(), None)
        generation = cache.get(GENERATION_KEY)
    return generation


def content_changed() -> None:
    """Retire every cached page and fragment (see module docstring)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # evicted or never set
        cache.set(GENERATION_KEY, _fresh_value(), None)
