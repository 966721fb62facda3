"""The site tree most tests start from, built once per test database (tests/conftest.py)."""

from wagtail.models import Locale, Page, Site

from core.models import HomePage
from materials.models import AlertIndexPage, Audience, MaterialIndexPage, ScamType
from tests import factories

HOME_SLUG = "home-zh"
AUDIENCES = {"elders": "老年人", "students": "学生"}
SCAM_TYPES = {"impersonating-police": "冒充公检法"}


def build_site_tree():
    """Root > home (zh-hans) > materials library + alert list, the default site pointing
    at home, two audiences and a scam type."""
    Locale.objects.get_or_create(language_code="zh-hans")
    Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node()
    home = factories.HomePageFactory(parent=root, slug=HOME_SLUG)
    site = Site.objects.get(is_default_site=True)
    old_root = site.root_page
    site.root_page = home
    site.hostname = "testserver"
    site.save()
    if old_root.pk != home.pk:
        old_root.delete()
    factories.MaterialIndexPageFactory(parent=home)
    factories.AlertIndexPageFactory(parent=home)
    for slug, name in AUDIENCES.items():
        factories.AudienceFactory(slug=slug, name=name)
    for slug, name in SCAM_TYPES.items():
        factories.ScamTypeFactory(slug=slug, name=name)


def remove_site_tree():
    """Back to what the migrations leave: one plain page under the root, the default site
    on it, no taxonomy. For tests of commands that build a site themselves."""
    root = Page.get_first_root_node()
    placeholder = root.add_child(instance=Page(title="Welcome", slug="welcome"))
    Site.objects.filter(is_default_site=True).update(root_page=placeholder)
    HomePage.objects.filter(slug=HOME_SLUG).delete()
    Audience.objects.filter(slug__in=AUDIENCES).delete()
    ScamType.objects.filter(slug__in=SCAM_TYPES).delete()


def site_tree_objects():
    """The tree build_site_tree made, fetched from the database."""
    home = HomePage.objects.get(slug=HOME_SLUG)
    return {
        "home": home,
        "library": MaterialIndexPage.objects.child_of(home).get(),
        "alerts": AlertIndexPage.objects.child_of(home).get(),
        "site": Site.objects.get(is_default_site=True),
        "elders": Audience.objects.get(slug="elders"),
        "students": Audience.objects.get(slug="students"),
        "police": ScamType.objects.get(slug="impersonating-police"),
        "locales": {code: Locale.objects.get(language_code=code) for code in ("zh-hans", "en")},
    }
