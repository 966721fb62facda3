"""The relevance set (tests/materials/relevance/queries.py) through the public search
view: at least 90% of the reader queries have a right page among the first five results.

Run on PostgreSQL too: DATABASE_URL=postgres://… (see README). The figures it prints
per category are the ones docs/benchmarks.md reports.
"""

from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.materials.relevance.queries import QUERIES
from tests.site_tree import remove_site_tree

TARGET = 0.90
FIRST = 5


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        remove_site_tree()
        call_command("load_demo", verbosity=0, no_users=True)
        yield
        transaction.set_rollback(True)


def first_slugs(client, query) -> list[str]:
    """The slugs of the first five answers the results page shows: the promoted help page
    (questions such as 已经转账了怎么办), then the materials in their order."""
    response = client.get(f"/{query.language}/search/", {"q": query.text})
    assert response.status_code == 200
    shown = [response.context["promoted"]] if response.context["promoted"] else []
    results = response.context["results"]
    shown += list(results.object_list) if results is not None else []
    return [page.slug for page in shown[:FIRST]]


@pytest.mark.demo
@pytest.mark.django_db
def test_most_reader_queries_find_a_right_page_in_the_first_five(demo, client):
    found = defaultdict(list)
    misses = []
    for query in QUERIES:
        slugs = first_slugs(client, query)
        hit = any(slug in query.answers for slug in slugs)
        found[query.category].append(hit)
        if not hit:
            misses.append(f"  {query.category}: {query.text[:40]!r} -> {slugs}")
    total = sum(sum(hits) for hits in found.values())
    share = total / len(QUERIES)
    print(f"\nrelevance: {total}/{len(QUERIES)} = {share:.0%} with a right page in the first five")
    for category, hits in found.items():
        print(f"  {category:10} {sum(hits):2}/{len(hits):2} = {sum(hits) / len(hits):.0%}")
    print("misses:\n" + "\n".join(misses))
    assert share >= TARGET, "\n".join(misses)


def test_the_set_is_big_and_varied_enough():
    categories = defaultdict(int)
    for query in QUERIES:
        categories[query.category] += 1
        assert query.answers, query
    assert len(QUERIES) >= 60
    assert categories["pasted"] >= 8 and categories["english"] >= 8
    assert all(categories[name] >= 5 for name in ("typo", "pinyin", "mixed", "topic"))
