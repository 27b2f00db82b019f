import pytest

from kb.language.text import MAX_SENTENCE_CHARS, fold, sentence_spans
from kb.profile import default_profile

ANALYZER = default_profile().analyzer
tokenize, index_terms, synonym_terms = ANALYZER.tokenize, ANALYZER.index_terms, ANALYZER.synonym_terms


def test_fold_turns_traditional_into_simplified():
    assert fold("市場營銷與銷售的區別") == "市场营销与销售的区别"


def test_traditional_and_simplified_questions_tokenize_alike():
    assert tokenize("市場營銷與銷售的區別") == tokenize("市场营销与销售的区别")


def test_tokenize_drops_stopwords_and_punctuation_and_keeps_domain_terms():
    tokens = tokenize("请问，什么是销售漏斗？")
    assert "销售漏斗" in tokens
    assert not {"请问", "什么", "是", "，", "？"} & set(tokens)


def test_search_mode_emits_parts_of_compound_terms():
    assert {"市场", "营销", "市场营销"} <= set(tokenize("市场营销"))


def test_sentence_spans_split_on_chinese_punctuation_and_lines():
    text = "营销是拉。销售是推！真的吗？\n标题行\n  “引号句。”后文"
    pieces = [text[s:e] for s, e in sentence_spans(text)]
    assert pieces == ["营销是拉。", "销售是推！", "真的吗？", "标题行", "“引号句。”", "后文"]


def test_an_ascii_mark_before_code_ends_no_sentence():
    """「#![no_main]」 and 「a != b」 hold a 「!」 that ends nothing: the sentence runs on."""
    text = "项目设置为 #![no_main]。若 a != b 则退出! Done? 好的"
    pieces = [text[s:e] for s, e in sentence_spans(text)]
    assert pieces == ["项目设置为 #![no_main]。", "若 a != b 则退出!", "Done?", "好的"]


def test_long_sentences_are_cut_at_clause_breaks():
    text = "，".join(["市场部负责品牌推广和市场调研"] * 40) + "。"
    spans = sentence_spans(text)
    assert len(spans) > 1
    assert all(e - s <= MAX_SENTENCE_CHARS for s, e in spans)
    assert "".join(text[s:e] for s, e in spans) == text


def test_a_long_sentence_without_clause_marks_is_cut_between_words():
    # Scraped text with no punctuation: the limit falls inside 当然, or right before a 「：」.
    run_on = "营销就是更好的持久的达到最满意境界的销售可是销售通常是和产品结合在一起的" * 10
    inside_a_word = run_on[: MAX_SENTENCE_CHARS - 1] + "当然最好是开着不然外码就失去其价值了。"
    before_a_mark = run_on[:MAX_SENTENCE_CHARS] + "：指把产品转移到消费者的活动过程。"
    for text in (inside_a_word, before_a_mark):
        pieces = [text[s:e] for s, e in sentence_spans(text)]
        assert "".join(pieces) == text
        assert not any(piece.startswith(("然", "：")) for piece in pieces), pieces


def test_synonym_terms_find_split_and_traditional_domain_terms():
    question = "顧客下單前會自己先做功課嗎"  # jieba splits 做功课; the text is traditional
    terms = synonym_terms(question, set(index_terms(question)))
    assert {"客户", "购买", "研究"} <= set(terms)
    assert "顾客" not in terms and "下单" not in terms  # never the question's own words


def test_synonym_terms_of_a_question_without_domain_terms_are_empty():
    assert synonym_terms("营销和销售的区别", set(index_terms("营销和销售的区别"))) == []


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        # A heading scraping glued to its sentence: split where the heading's words recur.
        (
            "2.2 销售是营销的最终目标营销和销售的最终目标都是提高收入。",
            ["2.2 销售是营销的最终目标", "营销和销售的最终目标都是提高收入。"],
        ),
        ("1.3 重点不同营销和销售的重点也有所不同。", ["1.3 重点不同", "营销和销售的重点也有所不同。"]),
        # A title whose words recur in it, though: it says nothing after 异常, it stays whole.
        ("5.2.5 异常遗失、异常重掷和异常的局限", ["5.2.5 异常遗失、异常重掷和异常的局限"]),
        # The next section's number glued into the line before.
        (
            "2.营销与销售的联系2.1 相互支撑虽然两者不同，但它们是相互支撑的。",
            ["2.营销与销售的联系", "2.1 相互支撑", "虽然两者不同，但它们是相互支撑的。"],
        ),
        # A title without a number whose sentence restarts with its subject (和 or 与).
        (
            "市场营销和销售的区别和联系市场营销和销售是两个常见的概念。",
            ["市场营销和销售的区别和联系", "市场营销和销售是两个常见的概念。"],
        ),
        (
            "营销与销售的区别与联系营销和销售是商业中两个重要的概念。",
            ["营销与销售的区别与联系", "营销和销售是商业中两个重要的概念。"],
        ),
        # Never inside a word the sentence repeats, never before 的.
        (
            "三、市场营销和销售的实践中的区别与联系在实际过程中，市场营销和销售之间也有联系。",
            ["三、市场营销和销售的实践中的区别与联系在实际过程中，市场营销和销售之间也有联系。"],
        ),
        # A sentence that names its subject twice is no title: a verb or preposition comes first.
        ("加拿大总理为加拿大首席、内阁主席和政府首脑。", ["加拿大总理为加拿大首席、内阁主席和政府首脑。"]),
        ("阿森纳女子足球俱乐部为阿森纳的属会。", ["阿森纳女子足球俱乐部为阿森纳的属会。"]),
        ("关系数据库系统与非关系数据库系统的区别：", ["关系数据库系统与非关系数据库系统的区别："]),
        # Numbers that are no headings stay inside their sentence.
        ("版本1.2 发布了。", ["版本1.2 发布了。"]),
        ("在第3.2 节中我们看到。", ["在第3.2 节中我们看到。"]),
        ("三、时间和焦点市场营销策划是一个长期的过程。", ["三、时间和焦点市场营销策划是一个长期的过程。"]),
    ],
)
def test_glued_section_headings_are_split_from_their_sentence(text, pieces):
    assert [text[s:e] for s, e in sentence_spans(text)] == pieces


def test_no_sentence_ends_inside_code():
    text = (
        '步骤如下：\n```\nif (x < 0) { throw new IllegalArgumentException("负数!"); }\nint y = 1; int z = 2;\n```\n'
        "用`for (int i = 0; i < n; i++)`循环。然后返回。"
    )
    spans = [text[s:e] for s, e in sentence_spans(text)]
    assert 'if (x < 0) { throw new IllegalArgumentException("负数!"); }' in spans
    assert "int y = 1; int z = 2;" in spans
    assert "用`for (int i = 0; i < n; i++)`循环。" in spans
    assert "然后返回。" in spans
