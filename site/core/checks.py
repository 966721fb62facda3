"""System checks for deployment (`manage.py check --deploy`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Info, register

PER_PROCESS_BACKENDS = {"django.core.cache.backends.locmem.LocMemCache"}


@register("caches", deploy=True)
def shared_cache(app_configs, **kwargs):
    """Say which cache backend serves each alias; a per-process one is an error, since the
    page cache's epoch must retire pages in every worker at once (core.cache_epoch)."""
    messages = []
    for alias, config in settings.CACHES.items():
        backend = config.get("BACKEND", "")
        where = str(config.get("LOCATION", ""))
        if "://" in where:  # a server URL: its address, never its password
            where = urlsplit(where).netloc.rpartition("@")[2]
        if backend in PER_PROCESS_BACKENDS:
            messages.append(
                Error(
                    f"The '{alias}' cache is {backend}, kept per process: each gunicorn "
                    "worker would serve pages another worker has already retired.",
                    hint="Set REDIS_URL, or use core.cache_backend.ResilientDatabaseCache "
                    "(production's default without REDIS_URL).",
                    id="core.E001",
                )
            )
        else:
            messages.append(
                Info(
                    f"The '{alias}' cache is {backend}" + (f" ({where})" if where else ""),
                    id="core.I001",
                )
            )
    return messages
