"""django-redis with a circuit breaker: a hung or dead Redis costs one short timeout, then
the site skips Redis for a while and serves from the database.

django-redis with IGNORE_EXCEPTIONS already turns a failed call into a miss, but every
call still waits for its socket timeout: a page makes a dozen cache calls, so a Redis that
accepts connections and never answers (paused, swapping, a full network buffer) held each
page 11-24 s, and each ignored error logged a traceback. Here the first failure opens the
breaker: for CIRCUIT_OPEN_SECONDS every call is a miss (reads) or a no-op (writes)
without touching the network. Then one caller probes Redis while the others keep
skipping; success closes the breaker, failure opens it again. The fault is logged once
when the breaker opens (and once more per interval while it stays open), not per call.

Before the probe's own call, and before a process's first call, `redis_reconnected` is
sent with the raw django-redis client, so state that may have been lost while Redis was
away can be put right first (core.cache_epoch restores the cache epoch from the
database). The breaker is per process and per Redis URL, shared by all threads.

Options (settings.CACHES[...]["OPTIONS"], besides django-redis's own):
    CIRCUIT_OPEN_SECONDS   how long to skip Redis after a failure (default 30)
"""

import logging
import threading
import time

from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError
from django.dispatch import Signal
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger(__name__)

# Sent with `client` (the django-redis client, which bypasses the breaker) before the first
# call of a process and before the first call after an outage. A receiver that raises
# keeps the breaker open.
redis_reconnected = Signal()


class CircuitBreaker:
    """Closed (calls go through), open (calls are skipped until `open_until`), or probing
    (open, and one caller has been let through to try)."""

    def __init__(self, name: str, open_seconds: float, clock=time.monotonic):
        self.name = name
        self.open_seconds = open_seconds
        self.clock = clock
        self.lock = threading.Lock()
        self.tripped = False
        self.open_until = 0.0
        self.checked = False  # the reconnect hook has run since the last outage
        self.skipped = 0  # calls skipped since the last log line
        self.last_error = ""

    @property
    def is_open(self) -> bool:
        return self.tripped

    def seconds_left(self) -> float:
        return max(0.0, self.open_until - self.clock()) if self.tripped else 0.0

    def allow(self) -> tuple[bool, bool]:
        """(may this call go to Redis, must it run the reconnect hook first)."""
        now = self.clock()
        with self.lock:
            if not self.tripped:
                if self.checked:
                    return True, False
                self.checked = True
                return True, True
            if now < self.open_until:
                self.skipped += 1
                return False, False
            # Half-open: this caller probes; the others keep skipping meanwhile.
            self.open_until = now + self.open_seconds
            self.checked = True
            return True, True

    def failure(self, error: BaseException) -> None:
        now = self.clock()
        with self.lock:
            first = not self.tripped
            self.tripped = True
            self.checked = False
            self.open_until = now + self.open_seconds
            skipped, self.skipped = self.skipped, 0
            self.last_error = _describe(error)
        if first:
            logger.error(
                "Cache %s unreachable (%s): skipping it for %.0f s, pages come from the database",
                self.name,
                self.last_error,
                self.open_seconds,
            )
        else:
            logger.warning(
                "Cache %s still unreachable (%s), %d calls skipped; next try in %.0f s",
                self.name,
                self.last_error,
                skipped,
                self.open_seconds,
            )

    def success(self) -> None:
        if not self.tripped:
            return
        with self.lock:
            if not self.tripped:
                return
            self.tripped = False
            skipped, self.skipped = self.skipped, 0
        logger.warning("Cache %s reachable again (%d calls skipped meanwhile)", self.name, skipped)

    def undo_check(self) -> None:
        with self.lock:
            self.checked = False


def _describe(error: BaseException) -> str:
    cause = error.__cause__ or error
    return f"{cause.__class__.__name__}: {cause}"[:200]


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str, open_seconds: float) -> CircuitBreaker:
    with _breakers_lock:
        if location not in _breakers:
            _breakers[location] = CircuitBreaker(location, open_seconds)
        return _breakers[location]


