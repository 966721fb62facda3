"""Build expensive test data once for a whole module, rolled back after it.

For modules that run many tests on the same objects (the permission matrix, one page of
every type). Each test still runs in its own transaction inside this one, so what a test
changes is rolled back after it; Python objects are not shared: tests fetch afresh.
"""

from contextlib import contextmanager

from django.db import transaction


@contextmanager
def built_once(django_db_blocker, build):
    """Yield ``build()``'s result, made in a transaction that is rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # like Django's TestCase class-level transaction
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def keys_of(objects):
    """{key: (model, pk)} of a dict of model instances, for ``fetched``."""
    return {key: (type(obj), obj.pk) for key, obj in objects.items()}


def fetched(keys):
    """The objects again, fetched afresh for one test."""
    return {key: model.objects.get(pk=pk) for key, (model, pk) in keys.items()}
