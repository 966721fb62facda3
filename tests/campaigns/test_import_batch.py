"""After an import (issue 14): its result page says how many drafts it created or changed,
offers a coordinator to submit exactly those through the bulk action, and a lead the list of
its submitted events to review as a batch; nobody reaches another team's batch by its id."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.imports import service
from campaigns.imports.tasks import queue_import
from campaigns.models import ImportJob, OutreachEvent
from tests import factories

IMPORT_URL = "/admin/campaigns/events/import/"
LIST = "/admin/campaigns/events/"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
HEADER = "编号,宣传活动,日期,场所名称,场所类型,辖区,形式,参与人数,避免损失(元),单位"


def ledger(world, *lines, team="team_a"):
    body = [line.format(c=world["campaign"].name, t=world[team].name) for line in lines]
    return ("\n".join([HEADER, *body]) + "\n").encode()


def import_file(client, user, content, **options):
    """Upload, look at the preview, confirm: the response of the confirmation."""
    client.force_login(user)
    preview = client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("11月台账.csv", content), **options}, **ZH
    )
    assert preview.context["can_confirm"], preview.context["report"].problems
    return client.post(IMPORT_URL, {"confirm": "1"}, **ZH)


def statuses(*external_ids):
    return dict(
        OutreachEvent.objects.filter(external_id__in=external_ids).values_list(
            "external_id", "status"
        )
    )


def links_of(html: str, text: str) -> list[str]:
    """The href of each link or button whose text contains TEXT."""
    found = []
    for href, inner in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S):
        if text in inner:
            found.append(href.replace("&amp;", "&"))
    return found


@pytest.fixture
def imported(client, world):
    """coord_a imports three events of A队: two new, one correcting an existing draft."""
    starts = datetime.datetime(2026, 11, 2, 1, 0, tzinfo=datetime.UTC)
    factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world["team_a"],
        venue=factories.VenueFactory(name="幸福里社区", district="江南区"),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        external_id="JN-03",
        created_by=world["coord_a"],
        status="draft",
        **factories.reached(40),
    )
    untouched = factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world["team_a"],
        created_by=world["coord_a"],
        status="draft",
        external_id="JN-OLD",
    )
    response = import_file(
        client,
        world["coord_a"],
        ledger(
            world,
            'JN-01,{c},2026-11-05,东门菜市场,菜市场,江南区,摆摊,120,"5,000.00",{t}',
            "JN-02,{c},2026-11-06,江南中学,学校,江南区,讲座,300,,{t}",
            "JN-03,{c},2026-11-02,幸福里社区,社区,江南区,讲座,45,,{t}",
        ),
    )
    job = ImportJob.objects.get()
    return {"response": response, "job": job, "untouched": untouched}


def test_a_confirmed_upload_is_a_batch_and_leads_to_its_result_page(imported):
    job, response = imported["job"], imported["response"]
    assert response.status_code == 302
    assert response["Location"] == f"{IMPORT_URL}{job.pk}/"
    assert job.status == "done" and job.report["new"] == 2 and job.report["updated"] == 1
    batch = OutreachEvent.objects.filter(import_batch=job)
    assert sorted(batch.values_list("external_id", flat=True)) == ["JN-01", "JN-02", "JN-03"]
    assert imported["untouched"].__class__.objects.get(external_id="JN-OLD").import_batch is None


def test_the_result_page_offers_the_coordinator_to_submit_its_drafts(client, world, imported):
    page = client.get(imported["response"]["Location"], **ZH)
    html = page.content.decode()
    assert page.context["batch"] == {"drafts": 3, "submitted": 0, "approved": 0, "returned": 0}
    assert "草稿：3" in html
    assert "状态： <strong>已完成</strong>" in html  # a Chinese colon, as in the counts below it
    [offer] = links_of(html, "提交这 3 条草稿审核")
    url = urlsplit(offer)
    assert url.path == "/admin/bulk/campaigns/outreachevent/submit/"
    query = parse_qs(url.query)
    assert query["import_batch"] == [str(imported["job"].pk)]
    assert query["status"] == ["draft"] and query["id"] == ["all"]


def test_submitting_from_the_offer_submits_exactly_this_imports_drafts(client, world, imported):
    html = client.get(imported["response"]["Location"], **ZH).content.decode()
    [offer] = links_of(html, "提交这 3 条草稿审核")
    confirmation = client.get(offer, **ZH)
    assert confirmation.status_code == 200
    listed = {entry["item"].external_id for entry in confirmation.context["items"]}
    assert listed == {"JN-01", "JN-02", "JN-03"}
    done = client.post(offer, {}, **ZH, follow=True)
    assert statuses("JN-01", "JN-02", "JN-03", "JN-OLD") == {
        "JN-01": "submitted",
        "JN-02": "submitted",
        "JN-03": "submitted",
        "JN-OLD": "draft",  # the team's other draft, not of this import
    }
    text = done.content.decode()
    assert "已提交审核：3 个场次" in text
    # back on the result page, which now says the three wait for review
    assert done.redirect_chain[-1][0] == f"{IMPORT_URL}{imported['job'].pk}/"
    assert done.context["batch"] == {"drafts": 0, "submitted": 3, "approved": 0, "returned": 0}
    # a coordinator does not review: no offer to review the batch they just submitted
    assert "review" not in done.context["batch_links"] and not links_of(text, "审核这")
    assert done.context["show_report"] is True  # the uploader reads the row-by-row report


def test_an_event_that_cannot_be_submitted_any_more_is_reported_not_skipped(
    client, world, imported
):
    html = client.get(imported["response"]["Location"], **ZH).content.decode()
    [offer] = links_of(html, "提交这 3 条草稿审核")
    confirmation = client.get(offer, **ZH)  # the coordinator looks at the list …
    assert len(confirmation.context["items"]) == 3
    # … meanwhile the lead approves JN-02 after someone submitted it
    OutreachEvent.objects.filter(external_id="JN-02").update(status="approved")
    response = client.post(offer, {}, **ZH, follow=True)
    text = response.content.decode()
    assert statuses("JN-01", "JN-02", "JN-03") == {
        "JN-01": "submitted",
        "JN-02": "approved",
        "JN-03": "submitted",
    }
    assert "已提交审核：2 个场次" in text


def test_a_draft_the_coordinator_may_not_submit_is_listed_with_the_reason(client, world):
    """A manager imports for both teams; A队's coordinator sees only A's drafts offered, and
    a B event forged into the selection is never touched nor named."""
    import_file(
        client,
        world["manager"],
        ledger(
            world,
            "JN-11,{c},2026-11-05,东门菜市场,菜市场,江南区,摆摊,120,,A队",
            "HX-12,{c},2026-11-05,河西公园,社区,河西区,摆摊,80,,B队",
        ),
    )
    job = ImportJob.objects.get()
    client.force_login(world["coord_a"])
    page = client.get(f"{IMPORT_URL}{job.pk}/", **ZH)
    assert page.context["batch"]["drafts"] == 1
    [offer] = links_of(page.content.decode(), "提交这 1 条草稿审核")
    client.post(offer, {}, **ZH)
    assert statuses("JN-11", "HX-12") == {"JN-11": "submitted", "HX-12": "draft"}
    assert "HX-12" not in page.content.decode() and "河西公园" not in page.content.decode()


def test_the_lead_gets_the_list_of_the_batchs_submitted_events(client, world, imported):
    client.post(
        f"/admin/bulk/campaigns/outreachevent/submit/?id=all&status=draft"
        f"&import_batch={imported['job'].pk}&next={LIST}",
        {},
    )
    client.force_login(world["lead_a"])
    page = client.get(f"{IMPORT_URL}{imported['job'].pk}/", **ZH)
    assert page.status_code == 200
    html = page.content.decode()
    assert not links_of(html, "提交这")
    [review] = links_of(html, "审核这 3 个已提交的场次")
    assert urlsplit(review).path == LIST
    assert parse_qs(urlsplit(review).query) == {
        "import_batch": [str(imported["job"].pk)],
        "status": ["submitted"],
    }
    listing = client.get(review, **ZH)
    shown = {event.external_id for event in listing.context["object_list"]}
    assert shown == {"JN-01", "JN-02", "JN-03"}
    # the upload's row-by-row report is the uploader's; the lead sees the batch's figures
    assert page.context["show_report"] is False


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("coord_a", 200),  # the uploader
        ("lead_a", 200),  # the lead of the team whose events it holds
        ("manager", 200),
        ("coord_b", 404),  # another team, guessing the id
        ("lead_b", 404),
        ("editor", 302),  # no campaign role: Wagtail turns the refusal into a redirect
    ],
)
def test_who_opens_a_batch(client, world, imported, user, expected):
    client.force_login(world[user])
    response = client.get(f"{IMPORT_URL}{imported['job'].pk}/")
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == "/admin/"


@pytest.mark.parametrize("user", ["coord_b", "lead_b"])
def test_another_team_cannot_submit_or_list_a_batch_by_its_id(client, world, imported, user):
    client.force_login(world[user])
    job = imported["job"].pk
    submit = client.post(
        f"/admin/bulk/campaigns/outreachevent/submit/?id=all&status=draft"
        f"&import_batch={job}&next={LIST}",
        {},
    )
    assert submit.status_code == 404  # nothing of theirs is selected
    assert set(statuses("JN-01", "JN-02", "JN-03").values()) == {"draft"}
    listing = client.get(f"{LIST}?import_batch={job}")
    assert list(listing.context["object_list"]) == []


def test_the_editor_cannot_submit_a_batch(client, world, imported):
    client.force_login(world["editor"])
    submit = client.post(
        f"/admin/bulk/campaigns/outreachevent/submit/?id=all&status=draft"
        f"&import_batch={imported['job'].pk}&next={LIST}",
        {},
    )
    assert submit.status_code in (302, 403)
    assert set(statuses("JN-01", "JN-02", "JN-03").values()) == {"draft"}


def test_an_unchanged_reimport_does_not_take_the_events_into_its_batch(client, world, imported):
    first = imported["job"]
    content = ledger(
        world,
        'JN-01,{c},2026-11-05,东门菜市场,菜市场,江南区,摆摊,120,"5,000.00",{t}',
        "JN-02,{c},2026-11-06,江南中学,学校,江南区,讲座,310,,{t}",  # corrected
    )
    import_file(client, world["coord_a"], content)
    second = ImportJob.objects.exclude(pk=first.pk).get()
    assert second.report["unchanged"] == 1 and second.report["updated"] == 1
    batches = dict(OutreachEvent.objects.values_list("external_id", "import_batch"))
    assert batches["JN-01"] == first.pk
    assert batches["JN-02"] == second.pk


def test_nothing_saved_leaves_no_batch(client, world):
    client.force_login(world["coord_a"])
    bad = ledger(world, "JN-21,{c},2026-11-05,东门菜市场,菜市场,江南区,摆摊,很多,,{t}")
    client.post(IMPORT_URL, {"file": SimpleUploadedFile("bad.csv", bad)}, **ZH)
    client.post(IMPORT_URL, {"confirm": "1"}, **ZH)
    assert not ImportJob.objects.exists()


# --- background imports ----------------------------------------------------------------


def test_a_background_import_is_a_batch_too(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(service, "INLINE_IMPORT_MAX_ROWS", 1)
    client.force_login(world["coord_a"])
    content = ledger(
        world,
        "JN-31,{c},2026-11-05,东门菜市场,菜市场,江南区,摆摊,120,,{t}",
        "JN-32,{c},2026-11-06,江南中学,学校,江南区,讲座,300,,{t}",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(IMPORT_URL, {"file": SimpleUploadedFile("big.csv", content)})
    job = ImportJob.objects.get()
    assert response["Location"] == f"{IMPORT_URL}{job.pk}/"
    assert set(job.events.values_list("external_id", flat=True)) == {"JN-31", "JN-32"}
    page = client.get(response["Location"], **ZH)
    assert links_of(page.content.decode(), "提交这 2 条草稿审核")


def possible_duplicate(world):
    """An event of A队 already recorded at 东门菜市场 on 5 November, and a ledger row
    with a new id at the same campaign, day and venue."""
    starts = datetime.datetime(2026, 11, 5, 1, 0, tzinfo=datetime.UTC)
    factories.OutreachEventFactory(
        campaign=world["campaign"],
        team=world["team_a"],
        venue=factories.VenueFactory(name="东门菜市场", district="江南区", venue_type="market"),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        external_id="JN-40",
        status="draft",
    )
    return ledger(
        world,
        "JN-41,{c},2026-11-05,东门菜市场,菜市场,江南区,摆摊,120,,{t}",
        "JN-42,{c},2026-11-06,江南中学,学校,江南区,讲座,300,,{t}",
    )


@pytest.mark.parametrize(("allow", "imported_ids"), [(False, set()), (True, {"JN-41", "JN-42"})])
def test_a_background_import_allows_possible_duplicates_only_when_asked(
    world, django_capture_on_commit_callbacks, allow, imported_ids
):
    content = possible_duplicate(world)
    with django_capture_on_commit_callbacks(execute=True):
        job = queue_import(
            content=content,
            filename="台账.csv",
            user=world["coord_a"],
            skip_invalid=False,
            allow_duplicates=allow,
            rows=2,
        )
    job.refresh_from_db()
    assert job.allow_duplicates is allow
    assert set(job.events.values_list("external_id", flat=True)) == imported_ids
    if not allow:
        assert not job.report["saved"]
        assert any("possible duplicate" in p[2] or "重复" in p[2] for p in job.report["problems"])


def test_the_upload_form_hands_allow_duplicates_to_the_background_job(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(service, "INLINE_IMPORT_MAX_ROWS", 1)
    content = possible_duplicate(world)
    client.force_login(world["coord_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            IMPORT_URL,
            {"file": SimpleUploadedFile("台账.csv", content), "allow_duplicates": "on"},
        )
    job = ImportJob.objects.get()
    assert job.allow_duplicates and job.report["saved"] and job.report["new"] == 2


# --- campaigns of the same name ----------------------------------------------------------


def same_named(world, *, both_have_team_a: bool):
    """A second campaign called like the world's: last year's, with A队 too, or B队's own."""
    world["campaign"].name = "全民反诈进社区"
    world["campaign"].save()
    if not both_have_team_a:  # B队's own, begun after the world's: the newer of the two
        return factories.CampaignFactory(
            name="全民反诈进社区",
            slug="quanmin-hexi",
            start_date=datetime.date(2026, 2, 1),
            end_date=datetime.date(2026, 12, 31),
            teams=[world["team_b"]],
        )
    return factories.CampaignFactory(
        name="全民反诈进社区",
        slug="quanmin-2025",
        start_date=datetime.date(2025, 3, 1),
        end_date=datetime.date(2025, 12, 31),
        teams=[world["team_a"], world["team_b"]],
    )


