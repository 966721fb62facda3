"""One counter for "the published site changed": cached fragments and pages key on it.

Publishing, unpublishing, moving or deleting a page, or editing a snippet, image or the
site settings bumps it (core.signals); anything cached under an older value is never
served again, so one increment retires every cached copy at once, on every process that
shares the cache.

The bump waits for the change to commit. Wagtail publishes inside a transaction; a reader
arriving before the commit still reads the old rows, and must store what it renders under
the old epoch, which the commit then retires. Bumping inside the transaction would
let that reader store the old page under the new epoch, served until it expires.
One bump after the commit is enough: nothing a reader stores before it can outlive it.

The epoch is kept in the database too (core.models.CacheEpoch, one row written by each
bump). A bump that cannot reach the cache (Redis down or hung) still lands there, and
when Redis answers again (core.cache_backend sends `redis_reconnected` before the first
call after an outage, and before a process's first call) an epoch in Redis older than
the database's is replaced by it before anything else is read: a page cached before the
publish is never served once Redis is back.

Reading it costs a cache round trip, so a request reads it once (the page cache
middleware does, see remember_for_request) and everything rendered in that request uses
that value. Values cached under an epoch never change, so the process also keeps the
most recent ones in memory (cached()), saving the round trips to Redis for them.
"""

import contextvars
import logging
import time
from collections import OrderedDict
from threading import Lock

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.dispatch import receiver

from .cache_backend import redis_reconnected

logger = logging.getLogger(__name__)

EPOCH_KEY = "site:cache-epoch"

_request_epoch: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "request_epoch", default=None
)


def _fresh_value() -> int:
    # Time-based rather than 1: if the counter is ever evicted, the new value cannot
    # coincide with an old one and revive copies cached before the eviction.
    return time.time_ns() // 1000


def current_epoch() -> int | None:
    """The epoch for this request (read once), or straight from the cache."""
    epoch = _request_epoch.get()
    if epoch is not None:
        return epoch
    epoch = cache.get(EPOCH_KEY)
    if epoch is None:
        cache.add(EPOCH_KEY, _fresh_value(), None)
        epoch = cache.get(EPOCH_KEY)
    return not_older_than_the_database(epoch)


_last_database_check = [0.0]  # time.monotonic() of this process's last comparison


def not_older_than_the_database(epoch: int | None) -> int | None:
    """Every CACHE_EPOCH_CHECK_SECONDS, compare the cache's epoch with the database's.

    The page cache calls this on its hits too: a publish in another process that shares
    no cache with this one (the beat task or a cron job beside the demo's per-process
    memory cache) bumps only the database, and cached pages must not outlive it by more
    than the interval.

    `restore_epoch` runs in a process that saw Redis go away. A worker that made no cache
    call during the outage never does, and could read an epoch that missed a bump; this
    bounds that to the interval instead of the page cache's lifetime."""
    interval = settings.CACHE_EPOCH_CHECK_SECONDS
    now = time.monotonic()
    if not interval or now - _last_database_check[0] < interval:
        return epoch
    _last_database_check[0] = now
    try:
        stored = stored_epoch()
    except DatabaseError as error:
        logger.warning("Cache epoch not checked against the database: %s", error)
        return epoch
    if stored is not None and (epoch is None or epoch < stored):
        cache.set(EPOCH_KEY, stored, None)
        logger.warning(
            "Cache epoch in the cache (%s) older than the database's (%s): restored",
            epoch,
            stored,
        )
        return stored
    return epoch


def pinned_epoch() -> int | None:
    """The epoch pinned for this request, if a public page is being served."""
    return _request_epoch.get()


def remember_for_request(epoch: int | None):
    """Pin the epoch for the rest of this request; returns a token for forget()."""
    return _request_epoch.set(epoch)


def forget(token) -> None:
    _request_epoch.reset(token)


def content_changed() -> None:
    """Retire every cached page and fragment once the current transaction commits (at
    once outside one; never if it rolls back). See the module docstring."""
    # robust: the change is committed by then; a cache outage must not fail the request.
    transaction.on_commit(bump_epoch, robust=True)


def _epoch_model():
    # Looked up, not imported: core.models imports this module.
    return apps.get_model("core", "CacheEpoch")


def stored_epoch() -> int | None:
    """The epoch as last bumped, from the database (None before the first bump)."""
    return _epoch_model().objects.filter(pk=1).values_list("value", flat=True).first()


def bump_epoch() -> None:
    """Retire every cached page and fragment now (content_changed() waits for the commit).

    The new value goes to the database first, then to the cache; a cache that cannot be
    reached misses the bump, and `restore_epoch` puts it there when it answers again."""
    try:
        with transaction.atomic():
            model = _epoch_model()
            row = model.objects.select_for_update().filter(pk=1).first()
            new = max(_fresh_value(), row.value + 1 if row else 0)
            model.objects.update_or_create(pk=1, defaults={"value": new})
    except DatabaseError as error:  # the cache alone then carries the bump
        logger.error("Cache epoch not saved in the database: %s", error)
        new = _fresh_value()
    cache.set(EPOCH_KEY, new, None)
    _request_epoch.set(None)  # this request now sees the change too


@receiver(redis_reconnected)
def restore_epoch(sender, client, **kwargs) -> None:
    """Redis answers again (or for the first time in this process): if it holds an epoch
    older than the database's, a bump was lost while it was away; put it back before
    anything cached under the old one is read. `client` bypasses the circuit breaker."""
    try:
        with transaction.atomic():
            stored = stored_epoch()
    except DatabaseError as error:
        logger.warning("Cache epoch not checked against the database: %s", error)
        return
    if stored is None:
        return
    in_cache = client.get(EPOCH_KEY)
    if in_cache is None or in_cache < stored:
        client.set(EPOCH_KEY, stored, timeout=None)
        if in_cache is not None:
            logger.warning(
                "Cache epoch in Redis (%s) older than the database's (%s): restored",
                in_cache,
                stored,
            )


class _RecentValues:
    """A small in-process LRU of values stored under epoch-stamped keys."""

    def __init__(self, size: int = 2000):
        self.size = size
        self.values: OrderedDict = OrderedDict()
        self.lock = Lock()

    def get(self, key):
        with self.lock:
            found = self.values.get(key)
            if found is None:
                return None
            expires, value = found
            if expires < time.monotonic():
                del self.values[key]
                return None
            self.values.move_to_end(key)
            return value

    def put(self, key, value, timeout: float) -> None:
        with self.lock:
            self.values[key] = (time.monotonic() + timeout, value)
            self.values.move_to_end(key)
            while len(self.values) > self.size:
                self.values.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.values.clear()


recent_values = _RecentValues()


def cached(key: str, compute, timeout: int = 60 * 60):
    """compute(), kept under this epoch: in process memory, then the shared cache."""
    epoch = current_epoch()
    if epoch is None:  # no working cache (Redis down): nothing can be trusted
        return compute()
    full_key = f"{key}:e{epoch}"
    value = recent_values.get(full_key)
    if value is not None:
        return value
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout)
    recent_values.put(full_key, value, timeout)
    return value
