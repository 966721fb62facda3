"""Search result passages (core.snippets): the best stretch, every match marked."""

from core.snippets import passage, query_terms, result_passage

CASE = (
    "李阿姨，68岁，退休教师。一天上午，她接到自称“外省公安局”民警的电话，对方准确说出她的"
    "姓名和身份证号，称她名下一张银行卡涉嫌洗钱。随后“检察官”与她视频，出示了“冻结令”，"
    "要求她把全部存款转入“安全账户”接受核查，并叮嘱不许告诉任何人。李阿姨一边开着视频通话，"
    "一边到银行要求把三张定期存单提前支取，共23万元，全部汇到一个外地个人账户。"
    "柜员发现异常，请她挂断视频，拨打110核实。公安机关没有所谓的安全账户。"
)


def marked(pieces):
    return [text for text, is_marked in pieces if is_marked]


def joined(pieces):
    return "".join(text for text, _ in pieces)


def test_the_sentence_with_most_of_the_query_is_chosen_and_every_match_marked():
    pieces = passage(CASE, "安全账户 110")
    text = joined(pieces)
    assert "拨打110核实" in text
    assert marked(pieces) == ["账户", "110", "安全账户"]  # 个人账户 holds one of its words
    assert text.startswith("…") and len(text) <= 125


def test_every_match_in_the_passage_is_marked_not_only_the_first():
    pieces = passage("刷单是诈骗。刷单返利、刷单兼职，都是刷单骗局。", "刷单")
    assert marked(pieces) == ["刷单"] * 4
    assert "都是刷单骗局" in joined(pieces)


def test_words_of_a_chinese_query_are_found_apart_and_touching_ones_marked_as_one():
    pieces = passage("打着养老旗号的骗局很多。以房养老骗局", "养老骗局")
    assert "养老骗局" in marked(pieces)
    assert "养老" in query_terms("养老骗局") and "骗局" in query_terms("养老骗局")


def test_latin_words_match_whatever_their_case():
    pieces = passage("Scammers ask you to share your SCREEN in a meeting app.", "screen app")
    assert marked(pieces) == ["SCREEN", "app"]


def test_markup_stays_text_for_the_template_to_escape():
    pieces = passage("骗子发来<script>alert(1)</script>链接，说有退款。", "<script> 退款")
    assert ("退款", True) in pieces
    assert "<script>" in joined(pieces)  # escaped by the template
    assert "script" in marked(pieces)


def test_a_pasted_message_marks_the_stretches_it_shares_with_the_page():
    sms = (
        "【公安局】您名下银行卡涉嫌洗钱，已被冻结，"
        "请立即将全部存款转入安全账户配合核查，勿告知他人。"
    )
    pieces = passage(CASE, sms)
    assert "安全账户" in "".join(marked(pieces)) or "涉嫌洗钱" in "".join(marked(pieces))
    assert "退休" not in "".join(marked(pieces))


def test_no_match_gives_none_and_the_result_falls_back_to_the_summary():
    assert passage(CASE, "刷单") is None
    summary = "一起冒充公检法的案例。"
    assert result_passage("刷单", CASE, summary) == [(summary, False)]
    assert marked(result_passage("公检法", CASE, "一起冒充公检法的案例。")) == ["公检法"]


def test_a_long_sentence_starts_near_its_first_match():
    text = "前面的话很长，" * 40 + "这里提到了验证码。"
    pieces = passage(text, "验证码")
    assert pieces[0] == ("…", False)
    assert "验证码" in marked(pieces)


def test_function_words_of_a_question_are_not_marked():
    text = "骗子是怎么一步步设局的：先诱导视频裸聊，再用录屏要挟。"
    pieces = passage(text, "裸聊被录视频了怎么办")
    marked = [piece for piece, is_marked in pieces if is_marked]
    assert "视频裸聊" in marked  # touching matches are one mark
    assert not any("怎么" in piece for piece in marked)