def test_a_campaign_name_two_campaigns_share_is_reported_with_the_candidates(world):
    same_named(world, both_have_team_a=True)
    report = service.import_events(
        content=ledger(
            world, "JN-51,《全民反诈进社区》,2026-11-05,东门菜市场,菜市场,江南区,摆摊,120,,{t}"
        ),
        filename="台账.csv",
        user=world["coord_a"],
    )
    assert not report.saved
    [problem] = report.problems
    assert problem.column == "campaign" and problem.row == 2
    message = problem.message
    assert "全民反诈进社区" in message and "2" in message
    assert "2025-03-01" in message and world["campaign"].start_date.isoformat() in message
    assert "quanmin-2025" in message and world["campaign"].slug in message  # what to write
    assert "A队" in message


def test_the_slug_names_one_of_two_campaigns_of_the_same_name(world):
    same_named(world, both_have_team_a=True)
    report = service.import_events(
        content=ledger(
            world, "JN-52,quanmin-2025,2025-11-05,东门菜市场,菜市场,江南区,摆摊,120,,{t}"
        ),
        filename="台账.csv",
        user=world["coord_a"],
    )
    assert report.saved, report.problems
    assert OutreachEvent.objects.get(external_id="JN-52").campaign.slug == "quanmin-2025"


def test_a_shared_name_is_not_ambiguous_for_a_team_in_only_one_of_them(world):
    same_named(world, both_have_team_a=False)
    report = service.import_events(
        content=ledger(
            world, "JN-53,全民反诈进社区,2026-11-05,东门菜市场,菜市场,江南区,摆摊,120,,{t}"
        ),
        filename="台账.csv",
        user=world["coord_a"],
    )
    assert report.saved, report.problems
    assert OutreachEvent.objects.get(external_id="JN-53").campaign == world["campaign"]
