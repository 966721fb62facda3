"""Search as readers type it (issue 15): typos and pinyin answered from the pages' own
words, passages with every match marked, the zero-result page, the other language."""

import re

import pytest

from materials import spelling
from tests import factories
from tests.materials.test_help_path import make_help_page

SEARCH = "/zh-hans/search/"


def publish(page):
    page.save_revision().publish()
    return page


@pytest.fixture
def library(site_tree):
    """A small library shaped like the demo's: guides, a case, a video, a poster."""
    home, library = site_tree["home"], site_tree["library"]
    pages = {
        "pension": factories.GuidePageFactory(
            parent=library,
            title="守好养老钱：老年人投资防骗指南",
            summary="高息养老项目多半是骗局。",
            body=[
                ("heading", "这些说法要当心"),
                ("paragraph", "<p>以房养老、养老公寓、养老保险，打着养老旗号的骗局很多。</p>"),
                ("paragraph", "<p>凡是承诺年化18%以上收益的养老项目，多半是养老骗局。</p>"),
            ],
        ),
        "police": factories.GuidePageFactory(
            parent=library,
            title="接到“公检法”电话，记住这几点",
            summary="公检法不会电话办案。",
            body=[("paragraph", "<p>冒充公检法的骗子会说你涉嫌洗钱，要你转账到安全账户。</p>")],
        ),
        "case": factories.CaseStudyPageFactory(
            parent=library,
            title="“安全账户”转账23万，银行柜台及时劝阻",
            summary="冒充公检法，银行柜员劝阻。",
            what_happened=(
                "<p>李阿姨接到自称公安局民警的电话，称她名下银行卡涉嫌洗钱，要求把全部存款"
                "转入&ldquo;安全账户&rdquo;。</p><p>柜员请她拨打110核实，"
                "公安机关没有所谓的安全账户。</p>"
            ),
            red_flags=[("flag", "要求把钱转入安全账户")],
            lesson="<p>冒充公检法：公检法不会要求转账。</p>",
        ),
        "video": factories.VideoPageFactory(
            parent=library,
            title="刷单就是诈骗",
            summary="一分钟看懂刷单骗局。",
            transcript="<p>刷单返利，先垫钱的兼职都是骗局。刷单就是诈骗。</p>",
        ),
        "poster": factories.PosterPageFactory(
            parent=library,
            title="陌生人让你共享屏幕？挂断！",
            summary="正规客服不会让你共享屏幕。",
            image_alt="海报文字：屏幕共享，一键转走你的钱。",
        ),
    }
    for page in pages.values():
        publish(page)
    make_help_page(home)
    return pages


