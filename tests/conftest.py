import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from wagtail.models import Locale, Page, Site

from core.cache_epoch import bump_epoch, recent_values
from tests import factories


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached navigation must not outlive the test data it was computed from."""
    cache.clear()
    recent_values.clear()
    yield
    cache.clear()
    recent_values.clear()


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


@pytest.fixture
def locales(db):
    zh = Locale.objects.get_or_create(language_code="zh-hans")[0]
    en = Locale.objects.get_or_create(language_code="en")[0]
    return {"zh-hans": zh, "en": en}


@pytest.fixture
def site_tree(locales):
    """Root > home (zh-hans) > materials library + alert list, with the site pointing at home."""
    root = Page.get_first_root_node()
    home = factories.HomePageFactory(parent=root, slug="home-zh")
    site = Site.objects.get(is_default_site=True)
    old_root = site.root_page
    site.root_page = home
    site.hostname = "testserver"
    site.save()
    if old_root.pk != home.pk:
        old_root.delete()
    library = factories.MaterialIndexPageFactory(parent=home)
    alerts = factories.AlertIndexPageFactory(parent=home)
    elders = factories.AudienceFactory(slug="elders", name="老年人")
    students = factories.AudienceFactory(slug="students", name="学生")
    police = factories.ScamTypeFactory(slug="impersonating-police", name="冒充公检法")
    return {
        "home": home,
        "library": library,
        "alerts": alerts,
        "site": site,
        "elders": elders,
        "students": students,
        "police": police,
        "locales": locales,
    }


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


def pytest_collection_modifyitems(config, items):
    for item in items:
        if any(folder in item.nodeid for folder in PROCESS_TEST_FOLDERS):
            item.add_marker(pytest.mark.processes)
