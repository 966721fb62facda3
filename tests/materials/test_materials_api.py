"""The public materials API: /api/v1/materials/."""

import pytest

from tests import factories


def publish(page_factory, parent, title, **taxonomies):
    """A material as editors make one: saved as a draft, tagged, then published."""
    page = page_factory(parent=parent, title=title, live=False)
    for name, items in taxonomies.items():
        getattr(page, name).set(items)
    page.save_revision().publish()
    return page


@pytest.fixture
def library(site_tree):
    """A guide for elders about police impersonation (with unpublished changes), a poster
    for students, a video for both and a guide never published."""
    parent, elders, students = site_tree["library"], site_tree["elders"], site_tree["students"]
    guide = publish(
        factories.GuidePageFactory,
        parent,
        "挂断再核实",
        audiences=[elders],
        scam_types=[site_tree["police"]],
    )
    guide.title = "挂断再核实（修订中）"
    guide.save_revision()
    poster = publish(factories.PosterPageFactory, parent, "刷单就是诈骗", audiences=[students])
    video = publish(
        factories.VideoPageFactory, parent, "共享屏幕的陷阱", audiences=[elders, students]
    )
    factories.GuidePageFactory(parent=parent, title="草稿", live=False)
    return {**site_tree, "guide": guide, "poster": poster, "video": video}


def titles(client, query=""):
    response = client.get(f"/api/v1/materials/?{query}")
    assert response.status_code == 200, response.content
    return {item["title"] for item in response.json()["results"]}


def error_of(response) -> dict:
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"] and body["code"], body
    return body


def test_lists_published_materials_only(client, library):
    data = client.get("/api/v1/materials/").json()
    assert data["count"] == 3
    assert {item["title"] for item in data["results"]} == {
        "挂断再核实",
        "刷单就是诈骗",
        "共享屏幕的陷阱",
    }
    guide = next(item for item in data["results"] if item["title"] == "挂断再核实")
    assert guide["id"] == library["guide"].pk
    assert guide["url"] == library["guide"].get_full_url()
    assert guide["first_published_at"]


def test_type_audience_and_scam_type_take_several_values(client, library):
    assert titles(client, "type=guide") == {"挂断再核实"}
    assert titles(client, "type=guide&type=poster") == {"挂断再核实", "刷单就是诈骗"}
    assert titles(client, "audience=students") == {"刷单就是诈骗", "共享屏幕的陷阱"}
    assert titles(client, "audience=elders&audience=students") == {
        "挂断再核实",
        "刷单就是诈骗",
        "共享屏幕的陷阱",
    }
    assert titles(client, "scam_type=impersonating-police&scam_type=other") == {"挂断再核实"}
    assert titles(client, "type=video&type=poster&audience=elders") == {"共享屏幕的陷阱"}


def test_pages_through_the_results(client, library):
    first = client.get("/api/v1/materials/?limit=2").json()
    rest = client.get("/api/v1/materials/?limit=2&offset=2").json()
    assert (first["count"], first["limit"], first["offset"]) == (3, 2, 0)
    assert len(first["results"]) == 2 and len(rest["results"]) == 1
    # Out-of-range page sizes and offsets are brought into range, as before, not refused.
    assert client.get("/api/v1/materials/?limit=1000").json()["limit"] == 100
    assert client.get("/api/v1/materials/?limit=-3").json()["limit"] == 1
    assert client.get("/api/v1/materials/?offset=-3").json()["offset"] == 0
    far = client.get("/api/v1/materials/?offset=99999999999999999999")
    assert far.status_code == 200 and far.json()["results"] == []


def test_english_materials_are_listed_under_lang_en(client, library, english_tree):
    english = library["guide"].copy_for_translation(library["locales"]["en"])
    english.title = "Hang up and check"
    english.save_revision().publish()
    assert titles(client) == {"挂断再核实", "刷单就是诈骗", "共享屏幕的陷阱"}
    assert titles(client, "lang=en") == {"Hang up and check"}


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("type=leaflet", "invalid_parameter"),
        ("type=guide&type=leaflet", "invalid_parameter"),
        ("limit=abc", "invalid_parameter"),
        ("offset=1.5", "invalid_parameter"),
        ("lang=fr", "invalid_parameter"),
        # PostgreSQL refuses NUL in text: it was a 500 there (found by schemathesis).
        ("audience=elders%00", "invalid_parameter"),
        ("scam_type=%00", "invalid_parameter"),
        ("audience=" + "x" * 201, "invalid_parameter"),
    ],
)
def test_bad_parameters_are_explained(client, library, query, code):
    assert error_of(client.get(f"/api/v1/materials/?{query}"))["code"] == code
