"""The bad-input catalogue: what attackers, scripts and bad days send, on every kind of URL.

Public pages, admin lists, exports and forms (as a coordinator and as a manager), the JSON
API and uploads each get malformed, oversized, overflowing, wrongly encoded and hostile
input. None may answer 5xx: a person gets a page that says what was wrong, a program a
4xx. Uploads must also save nothing. Each case is its own test, so a regression names it.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from campaigns.models import OutreachEvent
from tests import factories
from tests.campaigns.conftest import build_world
from tests.once import built_once, fetched, keys_of
from tests.site_tree import site_tree_objects

pytestmark = pytest.mark.catalogue  # hundreds of cases: make test, not make test-fast

HUGE = "1" + "0" * 30  # past any integer column, on SQLite and PostgreSQL
LONG = "防" * 5000
NUL = "%00"
HOSTILE_TEXTS = [
    "",
    " ",
    NUL,
    "a%00b",
    HUGE,
    "-1",
    "0",
    "1.5",
    "1e9",
    "NaN",
    "%E4%B8",  # a cut UTF-8 sequence
    "%FF%FE",  # not UTF-8 at all
    "%F0%9F%98%80%F0%9F%98%80",  # emoji
    "'%20OR%201=1--",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "..%2F..%2Fetc%2Fpasswd",
    "%25",
    "a" * 3000,
]


@pytest.fixture(scope="module")
def world_keys(django_db_setup, django_db_blocker):
    def build():
        tree = site_tree_objects()
        factories.PosterPageFactory(parent=tree["library"], title="陌生来电海报", slug="poster")
        factories.GuidePageFactory(parent=tree["library"], title="防骗指南", slug="guide")
        factories.AlertPageFactory(parent=tree["alerts"], title="冒充客服预警", slug="alert")
        return keys_of(build_world(get_user_model()))

    with built_once(django_db_blocker, build) as keys:
        yield keys


@pytest.fixture
def world(db, world_keys):
    return fetched(world_keys)


def never_5xx(client: Client, method: str, url: str, **kwargs):
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code < 500, f"{method.upper()} {url} → {response.status_code}"
    return response


def anonymous() -> Client:
    return Client(raise_request_exception=False)


def signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


# --- Public pages --------------------------------------------------------------------
PUBLIC_URLS = (
    [f"/zh-hans/search/?q={text}" for text in HOSTILE_TEXTS]
    + [f"/zh-hans/search/?q=防骗&page={text}" for text in ("abc", "-1", "0", HUGE, NUL)]
    + [
        f"/zh-hans/materials/?{name}={text}"
        for name in ("type", "audience", "scam_type", "page")
        for text in ("nonexistent", HUGE, NUL, "a" * 3000)
    ]
    + [f"/zh-hans/materials/?type=poster&type=video&type={text}" for text in ("x", NUL)]
    + [f"/zh-hans/materials/for/{slug}/" for slug in ("nobody", "a" * 300, "%E4%B8")]
    + [f"/zh-hans/materials/topic/{slug}/" for slug in ("nothing", "a" * 300)]
    + [f"/zh-hans/alerts/?page={text}" for text in ("abc", HUGE, "-5")]
    + ["/zh-hans/alerts/feed/rss/?page=abc", "/zh-hans/alerts/feed/atom/?x=" + NUL]
    + [
        f"/poster/{page_id}/download/{size}/"
        for page_id in ("1", HUGE, "0")
        for size in ("a4", "a3", "a0", "../../etc", "x" * 200)
    ]
    + [f"/qr/{page_id}.{fmt}" for page_id in ("1", HUGE, "0") for fmt in ("png", "svg")]
    + [f"/r/{code}/" for code in ("AAAA", "0" * 16, "zzzzzzzzzzzzzzzz")]
    + [
        f"/care-mode/on/?next={target}"
        for target in ("https://evil.example/", "//evil", NUL, "/zh-hans/", "javascript:alert(1)")
    ]
    + [
        "/zh-hans/" + "a/" * 200,
        "/zh-hans/nonexistent/",
        "/en/nonexistent/",
        "/xx/",
        "/sitemap.xml?p=" + HUGE,
        "/robots.txt?x=" + NUL,
        "/healthz?x=1",
        "/documents/" + HUGE + "/x.pdf",
        "/zh-hans/%E4%B8/",
    ]
)


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_urls_never_answer_5xx(world, url):
    never_5xx(anonymous(), "get", url)


FEEDBACK_POSTS = [
    {},
    {"helpful": "maybe"},
    {"helpful": "yes", "comment": LONG},
    {"helpful": "no", "comment": '=HYPERLINK("http://evil")'},
    {"helpful": "yes", "comment": "\x00"},
]


@pytest.mark.parametrize("data", FEEDBACK_POSTS, ids=lambda data: str(sorted(data))[:40])
@pytest.mark.parametrize("page_id", ["1", "999999", HUGE])
def test_feedback_posts_never_answer_5xx(world, data, page_id):
    never_5xx(anonymous(), "post", f"/feedback/{page_id}/", data=data)


# --- Admin lists, exports and forms, as a coordinator and as a manager ------------------
ADMIN_URLS = (
    [
        f"/admin/campaigns/events/?{name}={text}"
        for name in ("team", "campaign", "status", "date_from", "date_to", "ordering", "p", "q")
        for text in ("abc", HUGE, NUL, "-1")
    ]
    + [f"/admin/campaigns/events/export/?file={fmt}" for fmt in ("csv", "xlsx", "exe", "")]
    + [f"/admin/campaigns/events/export/?file=csv&team={HUGE}"]
    + [
        f"/admin/campaigns/events/{action}/{pk}/"
        for action in ("edit", "inspect", "delete", "history")
        for pk in (HUGE, "999999999")
    ]
    + [
        f"/admin/campaigns/reach/?{name}={text}"
        for name in ("team", "campaign", "date_from", "date_to", "format")
        for text in ("abc", HUGE, NUL)
    ]
    + [f"/admin/campaigns/big-screen/?campaign={text}" for text in ("abc", HUGE)]
    + [f"/admin/campaigns/links/{pk}/qr.{fmt}" for pk in (HUGE, "999") for fmt in ("png", "x")]
    + [f"/admin/campaigns/evidence/{name}" for name in ("../../settings.py", "x.jpg", NUL)]
    + [f"/admin/campaigns/venues/?q={text}" for text in (NUL, LONG[:500])]
    + [f"/admin/pages/{pk}/edit/" for pk in (HUGE, "999999")]
    + [
        f"/admin/reports/site-history/?{name}={text}"
        for name in ("timestamp_from", "user", "object_type")
        for text in ("abc", HUGE)
    ]
    + ["/admin/reports/site-history/?export=csv", "/admin/images/?p=" + HUGE]
)


@pytest.mark.parametrize("role", ["coord_a", "manager"])
@pytest.mark.parametrize("url", ADMIN_URLS)
def test_admin_urls_never_answer_5xx(world, url, role):
    never_5xx(signed_in(world[role]), "get", url)


EVENT_FORMS = [
    {},
    {"date": "2026-13-45", "attendance": "abc"},
    {"date": "2026-11-01", "attendance": HUGE},
    {"date": "2026-11-01", "attendance": "-5", "elders": HUGE},
    {"date": "\x00", "venue": HUGE, "campaign": HUGE, "team": "abc"},
]


@pytest.mark.parametrize("data", EVENT_FORMS, ids=lambda data: str(sorted(data))[:40])
def test_event_form_posts_never_answer_5xx(world, data):
    client = signed_in(world["coord_a"])
    before = OutreachEvent.objects.count()
    never_5xx(client, "post", "/admin/campaigns/events/new/", data=data)
    assert OutreachEvent.objects.count() == before


# --- The JSON API ----------------------------------------------------------------------
API_URLS = [
    f"/api/v1/materials/?{name}={text}"
    for name in ("limit", "offset", "lang", "type", "audience", "scam_type", "q")
    for text in ("abc", HUGE, NUL, "-1")
] + [
    f"/api/v1/reach/?{name}={text}"
    for name in ("campaign", "team", "date_from", "date_to")
    for text in ("abc", HUGE, NUL)
]


@pytest.mark.parametrize("url", API_URLS)
def test_api_urls_never_answer_5xx(world, url):
    response = never_5xx(signed_in(world["coord_a"]), "get", url)
    assert response["Content-Type"].startswith("application/json")


# --- Uploads ---------------------------------------------------------------------------
def xlsx_bytes_that_are_not() -> bytes:
    return b"PK\x03\x04" + b"\x00" * 200  # a zip header and nothing of a workbook


UPLOADS = {
    "empty csv": ("events.csv", b""),
    "nul bytes": ("events.csv", b"\x00" * 1000),
    "binary as xlsx": ("events.xlsx", xlsx_bytes_that_are_not()),
    "random as xlsx": ("events.xlsx", bytes(range(256)) * 40),
    "gbk csv": ("events.csv", "活动日期,场所\n2026-11-01,东门菜市场\n".encode("gbk")),
    "exe": ("events.exe", b"MZ" + b"\x00" * 100),
    "header only": ("events.csv", b"external_id,campaign,team\n"),
    "one huge line": ("events.csv", b"a," * 50000),
}


@pytest.mark.parametrize("name", UPLOADS)
def test_import_uploads_never_answer_5xx_and_save_nothing(world, name):
    filename, content = UPLOADS[name]
    before = OutreachEvent.objects.count()
    client = signed_in(world["manager"])
    upload = SimpleUploadedFile(filename, content)
    never_5xx(client, "post", "/admin/campaigns/events/import/", data={"file": upload})
    assert OutreachEvent.objects.count() == before


IMAGES = {
    "not an image": ("poster.jpg", b"this is not a jpeg"),
    "truncated png": ("poster.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
    "empty": ("poster.png", b""),
}


@pytest.mark.parametrize("name", IMAGES)
def test_image_uploads_never_answer_5xx(world, name):
    filename, content = IMAGES[name]
    admin = get_user_model().objects.create_superuser("root", password="pw")
    client = signed_in(admin)
    response = never_5xx(
        client,
        "post",
        "/admin/images/add/",
        data={"title": "海报", "file": SimpleUploadedFile(filename, content)},
    )
    assert response.status_code == 200  # the form again, with its message


def test_the_catalogue_is_at_least_150_cases():
    cases = (
        len(PUBLIC_URLS)
        + len(FEEDBACK_POSTS) * 3
        + len(ADMIN_URLS) * 2
        + len(EVENT_FORMS)
        + len(API_URLS)
        + len(UPLOADS)
        + len(IMAGES)
    )
    assert cases >= 150, cases
