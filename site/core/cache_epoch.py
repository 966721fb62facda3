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

Reading it costs a cache round trip, so a request reads it once (the page cache
middleware does, see remember_for_request) and everything rendered in that request uses
that value. Values cached under an epoch never change, so the process also keeps the
most recent ones in memory (cached()), saving the round trips to Redis for them.
"""

import contextvars
import time
from collections import OrderedDict
from threading import Lock

from django.core.cache import cache
from django.db import transaction

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


def bump_epoch() -> None:
    """Retire every cached page and fragment now (content_changed() waits for the commit)."""
    try:
        cache.incr(EPOCH_KEY)
    except ValueError:  # evicted or never set
        cache.set(EPOCH_KEY, _fresh_value(), None)
    _request_epoch.set(None)  # this request now sees the change too


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
