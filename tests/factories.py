"""Factories that build a small, realistic site tree for tests (not the demo fixture)."""

import datetime

import factory
import wagtail_factories
from wagtail.models import Locale

from campaigns.models import District
from campaigns.places import find_district
from core.models import HomePage
from materials import models


class LocaleMixin:
    @staticmethod
    def zh():
        return Locale.objects.get_or_create(language_code="zh-hans")[0]


class ImageFactory(wagtail_factories.ImageFactory):
    description = factory.Sequence(lambda n: f"示例图片 {n}")

    class Meta:
        model = wagtail_factories.ImageFactory._meta.model


class ScamTypeFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"诈骗类型{n}")
    slug = factory.Sequence(lambda n: f"scam-type-{n}")
    locale = factory.LazyFunction(LocaleMixin.zh)

    class Meta:
        model = models.ScamType


class AudienceFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"受众{n}")
    slug = factory.Sequence(lambda n: f"audience-{n}")
    locale = factory.LazyFunction(LocaleMixin.zh)

    class Meta:
        model = models.Audience


class HomePageFactory(wagtail_factories.PageFactory):
    title = "首页"
    slug = "home"
    hero_title = "识骗防骗，从这里开始"

    class Meta:
        model = HomePage


class MaterialIndexPageFactory(wagtail_factories.PageFactory):
    title = "资料库"
    slug = "materials"

    class Meta:
        model = models.MaterialIndexPage


class AlertIndexPageFactory(wagtail_factories.PageFactory):
    title = "防骗预警"
    slug = "alerts"

    class Meta:
        model = models.AlertIndexPage


class MaterialFactoryMixin:
    summary = factory.Sequence(lambda n: f"第{n}份资料的简介。")
    last_reviewed = factory.LazyFunction(datetime.date.today)


class PosterPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"海报{n}")
    summary = factory.Sequence(lambda n: f"第{n}张海报的简介。")
    image = factory.SubFactory(ImageFactory)
    image_alt = "海报文字：陌生来电要警惕，拨打96110咨询。"

    class Meta:
        model = models.PosterPage


class GuidePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"指南{n}")
    summary = factory.Sequence(lambda n: f"第{n}篇指南的简介。")
    body = factory.LazyFunction(
        lambda: [("paragraph", "<p>接到自称公检法的电话，先挂断再核实。</p>")]
    )

    class Meta:
        model = models.GuidePage


class CaseStudyPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"案例{n}")
    summary = "一起冒充客服的诈骗。"
    what_happened = "<p>王先生接到自称快递客服的电话。</p>"
    red_flags = factory.LazyFunction(lambda: [("flag", "要求下载会议软件并共享屏幕")])
    outcome = models.CaseStudyPage.Outcome.STOPPED
    amount_yuan = 50000
    lesson = "<p>正规客服不会要求共享屏幕。</p>"

    class Meta:
        model = models.CaseStudyPage


class VideoPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"视频{n}")
    summary = "一分钟看懂刷单骗局。"
    embed_url = "https://video.example.org/watch/123"
    transcript = "<p>刷单就是诈骗。</p>"

    class Meta:
        model = models.VideoPage


class AlertPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"预警{n}")
    summary = "近期出现冒充医保局的诈骗电话。"
    body = "<p>医保局不会电话通知冻结医保卡。</p>"
    alert_date = factory.LazyFunction(datetime.date.today)

    class Meta:
        model = models.AlertPage


class AudienceLandingPageFactory(wagtail_factories.PageFactory):
    title = "帮爸妈防骗"
    intro = "爸妈接到“公检法”电话、被拉进“养老投资”群？这里是子女能做的事。"
    remember = factory.LazyFunction(
        lambda: [
            ("point", {"heading": "陌生来电不轻信", "text": "自称公检法的电话，先挂断再核实。"}),
            ("point", {"heading": "钱不转给陌生人", "text": "所谓“安全账户”都是骗子的账户。"}),
            ("point", {"heading": "有事先问儿女", "text": "转账之前，先给子女打个电话。"}),
        ]
    )

    class Meta:
        model = models.AudienceLandingPage


class InformationPageFactory(wagtail_factories.PageFactory):
    title = "关于我们"
    intro = "本站由江城市公安局反诈中心主办。"
    body = factory.LazyFunction(
        lambda: [("paragraph", "<p>我们整理防骗资料，供大家下载转发。</p>")]
    )
    show_in_menus = True

    class Meta:
        model = models.InformationPage


# --- campaigns -----------------------------------------------------------------------------
def district_named(name: str):
    """The managed district this spelling means (江南 is 江南区), made if there is none."""
    return find_district(name) or District.objects.create(name=name)


class TeamFactory(factory.django.DjangoModelFactory):
    """A team's district is one of the managed districts (made if missing)."""

    name = factory.Sequence(lambda n: f"第{n}反诈中心")
    district = "江南区"

    class Meta:
        model = "campaigns.Team"
        skip_postgeneration_save = True

    @factory.post_generation
    def managed_district(self, create, extracted, **kwargs):
        if create and self.district.strip():
            district_named(self.district)


class CampaignFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"宣传活动{n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2026, 12, 31)
    target_events = 10
    target_people = 1000
    target_materials = 500

    class Meta:
        model = "campaigns.Campaign"
        skip_postgeneration_save = True

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.set(extracted)


class DistrictFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"第{n}区")

    class Meta:
        model = "campaigns.District"
        django_get_or_create = ("name",)


class VenueFactory(factory.django.DjangoModelFactory):
    """``district`` may be given as text, as tests and ledgers write it: "江南区"."""

    name = factory.Sequence(lambda n: f"场所{n}")
    venue_type = "market"
    district = "江南区"

    class Meta:
        model = "campaigns.Venue"

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        if isinstance(kwargs.get("district"), str):
            kwargs["district"] = district_named(kwargs["district"])
        return kwargs


def reached(attendance, *, elders=0, students=0, general_public=0, **figures) -> dict:
    """An event's head counts for OutreachEventFactory, an audience not given being 0:
    ``OutreachEventFactory(**reached(100, elders=60, general_public=40))``."""
    return dict(
        attendance=attendance,
        elders=elders,
        students=students,
        general_public=general_public,
        **figures,
    )


class OutreachEventFactory(factory.django.DjangoModelFactory):
    campaign = factory.SubFactory(CampaignFactory)
    team = factory.LazyAttribute(lambda event: event.campaign.teams.first())
    venue = factory.SubFactory(VenueFactory)
    starts_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 5, 20, 9, 0, tzinfo=datetime.UTC)
    )
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + datetime.timedelta(hours=2))
    format = "booth"
    attendance = 100
    elders = 40
    students = 10
    general_public = 50
    materials_distributed = 30
    warnings = 2
    status = "draft"

    class Meta:
        model = "campaigns.OutreachEvent"
