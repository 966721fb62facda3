"""Readers' "was this helpful?" answers and QR codes for printing."""

import io

import pytest
from PIL import Image

from materials.models import Feedback
from tests import factories
from tests.qr_decode import decode_png, decode_svg


@pytest.fixture
def guide(site_tree):
    return factories.GuidePageFactory(parent=site_tree["library"])


def test_reader_can_answer_was_this_helpful(client, guide):
    response = client.post(f"/feedback/{guide.pk}/", {"helpful": "no", "comment": "字太小"})
    assert response.status_code == 302
    assert response["Location"] == f"{guide.url}?feedback=thanks#feedback"
    answer = Feedback.objects.get()
    assert (answer.page_id, answer.helpful, answer.comment) == (guide.pk, False, "字太小")
    thanks = client.get(response["Location"]).content.decode()
    assert "feedback=thanks" not in thanks  # the form is replaced by a thank-you note
    assert 'name="helpful"' not in thanks


def test_feedback_stores_no_personal_data(client, guide):
    client.post(
        f"/feedback/{guide.pk}/",
        {"helpful": "yes"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Mozilla/5.0 TestPhone",
    )
    stored = Feedback.objects.values().get()
    assert "203.0.113.9" not in str(stored) and "TestPhone" not in str(stored)


@pytest.mark.parametrize(
    "data", [{}, {"helpful": "maybe"}, {"helpful": "yes", "comment": "x" * 501}]
)
def test_invalid_feedback_is_rejected_with_a_message(client, guide, data):
    response = client.post(f"/feedback/{guide.pk}/", data)
    assert response.status_code == 400
    assert not Feedback.objects.exists()
    assert (
        "Your answer was not sent" in response.content.decode()
        or "未能提交" in response.content.decode()
    )


def test_feedback_for_draft_or_unknown_page_is_404(client, site_tree):
    draft = factories.GuidePageFactory(parent=site_tree["library"], live=False)
    for page_id in (draft.pk, 999999):
        response = client.post(f"/feedback/{page_id}/", {"helpful": "yes"}, follow=True)
        assert response.status_code == 404
    assert not Feedback.objects.exists()


def test_qr_code_png_and_svg_encode_the_page_url(client, guide):
    expected = f"http://testserver/zh-hans/materials/{guide.slug}/"
    png = client.get(f"/qr/{guide.pk}.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert decode_png(png.content) == [expected]
    svg = client.get(f"/qr/{guide.pk}.svg?download=1")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg["Content-Disposition"] == f'attachment; filename="qr-{guide.slug}.svg"'
    assert decode_svg(svg.content) == [expected]
    assert client.get("/qr/999999.png").status_code == 404


def test_qr_code_encodes_the_sites_canonical_url_not_the_requests_host(client, site_tree, guide):
    """A poster printed from a preview host or an internal address must still lead readers
    to the public site."""
    site = site_tree["site"]
    site.hostname, site.port = "fangzha.example.org", 443
    site.save()
    canonical = f"https://fangzha.example.org/zh-hans/materials/{guide.slug}/"
    png = client.get(f"/qr/{guide.pk}.png", HTTP_HOST="10.0.0.5:8000")
    assert decode_png(png.content) == [canonical]
    assert Image.open(io.BytesIO(png.content)).size[0] >= 300  # prints sharp at poster size
    svg = client.get(f"/qr/{guide.pk}.svg", HTTP_HOST="10.0.0.5:8000")
    assert decode_svg(svg.content) == [canonical]


def test_qr_code_of_a_translation_leads_to_that_language(client, site_tree, english_tree, guide):
    english = guide.copy_for_translation(site_tree["locales"]["en"])
    english.save_revision().publish()
    png = client.get(f"/qr/{english.pk}.png")
    assert decode_png(png.content) == [f"http://testserver/en/materials/{english.slug}/"]