def html_for(client, query, path=SEARCH, **params):
    response = client.get(path, {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode()


def titles(html):
    return re.findall(r'class="result-title"><a href="[^"]*">([^<]*)</a>', html)


# --- typos -------------------------------------------------------------------------------
def test_a_typo_that_finds_nothing_shows_what_the_reader_meant_and_keeps_the_original(
    client, library
):
    html = html_for(client, "养老骗据")
    assert "已为您显示“养老骗局”的结果，" in html
    assert titles(html) == ["守好养老钱：老年人投资防骗指南"]
    link = re.search(r'<a href="([^"]*)">仍搜索“养老骗据”</a>', html)
    assert link, "the original search is one click away"
    exact = html_for(client, None, **dict(re.findall(r"(\w+)=([^&]*)", link.group(1).lstrip("?"))))
    assert "已为您显示" not in exact


def test_the_original_query_is_searched_as_typed_when_asked(client, library):
    html = html_for(client, "养老骗据", exact="1")
    assert "已为您显示" not in html and "您是不是要找" not in html
    assert "找到" in html and "养老骗据" in html


def test_a_homophone_in_a_topic_name_is_corrected(client, library):
    html = html_for(client, "冒充公减法")
    assert "已为您显示“冒充公检法”的结果" in html
    assert set(titles(html)) >= {
        "接到“公检法”电话，记住这几点",
        "“安全账户”转账23万，银行柜台及时劝阻",
    }


def test_a_few_results_with_a_much_better_spelling_get_a_did_you_mean_link(client, library):
    publish(  # an editor's own typo: one page says 养老骗据
        factories.GuidePageFactory(
            parent=library["pension"].get_parent(),
            title="投钱之前问五个问题",
            body=[("paragraph", "<p>养老骗据多种多样。</p>")],
        )
    )
    for n in range(3):
        publish(
            factories.AlertPageFactory(
                parent=library["pension"].get_parent().get_parent().get_children()[1],
                title=f"预警：新型养老骗局{n}",
                body="<p>养老骗局又有新花样。</p>",
            )
        )
    html = html_for(client, "养老骗据")
    assert titles(html) == ["投钱之前问五个问题"]
    suggestion = '您是不是要找： <a href="?q=%E5%85%BB%E8%80%81%E9%AA%97%E5%B1%80">养老骗局</a>'
    assert suggestion in html


def test_a_correct_query_gets_no_suggestion(client, library):
    html = html_for(client, "养老骗局")
    assert "已为您显示" not in html and "您是不是要找" not in html


# --- pinyin --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "chinese", "title"),
    [
        ("yanglao", "养老", "守好养老钱：老年人投资防骗指南"),
        ("yang lao", "养老", "守好养老钱：老年人投资防骗指南"),
        ("shuadan", "刷单", "刷单就是诈骗"),
        ("gongjianfa", "公检法", "接到“公检法”电话，记住这几点"),
        ("gong jian fa", "公检法", "接到“公检法”电话，记住这几点"),
    ],
)
def test_pinyin_finds_its_chinese_words(client, library, typed, chinese, title):
    html = html_for(client, typed)
    assert f"已为您显示“{chinese}”的结果" in html
    assert title in titles(html)
    assert "英文网站" not in html  # pinyin is not English


def test_the_vocabulary_follows_what_is_published(client, site_tree):
    assert "已为您显示" not in html_for(client, "fanzha")
    publish(
        factories.GuidePageFactory(
            parent=site_tree["library"],
            title="反诈从我做起",
            body=[("paragraph", "<p>反诈知识。</p>")],
        )
    )
    html = html_for(client, "fanzha")
    assert "已为您显示“反诈”的结果" in html and "反诈从我做起" in titles(html)


# --- passages ------------------------------------------------------------------------------
def passage_of(html, title):
    article = re.search(
        r'<article class="result">(?:(?!</article>).)*?' + re.escape(title) + r"(.*?)</article>",
        html,
        re.S,
    )
    assert article, title
    return re.search(r'<p class="excerpt">(.*?)</p>', article.group(1), re.S).group(1)


def test_a_result_shows_the_body_passage_with_every_match_marked(client, library):
    html = html_for(client, "安全账户")
    excerpt = passage_of(html, "“安全账户”转账23万，银行柜台及时劝阻")
    assert excerpt.count("<mark>安全账户</mark>") >= 2  # every match, not the first only
    assert "李阿姨" in excerpt or "柜员" in excerpt  # the body, not the title again
    assert "“安全账户”转账23万" not in excerpt
    assert "&amp;ldquo;" not in excerpt  # entities read as text once, escaped once


def test_a_poster_shows_its_summary_not_its_alt_text(client, library):
    excerpt = passage_of(html_for(client, "共享屏幕"), "陌生人让你共享屏幕？挂断！")
    assert excerpt == "正规客服不会让你<mark>共享屏幕</mark>。"
    assert "海报文字" not in excerpt


def test_a_passage_is_escaped(client, library):
    publish(
        factories.AlertPageFactory(
            parent=library["case"].get_parent().get_parent().get_children()[1],
            title="假冒链接预警",
            body="<p>短信里的链接 &lt;script&gt;alert(1)&lt;/script&gt; 是钓鱼网站。</p>",
        )
    )
    excerpt = passage_of(html_for(client, "钓鱼网站"), "假冒链接预警")
    assert "<script>" not in excerpt and "&lt;script&gt;" in excerpt
    assert "<mark>钓鱼网站</mark>" in excerpt


# --- zero results and the other language ---------------------------------------------------
def test_a_search_that_finds_nothing_is_no_dead_end(client, library, site_tree):
    html = html_for(client, "火星签证怎么办理")
    assert "找到 0 条" in html
    assert 'class="help-path"' in html and 'href="/zh-hans/help/"' in html
    assert 'href="tel:110"' in html and 'href="tel:96110"' in html
    assert "/topic/impersonating-police/" in html and "冒充公检法" in html


def test_an_english_query_on_the_chinese_site_suggests_the_english_site(client, library):
    html = html_for(client, "police scam")
    assert (
        '<a href="/en/search/?q=police+scam" hreflang="en" lang="en">'
        "Search “police scam” on the English site</a>"
    ) in html


@pytest.mark.parametrize("query", ["App", "110", "养老", "AI换脸"])
def test_words_the_chinese_pages_use_do_not_suggest_the_english_site(client, library, query):
    publish(
        factories.AlertPageFactory(
            parent=library["case"].get_parent().get_parent().get_children()[1],
            title="不明App要当心",
            body="<p>下载不明App，钱被转走。</p>",
        )
    )
    assert "other-language" not in html_for(client, query)


def test_a_chinese_query_on_the_english_site_suggests_the_chinese_site(client, library):
    html = html_for(client, "养老骗局", path="/en/search/")
    assert (
        '<a href="/zh-hans/search/?q=%E5%85%BB%E8%80%81%E9%AA%97%E5%B1%80" hreflang="zh-Hans" '
        'lang="zh-Hans">在中文网站搜索“养老骗局”</a>'
    ) in html


def test_the_vocabulary_is_built_once_per_publish(client, library, monkeypatch):
    builds = []
    build = spelling.Vocabulary.build
    monkeypatch.setattr(
        spelling.Vocabulary, "build", lambda texts: builds.append(1) or build(texts)
    )
    html_for(client, "shuadan")
    html_for(client, "养老骗据")
    assert len(builds) == 1
    publish(library["video"])
    html_for(client, "shuadan")
    assert len(builds) == 2


def test_a_pasted_message_is_not_echoed_in_full_in_the_count(client, library):
    message = (
        "【海关总署】您有一个国际快递包裹被查出夹带违禁物品，涉嫌洗钱犯罪，请联系专案民警。" * 2
    )
    html = html_for(client, message)
    count = re.search(r'<p class="result-count" role="status">(.*?)</p>', html, re.S).group(1)
    assert len(count) < 60, count
