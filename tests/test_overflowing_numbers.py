"""Numbers too big for the database (ids, offsets, pages, filters) answer 404 or 400,
never 500, on SQLite (OverflowError where Django does not guard a lookup) and PostgreSQL.

Run it on PostgreSQL too (DATABASE_URL=postgres://fangzha_ci:fangzha_ci@127.0.0.1:5432/
fangzha_ci, without FANGZHA_TEST_DB).
"""

import pytest
from django.contrib.auth import get_user_model

from materials.models import Feedback
from tests import factories
from tests.campaigns.conftest import build_world
from tests.once import built_once, fetched, keys_of
from tests.site_tree import site_tree_objects

pytestmark = pytest.mark.catalogue  # hundreds of cases: make test, not make test-fast

HUGE = "1" + "0" * 30  # past any integer column
BIG = "1" + "0" * 23
BIGINT_PLUS_ONE = str(2**63)
NEGATIVE = "-" + BIG

NUMBERS = [HUGE, BIG, BIGINT_PLUS_ONE, NEGATIVE]

PUBLIC = [
    "/poster/{n}/download/a4/",
    "/poster/{n}/download/a3/",
    "/qr/{n}.png",
    "/qr/{n}.svg",
    "/zh-hans/materials/?page={n}",
    "/zh-hans/materials/?offset={n}",
    "/zh-hans/materials/?audience={n}",
    "/zh-hans/materials/?scam_type={n}",
    "/zh-hans/alerts/?page={n}",
    "/zh-hans/search/?q=冒充&page={n}",
    "/zh-hans/search/?q=冒充&type={n}",
    "/en/search/?q=police&page={n}",
    "/api/v1/materials/?offset={n}",
    "/api/v1/materials/?limit={n}",
    "/api/v1/materials/?limit={n}&offset={n}",
    "/api/v1/materials/?audience={n}",
    "/api/v1/materials/?scam_type={n}",
    "/documents/{n}/x.pdf",
    "/sitemap.xml?p={n}",
]

FEEDBACK = ["/feedback/{n}/"]

ADMIN = [
    "/admin/pages/{n}/",
    "/admin/pages/{n}/edit/",
    "/admin/images/{n}/",
    "/admin/images/?p={n}",
    "/admin/images/?collection_id={n}",
    "/admin/documents/edit/{n}/",
    "/admin/documents/?collection_id={n}",
    "/admin/snippets/materials/feedback/?p={n}",
    "/admin/snippets/materials/feedback/inspect/{n}/",
    "/admin/snippets/materials/feedback/delete/{n}/",
    "/admin/snippets/materials/scamtype/edit/{n}/",
    "/admin/reports/review-due/?p={n}",
    "/admin/campaigns/reach/?team={n}",
    "/admin/campaigns/reach/?campaign={n}",
    "/admin/campaigns/reach/?venue={n}",
    "/admin/campaigns/reach/?page={n}",
    "/admin/campaigns/big-screen/?team={n}",
    "/admin/campaigns/big-screen/?campaign={n}",
    "/admin/campaigns/events/?team={n}",
    "/admin/campaigns/events/?campaign={n}",
    "/admin/campaigns/events/?p={n}",
    "/admin/campaigns/events/edit/{n}/",
    "/admin/campaigns/events/inspect/{n}/",
    "/admin/campaigns/events/delete/{n}/",
    "/admin/campaigns/events/history/{n}/",
    "/admin/campaigns/events/{n}/submit/",
    "/admin/campaigns/events/{n}/approve/",
    "/admin/campaigns/events/import/{n}/",
    "/admin/campaigns/events/export/?team={n}",
    "/admin/campaigns/events/export/?campaign={n}&format=csv",
    "/admin/campaigns/campaigns/edit/{n}/",
    "/admin/campaigns/teams/edit/{n}/",
    "/admin/campaigns/venues/edit/{n}/",
    "/admin/campaigns/venues/?p={n}",
    "/admin/campaigns/links/edit/{n}/",
    "/admin/campaigns/links/?campaign={n}",
    "/admin/campaigns/links/{n}/qr.png",
    "/admin/users/{n}/",
    "/admin/groups/edit/{n}/",
    "/admin/reports/site-history/?user={n}",
    "/admin/reports/site-history/?p={n}",
    "/api/v1/campaigns/reach/?team={n}",
    "/api/v1/campaigns/reach/?campaign={n}",
    "/api/v1/campaigns/reach/?date_from={n}",
]


def cases(templates):
    return [
        pytest.param(template.format(n=n), id=f"{template}|{n[:4]}…")
        for template in templates
        for n in NUMBERS
    ]


@pytest.fixture(scope="module")
def world_keys(django_db_setup, django_db_blocker):
    """A poster and the campaign world, built once for the module's hundreds of cases."""

    def build():
        factories.PosterPageFactory(parent=site_tree_objects()["library"])
        return keys_of(build_world(get_user_model()))

    with built_once(django_db_blocker, build) as keys:
        yield keys


@pytest.fixture
def tree(db, world_keys):
    return fetched(world_keys)


@pytest.mark.parametrize("url", cases(PUBLIC))
def test_public_urls_refuse_overflowing_numbers(client, tree, url):
    response = client.get(url)
    assert response.status_code < 500, url
    if "/poster/" in url or "/qr/" in url or "/documents/" in url:
        # 404, or a redirect to the language-prefixed address (a minus sign matches no route)
        assert response.status_code in (302, 404)


@pytest.mark.parametrize("url", cases(FEEDBACK))
def test_feedback_for_an_overflowing_page_id_is_refused(client, tree, url):
    response = client.post(url, {"helpful": "yes"})
    # 404, or a redirect to the language-prefixed address (a minus sign matches no route)
    assert response.status_code in (302, 404)
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("url", cases(ADMIN))
def test_admin_and_campaign_urls_refuse_overflowing_numbers(client, tree, url):
    manager = tree["manager"]
    manager.is_superuser = True  # every admin screen, the campaign ones as a manager
    manager.save()
    client.force_login(manager)
    response = client.get(url, follow=False)
    assert response.status_code < 500, url


@pytest.mark.parametrize("url", cases(["/admin/campaigns/reach/?team={n}"]))
def test_campaign_manager_without_superuser_gets_no_500(client, tree, url):
    client.force_login(tree["manager"])
    assert client.get(url).status_code < 500
