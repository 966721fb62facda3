"""Typos and pinyin read from the pages' own words (core.spelling), without a database."""

import pytest

from core.spelling import Vocabulary, sound_key, toneless

# Shaped like the site: titles and topic names weigh 5, bodies 1.
TEXTS = [
    ("守好养老钱：老年人投资防骗指南", 5),
    ("高息养老项目多半是陷阱", 5),
    ("冒充公检法", 5),
    ("刷单返利", 5),
    ("刷单就是诈骗", 5),
    ("紧急预警：AI换脸冒充亲友视频借钱", 5),
    ("“安全账户”转账23万，银行柜台及时劝阻", 5),
    (
        "以房养老、养老公寓、养老保险，打着养老旗号的骗局很多。"
        "凡是承诺高额回报的养老项目，多半是骗局。下载App之前先问子女。",
        1,
    ),
    ("接到自称公检法的电话，先挂断再核实。公检法不会电话办案，也没有安全账户。", 1),
    ("刷单就是诈骗，先垫钱的兼职都是骗局。Police never ask for money by phone.", 1),
]


@pytest.fixture(scope="module")
def vocabulary():
    return Vocabulary.build(TEXTS)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("养老骗据", "养老骗局"),  # 据 / 局: both "ju"
        ("冒充公减法", "冒充公检法"),  # 减 / 检: both "jian"
        ("公检发", "公检法"),  # 发 / 法: both "fa"
        ("刷蛋返利", "刷单返利"),  # 蛋 dan / 单 dan
        ("养老骗据 app", "养老骗局 app"),  # the Latin word the pages use is left alone
        ("polise", "police"),  # a Latin typo
    ],
)
def test_typos_are_corrected_to_words_the_pages_use(vocabulary, typed, meant):
    assert vocabulary.corrected(typed) == meant


@pytest.mark.parametrize(
    "typed", ["养老骗局", "冒充公检法", "刷单", "安全账户", "AI换脸", "police"]
)
def test_words_the_pages_use_are_not_corrected(vocabulary, typed):
    assert vocabulary.corrected(typed) is None


def test_a_pasted_message_is_not_read_as_a_typo(vocabulary):
    message = "【海关通知】您有一个国际包裹涉嫌走私违禁品，已被海关扣留，请立即联系专案民警处理"
    assert vocabulary.corrected(message) is None
    # even when a short stretch of it is a homophone of the pages' words
    assert vocabulary.corrected("养老骗据") == "养老骗局"
    assert vocabulary.corrected(message + "，养老骗据。") is None


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("yanglao", "养老"),
        ("yang lao", "养老"),
        ("Yǎnglǎo", "养老"),
        ("yang3 lao3", "养老"),
        ("shuadan", "刷单"),
        ("shua dan", "刷单"),
        ("gongjianfa", "公检法"),
        ("gong jian fa", "公检法"),
        ("yanglao pianju", "养老骗局"),
    ],
)
def test_pinyin_finds_its_chinese_words(vocabulary, typed, meant):
    assert vocabulary.from_pinyin(typed) == meant


@pytest.mark.parametrize("typed", ["police", "app", "AI face swap", "养老", "qq", "abc", "110"])
def test_english_words_and_chinese_are_not_read_as_pinyin(vocabulary, typed):
    assert vocabulary.from_pinyin(typed) is None


def test_sound_keys_fold_what_readers_do_not_tell_apart():
    assert sound_key(["zhang", "lin"]) == sound_key(["zan", "ning"])
    assert toneless("Xī'ān") == "xian"


def test_an_empty_site_suggests_nothing():
    empty = Vocabulary.build([])
    assert not empty
    assert empty.corrected("养老骗据") is None
    assert empty.from_pinyin("yanglao") is None
