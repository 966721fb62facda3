"""A change retires cached pages and fragments only once it has committed.

Wagtail publishes, unpublishes, moves and deletes inside a transaction (a moderator's
approval too). A reader arriving while that transaction is open still reads the old rows;
if the cache epoch had already moved on, the old page would be stored under the
new epoch and served until it expired. So the epoch moves after the commit:
what a reader stores meanwhile goes under the old epoch, which the commit retires.
"""

import threading

import pytest
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.test import Client
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published

from core.cache_epoch import EPOCH_KEY, current_epoch
from core.models import SiteSettings
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def body_with(text: str):
    return [("paragraph", f"<p>{text}</p>")]


@pytest.fixture
def guide(site_tree):
    return factories.GuidePageFactory(
        parent=site_tree["library"], title="旧标题：冒充客服", body=body_with("旧的提示")
    )


def publish_change(tree, guide):
    guide.title = "新标题：冒充客服退款"
    guide.body = body_with("新的提示：不要共享屏幕")
    guide.save_revision().publish()


def unpublish(tree, guide):
    guide.unpublish()


def move(tree, guide):
    guide.move(tree["alerts"], pos="last-child")


def delete(tree, guide):
    guide.delete()


def restrict(tree, guide):
    PageViewRestriction.objects.create(page=guide, restriction_type="password", password="x")


def lift_restriction(tree, guide):
    PageViewRestriction.objects.filter(page=guide).delete()


def rename_scam_type(tree, guide):
    tree["police"].name = "冒充公安机关"
    tree["police"].save()


def retitle_image(tree, guide):
    tree["image"].title = "新的海报图"
    tree["image"].save()


def change_hotline(tree, guide):
    row = SiteSettings.for_site(tree["site"])
    row.hotline = "110-96110"
    row.save()


CHANGES = [
    publish_change,
    unpublish,
    move,
    delete,
    restrict,
    lift_restriction,
    rename_scam_type,
    retitle_image,
    change_hotline,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_the_epoch_moves_only_when_the_change_commits(site_tree, guide, change):
    site_tree["image"] = factories.ImageFactory()
    PageViewRestriction.objects.create(page=site_tree["alerts"], restriction_type="login")
    if change is lift_restriction:
        restrict(site_tree, guide)
    SiteSettings.for_site(site_tree["site"]).save()  # the row exists before the change
    before = current_epoch()

    with transaction.atomic():
        change(site_tree, guide)
        assert cache.get(EPOCH_KEY) == before, "bumped before the commit"

    assert cache.get(EPOCH_KEY) != before


def test_a_rolled_back_change_retires_nothing(site_tree, guide):
    before = current_epoch()
    with pytest.raises(RuntimeError), transaction.atomic():
        publish_change(site_tree, guide)
        raise RuntimeError("the editor's save failed")
    assert cache.get(EPOCH_KEY) == before


def test_a_moderators_approval_moves_the_epoch_after_its_commit(site_tree, guide, moderator):
    """The approval publishes inside Wagtail's own transaction: nothing wraps it here."""
    seen_while_publishing = []

    def watch(sender, **kwargs):
        seen_while_publishing.append((connection.in_atomic_block, cache.get(EPOCH_KEY)))

    guide.title = "新标题：冒充客服退款"
    revision = guide.save_revision(user=moderator)
    guide.get_workflow().start(guide, moderator)
    guide.refresh_from_db()
    before = current_epoch()

    page_published.connect(watch)  # after core.signals' receivers, so it sees theirs
    try:
        guide.current_workflow_task_state.approve(user=moderator)
    finally:
        page_published.disconnect(watch)

    guide.refresh_from_db()
    assert guide.live_revision_id == revision.pk  # the approval did publish
    assert seen_while_publishing == [(True, before)]
    assert cache.get(EPOCH_KEY) != before


def test_settings_cached_by_a_reader_during_the_change_are_dropped_at_commit(site_tree):
    site = site_tree["site"]
    old = SiteSettings.for_site(site)
    old.save()
    with transaction.atomic():
        row = SiteSettings.objects.get(pk=old.pk)
        row.hotline = "110-96110"
        row.save()
        # A reader on another connection still reads the old row, and caches it.
        cache.set(SiteSettings.cache_key(site.pk), old, 60 * 60)
    assert SiteSettings.for_site(site).hotline == "110-96110"


def read_in_another_connection(url: str) -> str:
    """GET `url` from a thread with its own database connection, as a second reader would."""
    result = {}

    def read():
        try:
            result["body"] = Client().get(url).content.decode()
        except Exception as error:  # reported to the test below
            result["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(timeout=60)
    if "error" in result:
        raise result["error"]
    return result["body"]


@pytest.mark.postgres
@pytest.mark.parametrize("page_cache_seconds", [600, 0], ids=["page-cache", "fragments-only"])
def test_a_reader_during_the_publish_cannot_keep_the_old_page_alive(
    client, settings, site_tree, guide, page_cache_seconds
):
    """Needs a database where a second connection reads the last committed rows while a
    transaction is open (PostgreSQL); SQLite's shared in-memory test database locks."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent readers (PostgreSQL)")
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    url = guide.url
    assert "旧的提示" in client.get(url).content.decode()

    with transaction.atomic():
        publish_change(site_tree, guide)
        during = read_in_another_connection(url)  # arrives before the commit
        assert "旧的提示" in during and "新的提示" not in during  # the old rows, rightly

    after = client.get(url).content.decode()
    assert "新标题：冒充客服退款" in after
    assert "新的提示：不要共享屏幕" in after and "旧的提示" not in after