# Client methods that never touch the network.
LOCAL_METHODS = {"close", "disconnect", "make_key", "make_pattern", "encode", "decode"}


def _reconnected(breaker: CircuitBreaker, client) -> None:
    """Run the reconnect hooks; Redis failing in them opens the breaker (the caller's
    ConnectionInterrupted), anything else is logged and tried again on the next call."""
    try:
        redis_reconnected.send(sender=RedisCache, client=client)
    except ConnectionInterrupted:
        raise
    except Exception as error:  # never fail the caller's cache call
        breaker.undo_check()
        logger.error("Cache %s: reconnect check failed: %s", breaker.name, _describe(error))


def unreachable(location: str) -> bool:
    """Whether the breaker for this Redis URL is open in this process (the task broker
    usually shares the cache's Redis: core.task_backend does not wait for it then)."""
    breaker = _breakers.get(location)
    return breaker is not None and breaker.is_open


class _GuardedClient:
    """The django-redis client, each method call going through the breaker. A skipped or
    failed call raises ConnectionInterrupted, which RedisCache turns into a miss."""

    def __init__(self, client, breaker: CircuitBreaker):
        self._client = client
        self._breaker = breaker

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        if not callable(attribute) or name.startswith("_") or name in LOCAL_METHODS:
            return attribute
        breaker = self._breaker
        client = self._client

        def call(*args, **kwargs):
            allowed, reconnect = breaker.allow()
            if not allowed:
                raise ConnectionInterrupted(connection=None)
            try:
                if reconnect:
                    _reconnected(breaker, client)
                result = attribute(*args, **kwargs)
            except ConnectionInterrupted as error:
                breaker.failure(error)
                raise
            breaker.success()
            return result

        return call


class CircuitBreakerRedisCache(RedisCache):
    """RedisCache whose calls are skipped for a while after Redis fails (see module)."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        open_seconds = float(options.pop("CIRCUIT_OPEN_SECONDS", 30))
        options["IGNORE_EXCEPTIONS"] = True  # a skipped call must read as a miss
        super().__init__(server, {**params, "OPTIONS": options})
        self._log_ignored_exceptions = False  # the breaker logs, once per outage
        self.breaker = breaker_for(str(server), open_seconds)

    @property
    def client(self):
        return _GuardedClient(super().client, self.breaker)


class ResilientDatabaseCache(DatabaseCache):
    """Django's database cache (production without Redis), where a database that cannot
    answer is a cache miss, as django-redis's IGNORE_EXCEPTIONS makes an unreachable Redis:
    a request then stands or falls by its own use of the database (robots.txt needs none),
    and the fault is logged at most once a minute."""

    last_logged = 0.0


def _ignoring_database_errors(method, fallback):
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except DatabaseError as error:
            now = time.monotonic()
            if now - ResilientDatabaseCache.last_logged > 60:
                ResilientDatabaseCache.last_logged = now
                logger.error("Database cache unreachable, reading as misses: %s", error)
            return fallback(args, kwargs)

    return guarded


_FALLBACKS = {
    "get": lambda args, kwargs: kwargs.get("default", args[1] if len(args) > 1 else None),
    "get_many": lambda args, kwargs: {},
    "has_key": lambda args, kwargs: False,
    "add": lambda args, kwargs: False,
    "touch": lambda args, kwargs: False,
    "delete": lambda args, kwargs: False,
    "set": lambda args, kwargs: None,
    "set_many": lambda args, kwargs: [],
    "delete_many": lambda args, kwargs: None,
    "clear": lambda args, kwargs: None,
}
for _name, _fallback in _FALLBACKS.items():
    setattr(
        ResilientDatabaseCache,
        _name,
        _ignoring_database_errors(getattr(DatabaseCache, _name), _fallback),
    )
