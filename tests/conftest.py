import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connections, transaction
from wagtail.models import Locale
from wagtail.signal_handlers import disable_reference_index_auto_update

from core.cache_epoch import bump_epoch, recent_values
from core.models import HomePage
from materials import search
from tests.site_tree import build_site_tree, site_tree_objects


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached navigation must not outlive the test data it was computed from."""
    cache.clear()
    recent_values.clear()
    # The public search's in-process indexes are keyed by the cache epoch, which a rolled
    # back test can give the next test again: an index of one test's pages must not
    # answer the next test's searches.
    search._indexes.clear()
    yield
    cache.clear()
    recent_values.clear()
    search._indexes.clear()


@pytest.fixture(autouse=True)
def reference_index_only_when_asked(request):
    """Wagtail's reference index ("used by") is rebuilt on every save, a fifth of the
    suite's time; tests that read it are marked ``reference_index``."""
    if request.node.get_closest_marker("reference_index"):
        yield
        return
    with disable_reference_index_auto_update():
        yield


def _only_the_tests_transaction(connection) -> bool:
    blocks = connection.atomic_blocks
    return bool(blocks) and all(block._from_testcase for block in blocks)


@pytest.fixture(autouse=True)
def cache_bumps_on_emulated_commit(monkeypatch):
    """Run the cache epoch's bump when the change would have committed.

    The bump waits for the commit (core.cache_epoch), but most tests run inside one
    transaction that is rolled back, so it would never run. Here it runs when the
    outermost transaction the code under test opened ends well (Wagtail's publish, say),
    or at once outside one, as in production. Other on_commit callbacks are left alone,
    and tests that really commit (transactional_db) see Django's own behaviour.
    """
    on_commit, atomic_exit = transaction.on_commit, transaction.Atomic.__exit__

    def on_commit_in_tests(func, using=None, robust=False):
        if func is bump_epoch and _only_the_tests_transaction(transaction.get_connection(using)):
            return func()
        return on_commit(func, using, robust)

    def exit_and_commit(self, exc_type, exc_value, traceback):
        result = atomic_exit(self, exc_type, exc_value, traceback)
        connection = transaction.get_connection(self.using)
        if (
            exc_type is None
            and not self._from_testcase
            and not connection.needs_rollback
            and _only_the_tests_transaction(connection)
        ):
            pending = connection.run_on_commit
            connection.run_on_commit = [hook for hook in pending if hook[1] is not bump_epoch]
            if len(connection.run_on_commit) < len(pending):
                bump_epoch()
        return result

    monkeypatch.setattr(transaction, "on_commit", on_commit_in_tests)
    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_and_commit)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the site tree once per test database instead of once per test.

    Each test runs in a transaction that is rolled back, so it starts from this tree
    whatever it changed. Tests that really commit end with a flush; Django puts back
    what was serialized when the database was set up, so it is serialized again here
    with the tree in it.
    """
    with django_db_blocker.unblock():
        for alias in connections:
            with transaction.atomic(using=alias):
                if not HomePage.objects.using(alias).filter(slug="home-zh").exists():
                    build_site_tree()
            connection = connections[alias]
            if getattr(connection, "_test_serialized_contents", None) is not None:
                connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture
def locales(db):
    return {code: Locale.objects.get(language_code=code) for code in ("zh-hans", "en")}


@pytest.fixture
def site_tree(locales):
    """The tree django_db_setup built (tests/site_tree.py), fresh from the database."""
    return site_tree_objects()


@pytest.fixture
def english_tree(site_tree):
    """English translations of the home page, library and alert list."""
    en = site_tree["locales"]["en"]
    result = {}
    for key in ("home", "library", "alerts"):
        page = site_tree[key].copy_for_translation(en, copy_parents=True)
        page.save_revision().publish()
        result[key] = page
    return result


@pytest.fixture
def editor(django_user_model, db):
    """A member of Wagtail's Editors group: writes pages, cannot publish."""
    user = django_user_model.objects.create_user("editor", password="pw")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def moderator(django_user_model, db):
    """A member of Wagtail's Moderators group: reviews and publishes."""
    user = django_user_model.objects.create_user("reviewer", password="pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


# Tests that start processes (servers, workers, browsers, subprocesses) are marked
# "processes", so that `make test-fast` can leave them out of the edit-test loop.
PROCESS_TEST_FOLDERS = ("tests/browser/", "tests/workers/", "tests/faults/")
# Modules that walk whole admin screens or build translated page trees test by test: a
# third of the fast lane's CPU time (--durations, 2026-12-01). Marked "heavy", so that
# `make test-fast` leaves them out; `make test` runs them.
HEAVY_TEST_MODULES = (
    "tests/core/test_admin_chinese.py",
    "tests/materials/test_translations.py",
    "tests/materials/test_language_switch.py",
    "tests/materials/test_editing_revisions.py",
)


def _commits(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return "transactional_db" in getattr(item, "fixturenames", ()) or bool(
        marker and marker.kwargs.get("transaction")
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        if any(folder in item.nodeid for folder in PROCESS_TEST_FOLDERS):
            item.add_marker(pytest.mark.processes)
        if item.nodeid.startswith(HEAVY_TEST_MODULES):
            item.add_marker(pytest.mark.heavy)
        # A test that really commits ends by flushing the database. `make test-fast`
        # reuses its database file between runs, so a flush would leave the next run
        # without what the data migrations wrote (role groups, the Wagtail root, ...).
        if _commits(item):
            item.add_marker(pytest.mark.commits)
