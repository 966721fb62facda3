"""Chinese words are found anywhere in a title or body; titles rank first; index follows
publishing."""

import pytest
from bs4 import BeautifulSoup

from core.search import cjk_ngrams, query_tokens
from tests import factories


@pytest.fixture
def materials(site_tree):
    library = site_tree["library"]
    return {
        "pension_title": factories.PosterPageFactory(
            parent=library, title="高息养老项目多半是陷阱", summary="宣传海报"
        ),
        "pension_body": factories.GuidePageFactory(
            parent=library,
            title="给父母的一封信",
            summary="写给子女",
            body=[("paragraph", "<p>所谓以房养老，其实是把房子抵押出去。</p>")],
        ),
        "police": factories.CaseStudyPageFactory(
            parent=library,
            title="一起电信诈骗案",
            what_happened="<p>对方自称公检法工作人员，要求转账到安全账户。</p>",
        ),
        "click_farming": factories.GuidePageFactory(
            parent=library,
            title="学生兼职防骗",
            body=[("warning_signs", {"title": "信号", "signs": ["网上刷单返利，先垫付后返现"]})],
        ),
        "screen": factories.AlertPageFactory(
            parent=site_tree["alerts"],
            title="预警：冒充客服",
            body="<p>对方让你下载会议软件并共享屏幕。</p>",
        ),
    }


def titles(client, query, **params):
    response = client.get("/zh-hans/search/", {"q": query, **params})
    assert response.status_code == 200
    return [page.title for page in response.context["results"].object_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("养老", {"高息养老项目多半是陷阱", "给父母的一封信"}),
        ("公检法", {"一起电信诈骗案"}),
        ("刷单", {"学生兼职防骗"}),
        ("共享屏幕", {"预警：冒充客服", "一起电信诈骗案"}),  # the case factory's red flag
        ("安全账户", {"一起电信诈骗案"}),
    ],
)
def test_chinese_words_are_found_in_titles_and_bodies(client, materials, query, expected):
    assert set(titles(client, query)) == expected


def test_words_that_only_share_characters_do_not_match(client, materials):
    assert titles(client, "养生") == []  # 养 and 生 appear, the word does not
    assert titles(client, "生养") == []


def test_title_matches_rank_before_body_matches(client, materials):
    assert titles(client, "养老") == ["高息养老项目多半是陷阱", "给父母的一封信"]


def test_results_show_type_and_highlighted_excerpt(client, materials):
    html = client.get("/zh-hans/search/", {"q": "以房养老"}).content.decode()
    assert "<mark>以房养老</mark>" in html


def test_each_result_is_labelled_with_its_own_type(client, site_tree):
    library, alerts = site_tree["library"], site_tree["alerts"]
    expected = {
        factories.PosterPageFactory(parent=library, title="快递退款海报").title: "宣传海报",
        factories.VideoPageFactory(parent=library, title="快递退款视频").title: "宣传视频",
        factories.GuidePageFactory(parent=library, title="快递退款指南").title: "防骗指南",
        factories.CaseStudyPageFactory(parent=library, title="快递退款案例").title: "典型案例",
        factories.AlertPageFactory(parent=alerts, title="快递退款预警").title: "防骗预警",
    }
    html = client.get("/zh-hans/search/", {"q": "快递退款"}).content.decode()
    results = BeautifulSoup(html, "html.parser").select(".results article")
    shown = {}
    for result in results:
        label = result.select_one(".card-kind")
        shown[result.select_one("h2").get_text(strip=True)] = label and label.get_text(strip=True)
    assert shown == expected


def test_english_search_still_works(client, site_tree):
    factories.GuidePageFactory(
        parent=site_tree["library"],
        title="Hang up on fake police",
        summary="Police never ask for transfers.",
    )
    assert titles(client, "police") == ["Hang up on fake police"]


def test_index_follows_publishing(client, site_tree):
    guide = factories.GuidePageFactory(
        parent=site_tree["library"], title="反诈指南", body=[("paragraph", "<p>谨防虚假贷款</p>")]
    )
    assert titles(client, "虚假贷款") == ["反诈指南"]
    guide.body = [("paragraph", "<p>谨防游戏装备交易诈骗</p>")]
    guide.save_revision().publish()
    assert titles(client, "虚假贷款") == []
    assert titles(client, "游戏装备") == ["反诈指南"]
    guide.unpublish()
    assert titles(client, "游戏装备") == []


def test_search_filters_by_type(client, materials):
    assert set(titles(client, "冒充", type="alert")) == {"预警：冒充客服"}


def test_ngram_tokens_are_ascii_and_cover_every_pair():
    tokens = cjk_ngrams("以房养老 pension")
    assert all(token.isascii() and token.isalnum() for token in tokens)
    assert query_tokens("养老")[0] in tokens
    assert len(query_tokens("公检法")) == 2
    assert query_tokens("pension 养") == ["pension", cjk_ngrams("养")[0]]
