"""The OpenAPI document at /api/v1/schema.json: generated from the code, and the code keeps
to it (schemathesis fuzzes every operation in-process as a campaign manager)."""

import base64
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, openapi
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from campaigns import workflow
from campaigns.permissions import MANAGERS
from tests import factories

SCHEMA_URL = "/api/v1/schema.json"


def api_routes(patterns=None, prefix="") -> set[str]:
    """Every URL the project serves under /api/, as an OpenAPI path.

    Django Ninja's "api-root" pattern only marks where the API is mounted (it answers 404).
    """
    routes = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes |= api_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/"):
            if pattern.name == "api-root":
                continue
            routes.add("/" + route)
    return routes


def test_schema_describes_every_api_route(client, db):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    routes = api_routes() - {SCHEMA_URL}
    assert {"/api/v1/reach/", "/api/v1/materials/"} <= routes
    assert routes <= set(schema["paths"])


@pytest.mark.parametrize("name", ["type", "audience", "scam_type"])
def test_list_filters_are_declared_as_arrays(client, db, name):
    """The materials view reads these with getlist(): the document must say so."""
    operation = client.get(SCHEMA_URL).json()["paths"]["/api/v1/materials/"]["get"]
    (parameter,) = [p for p in operation["parameters"] if p["name"] == name]
    assert parameter["in"] == "query"
    assert parameter["schema"]["type"] == "array"
    assert parameter.get("explode", True) and parameter.get("style", "form") == "form"


def test_material_types_are_enumerated(client, db):
    operation = client.get(SCHEMA_URL).json()["paths"]["/api/v1/materials/"]["get"]
    (parameter,) = [p for p in operation["parameters"] if p["name"] == "type"]
    items = parameter["schema"]["items"]
    items = (
        client.get(SCHEMA_URL)
        .json()["components"]["schemas"]
        .get(items.get("$ref", "").rpartition("/")[2], items)
    )
    assert set(items["enum"]) == {"poster", "video", "guide", "case"}


def test_reach_figures_declare_money_protected(client, db):
    schema = client.get(SCHEMA_URL).json()
    assert "money_protected_yuan" in schema["components"]["schemas"]["Figures"]["properties"]


def test_api_serves_no_documentation_page(db):
    """Swagger UI would pull scripts from a CDN, which the site's CSP forbids."""
    assert not [route for route in api_routes() if "docs" in route]


# --- schemathesis ----------------------------------------------------------------------------
@pytest.fixture
def fuzz_world(site_tree, django_user_model):
    """Published materials with taxonomies, approved events with money protected, and a
    manager who may read every figure."""
    manager = django_user_model.objects.create_user("manager", password="pw")
    manager.groups.add(Group.objects.get(name=MANAGERS))
    guide = factories.GuidePageFactory(parent=site_tree["library"], title="挂断再核实")
    guide.audiences.set([site_tree["elders"]])
    guide.scam_types.set([site_tree["police"]])
    guide.save()
    factories.PosterPageFactory(parent=site_tree["library"], title="刷单就是诈骗")
    team = factories.TeamFactory(name="A队")
    campaign = factories.CampaignFactory(teams=[team], slug="spring")
    for money in (Decimal("0"), Decimal("86000.00")):
        event = factories.OutreachEventFactory(
            campaign=campaign, team=team, status="submitted", money_protected_yuan=money
        )
        workflow.approve_event(event=event, user=manager)
    return site_tree


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def fuzz(schema, mode: GenerationMode, headers: dict) -> set[tuple[str, int]]:
    """Send 30 generated requests; every response must pass CHECKS. Returns what answered."""
    answered = set()

    @given(case=schema.as_strategy(generation_mode=mode))
    @settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def send(case):
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        answered.add((case.operation.path, response.status_code))

    send()
    return answered


@pytest.fixture
def connection_kept_across_requests():
    """What Django's test client does around each request: the handler would otherwise close
    the database connection at the end of a request, and with it (on PostgreSQL) the test's
    transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.fuzz
def test_api_keeps_to_its_schema_under_fuzzing(fuzz_world, connection_kept_across_requests):
    schema = openapi.from_wsgi(SCHEMA_URL, WSGIHandler())
    operations = {f"{op.ok().method.upper()} {op.ok().path}" for op in schema.get_all_operations()}
    assert operations == {"GET /api/v1/reach/", "GET /api/v1/materials/"}
    token = base64.b64encode(b"manager:pw").decode()
    # The WSGI test client does not undo gzip as HTTP clients do: ask for none.
    headers = {"Authorization": f"Basic {token}", "Accept-Encoding": "identity"}

    valid = fuzz(schema, GenerationMode.POSITIVE, headers)
    assert {("/api/v1/reach/", 200), ("/api/v1/materials/", 200)} <= valid
    invalid = {status for _path, status in fuzz(schema, GenerationMode.NEGATIVE, headers)}
    assert 400 in invalid and invalid <= {200, 400}
