"""Figures a script cannot inflate: QR scans counted once whatever teams a user is in,
unique visitors per client address and day, and per-client limits on scans and
anonymous feedback (the redirect still works for the reader)."""

import pytest
from django.utils import timezone

from campaigns import selectors
from campaigns.models import LinkVisit, TrackedLink
from materials.models import Feedback
from tests import factories

REAL_SCANS = 6468


@pytest.fixture
def poster(site_tree):
    return factories.PosterPageFactory(parent=site_tree["library"], slug="poster-abuse")


@pytest.fixture
def campaign_link(world, poster):
    """A link printed for the whole campaign both teams take part in."""
    return TrackedLink.objects.create(campaign=world["campaign"], target=poster, label="全区海报")


def scan(client, link, address="203.0.113.7", agent="PhoneBrowser/1"):
    return client.get(f"/r/{link.code}/", REMOTE_ADDR=address, HTTP_USER_AGENT=agent)


@pytest.mark.parametrize("user_key", ["coord_a", "lead_a"])
def test_scans_are_counted_once_for_a_user_in_two_teams(world, campaign_link, user_key):
    """A coordinator of team A who also helps team B (or team A's lead who is a member of
    team B) sees each scan of the campaign-wide link once."""
    world["team_b"].members.add(world[user_key])
    LinkVisit.objects.create(
        link=campaign_link, day=timezone.localdate(), visitor="v1", scans=REAL_SCANS
    )
    totals = selectors.reach_report(user=world[user_key])["totals"]
    assert totals["qr_scans"] == REAL_SCANS
    assert totals["unique_visitors"] == 1
    document = selectors.reach_report_document(user=world[user_key])
    assert document["totals"]["qr_scans"] == REAL_SCANS
    assert sum(month["qr_scans"] for month in document["by_month"].values()) == REAL_SCANS


def test_a_script_changing_its_browser_name_is_one_visitor(client, campaign_link):
    for n in range(25):
        scan(client, campaign_link, agent=f"Bot/{n}")
    assert LinkVisit.objects.filter(link=campaign_link).count() == 1


def test_scans_past_the_limit_redirect_but_are_not_counted(client, campaign_link, poster):
    responses = [scan(client, campaign_link) for _ in range(60)]
    assert all(r.status_code == 302 and r["Location"] == poster.url for r in responses)
    counted = sum(LinkVisit.objects.filter(link=campaign_link).values_list("scans", flat=True))
    assert 1 <= counted <= 10
    # Another reader at the same time is counted as usual.
    scan(client, campaign_link, address="198.51.100.2")
    assert LinkVisit.objects.filter(link=campaign_link).count() == 2


def test_behind_the_proxy_scans_are_told_apart_by_the_forwarded_address(
    client, campaign_link, settings
):
    settings.PROXY_COUNT = 1
    for address in ("203.0.113.7", "198.51.100.2", "192.0.2.44"):
        client.get(
            f"/r/{campaign_link.code}/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=address
        )
    assert LinkVisit.objects.filter(link=campaign_link).count() == 3


@pytest.fixture
def guide(site_tree):
    return factories.GuidePageFactory(parent=site_tree["library"])


def answer(client, guide, address="203.0.113.7"):
    return client.post(
        f"/feedback/{guide.pk}/", {"helpful": "no", "comment": "字太小"}, REMOTE_ADDR=address
    )


def test_anonymous_feedback_is_limited_per_client(client, guide):
    answers = [answer(client, guide) for _ in range(40)]
    assert answers[0].status_code == 302
    refused = answers[-1]
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert Feedback.objects.count() == 20
    # A reader elsewhere is not held back by the script.
    assert answer(client, guide, address="198.51.100.2").status_code == 302


def test_refused_feedback_says_why_in_chinese(client, guide):
    for _ in range(21):
        response = answer(client, guide)
    html = response.content.decode()
    assert response.status_code == 429
    assert "您的反馈未能提交" in html and "提交的反馈过多，请几分钟后再提交" in html
