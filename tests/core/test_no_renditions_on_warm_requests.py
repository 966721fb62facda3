"""Once a page has been seen, showing it again decodes and resizes no image.

Wagtail makes a rendition the first time a size is asked for and keeps it. But where
renditions are prefetched and a template asks for a size the prefetch did not name, it
makes the file again on every request (and saves nothing, the row already exists): about
60 ms of CPU per image, unseen by anything but the CPU. So every public page type is
fetched twice, with the page cache off, and the second fetch must make no rendition and
decode no image; then again with the fragment caches empty, as after any publish.
"""

import PIL.Image
import pytest
from django.core.cache import cache
from wagtail.images.models import AbstractImage

from core.cache_epoch import recent_values
from core.models import HomeFeaturedItem
from tests import factories
from tests.once import built_once
from tests.site_tree import site_tree_objects


def image_block(image):
    return ("image", {"image": image, "caption": "来电显示可以伪造"})


def build_full_site():
    """One live page of every public type, each showing the images it can show."""
    site_tree = site_tree_objects()
    library, alerts, home = site_tree["library"], site_tree["alerts"], site_tree["home"]
    elders, police = site_tree["elders"], site_tree["police"]
    elders.icon = factories.ImageFactory(title="老年人图标")
    elders.save()
    police.icon = factories.ImageFactory(title="冒充公检法图标")
    police.save()

    poster = factories.PosterPageFactory(
        parent=library, title="陌生来电要警惕海报", image__title="陌生来电海报"
    )
    video = factories.VideoPageFactory(
        parent=library, title="陌生来电刷单视频", listing_image=factories.ImageFactory()
    )
    guide = factories.GuidePageFactory(
        parent=library,
        title="陌生来电应对指南",
        listing_image=factories.ImageFactory(),
        body=[
            ("paragraph", "<p>接到陌生来电，先挂断再核实。</p>"),
            image_block(factories.ImageFactory()),
        ],
    )
    case = factories.CaseStudyPageFactory(
        parent=library, title="陌生来电冒充客服案例", listing_image=factories.ImageFactory()
    )
    alert = factories.AlertPageFactory(parent=alerts, title="陌生来电冒充医保局预警")
    for page in (poster, video, guide, case):
        page.scam_types.add(police)
        page.audiences.add(elders)
        page.save_revision().publish()
    for order, page in enumerate((poster, guide, video)):
        HomeFeaturedItem.objects.create(home=home, page=page, sort_order=order)
    home.save_revision().publish()
    return {
        "home": home.url,
        "library": library.url,
        "audience landing": library.url + "for/elders/",
        "scam type landing": library.url + "topic/impersonating-police/",
        "poster": poster.url,
        "video": video.url,
        "guide": guide.url,
        "case": case.url,
        "alert": alert.url,
        "alert list": alerts.url,
        "rss feed": alerts.url + "feed/rss/",
        "atom feed": alerts.url + "feed/atom/",
        "search": "/zh-hans/search/?q=陌生来电",
        "sitemap": "/sitemap.xml",
    }


@pytest.fixture(scope="module")
def full_site_once(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, build_full_site) as urls:
        yield urls


@pytest.fixture
def full_site(db, full_site_once):
    return full_site_once


@pytest.fixture
def image_work(monkeypatch):
    """Records each rendition made and each image file decoded."""
    made = []
    make, decode = AbstractImage.generate_rendition_file, PIL.Image.open

    def generate_rendition_file(self, filter, *args, **kwargs):
        made.append(f"{self.title}: {filter.spec}")
        return make(self, filter, *args, **kwargs)

    def open_image(*args, **kwargs):
        made.append("decoded an image")
        return decode(*args, **kwargs)

    monkeypatch.setattr(AbstractImage, "generate_rendition_file", generate_rendition_file)
    monkeypatch.setattr(PIL.Image, "open", open_image)
    return made


# Page type, and whether it shows images (its first visit then makes their renditions).
PAGES = [
    ("home", True),
    ("library", True),
    ("audience landing", True),
    ("scam type landing", True),
    ("poster", True),
    ("video", True),
    ("guide", True),
    ("case", False),  # its image was only the link preview's crop; now its share card
    ("alert", False),
    ("alert list", False),
    ("rss feed", False),
    ("atom feed", False),
    ("search", True),
    ("sitemap", False),
]


@pytest.mark.parametrize("page,shows_images", PAGES, ids=[page for page, _ in PAGES])
def test_a_warm_request_makes_no_rendition(client, full_site, image_work, page, shows_images):
    url = full_site[page]
    first = client.get(url)
    assert first.status_code == 200
    assert bool(image_work) == shows_images  # the first visit makes what the page shows
    image_work.clear()

    again = client.get(url)
    assert again.status_code == 200 and "X-Page-Cache" not in again
    assert image_work == []

    cache.clear()  # as after a publish: no cached fragment, no cached rendition
    recent_values.clear()
    assert client.get(url).status_code == 200
    assert image_work == []


def test_search_results_show_the_posters_thumbnail(client, full_site):
    search = client.get(full_site["search"]).content.decode()
    result = search.split('class="result"')[1:]
    poster = next(part for part in result if "陌生来电要警惕海报" in part)
    # letterboxed, so the poster's headline is not cut (listing.py)
    assert 'class="result-thumb fit-whole"' in poster and "max-160x120" in poster
