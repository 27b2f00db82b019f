"""Ranking, fusion and duplicate suppression (fast stand-in embedder)."""

import numpy as np
import pytest

from kb import KnowledgeBase
from kb.answering.retrieve import (
    SENTENCE_SHARE,
    FusionSettings,
    Retriever,
    display_scores,
    fuse,
    is_near_duplicate,
    matched_terms,
    normalise_question,
    question_weights,
    ranker_lead,
    with_best_sentences,
)
from kb.errors import KbError
from kb.profile import default_profile
from kb.types import Passage
from tests.conftest import CORPUS
from tests.helpers import write_corpus


@pytest.fixture
def kb(tmp_path, embedder):
    return KnowledgeBase.build([CORPUS], tmp_path / "index", embedder=embedder)


def test_rrf_combines_ranks_as_documented():
    settings = FusionSettings(method="rrf", dense_weight=0.5)
    order, scores = fuse(
        {"bm25": (np.array([7, 3]), np.array([9.0, 5.0])), "dense": (np.array([3, 9]), np.array([0.9, 0.8]))},
        {"bm25": 1.0, "dense": 0.5},
        settings,
    )
    fused = dict(zip(order.tolist(), scores.tolist()))
    assert order.tolist() == [3, 7, 9]  # best first
    k = settings.rrf_k
    assert fused[3] == pytest.approx((k + 1) / (k + 2) + 0.5)
    assert fused[7] == pytest.approx(1.0)
    assert fused[9] == pytest.approx(0.5 * (k + 1) / (k + 2))


def test_zscore_fusion_standardises_each_ranker_and_floors_missing_candidates():
    settings = FusionSettings(method="zscore")
    order, scores = fuse(
        {"bm25": (np.array([7, 3, 5]), np.array([9.0, 5.0, 1.0])), "dense": (np.array([3, 7]), np.array([0.9, 0.7]))},
        {"bm25": 1.0, "dense": 2.0},
        settings,
    )
    fused = dict(zip(order.tolist(), scores.tolist()))
    z = np.array([9.0, 5.0, 1.0])
    z = (z - z.mean()) / z.std()
    assert fused[7] == pytest.approx(z[0] + 2.0 * -1.0)
    assert fused[3] == pytest.approx(z[1] + 2.0 * 1.0)
    assert fused[5] == pytest.approx(z[2] + 2.0 * -1.0)  # not a dense candidate: dense's worst


def test_display_scores_are_between_0_and_1():
    assert display_scores(np.array([1.5]), 1.5, FusionSettings(method="rrf"))[0] == 1.0
    high, low = display_scores(np.array([3.0, -3.0]), 2.0, FusionSettings())
    assert 0.5 < high < 1.0
    assert low < 0.5


def test_fused_ties_are_broken_by_passage_id():
    order, _ = fuse({"bm25": (np.array([9, 4]), np.array([1.0, 1.0]))}, {"bm25": 1.0}, FusionSettings())
    assert order.tolist() == [4, 9]


def test_lead_is_the_top_gap_as_a_share_of_the_score_range():
    assert ranker_lead(np.array([10.0, 4.0, 2.0, 0.0])) == pytest.approx(0.6)
    assert ranker_lead(np.array([5.0, 5.0, 1.0])) == 0.0  # a tie at the top
    assert ranker_lead(np.array([5.0, 1.0])) == 0.0  # two scores tell nothing
    assert ranker_lead(np.array([0.5, 0.5, 0.5])) == 0.0


def test_the_ranker_that_singles_out_a_passage_outweighs_one_that_ranks_many_alike():
    """One ranker puts passage 1 far ahead of the rest (a rare term only it holds); the other
    ranks four passages about alike and passage 1 last. Even weights follow the second
    ranker's choice; weighting by lead picks passage 1, whichever ranker leads."""
    clear = np.array([10.0, 2.0, 1.5, 1.0, 0.0])
    flat = np.array([1.0, 0.98, 0.97, 0.96, 0.5])
    for leader, follower in (("bm25", "dense"), ("dense", "bm25")):
        rankings = {leader: (np.array([1, 2, 3, 4, 5]), clear), follower: (np.array([2, 3, 4, 5, 1]), flat)}
        even = question_weights(rankings, {"bm25": 1.0, "dense": 1.0}, FusionSettings(lead_gain=0))
        assert even == {"bm25": 1.0, "dense": 1.0}
        assert fuse(rankings, even, FusionSettings())[0][0] == 2
        weights = question_weights(rankings, {"bm25": 1.0, "dense": 1.0}, FusionSettings())
        assert weights[leader] > weights[follower]
        assert fuse(rankings, weights, FusionSettings())[0][0] == 1


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_traditional_question_gets_the_same_passages_as_simplified(kb, mode):
    simplified = [h.passage.id for h in kb.search("市场营销与销售的区别", k=5, mode=mode)]
    traditional = [h.passage.id for h in kb.search("市場營銷與銷售的區別", k=5, mode=mode)]
    assert simplified == traditional


def test_bm25_finds_the_passage_that_holds_the_rare_term(kb):
    hits = kb.search("销售漏斗", k=3, mode="bm25")
    assert "銷售漏斗" in hits[0].passage.text
    assert hits[0].signals["bm25"].rank == 1
    assert "销售漏斗" in matched_terms("销售漏斗", hits[0].passage, kb.profile.analyzer)


def test_results_hold_no_near_duplicates(kb):
    hits = kb.search("销售是一种战术思考，营销是一种战略思考", k=10)
    for i, a in enumerate(hits):
        for b in hits[i + 1 :]:
            assert not is_near_duplicate(a.passage, b.passage, kb.retriever.fusion.duplicate_overlap)


def test_the_same_text_in_two_articles_is_a_near_duplicate():
    a = Passage(0, "d1", "", "", 0, 20, "营销是一个系统，而销售只是营销的一部分。")
    b = Passage(1, "d2", "", "", 50, 72, "市场营销是一个系统，而销售只是营销的一部分。")
    c = Passage(2, "d2", "", "", 100, 120, "市场部负责品牌推广和市场调研。")
    assert is_near_duplicate(a, b, 0.8)
    assert not is_near_duplicate(a, c, 0.8)


def test_ranks_are_consecutive_and_scores_descend(kb):
    hits = kb.search("营销和销售的区别", k=8)
    assert [h.rank for h in hits] == list(range(1, 9))
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))
    assert 0 < hits[-1].score <= hits[0].score <= 1


@pytest.mark.parametrize("question", ["", "   ", "？？！", "……"])
def test_empty_or_punctuation_questions_are_refused(question):
    with pytest.raises(KbError, match="empty or only punctuation"):
        normalise_question(question)


def test_overlong_question_is_refused():
    with pytest.raises(KbError, match="limit is"):
        normalise_question("营销" * 6000)


def test_bad_k_and_mode_are_refused(kb):
    with pytest.raises(KbError, match="unknown mode"):
        kb.search("营销", mode="magic")
    with pytest.raises(KbError, match="k must be"):
        kb.search("营销", k=0)


def test_question_with_no_known_term_returns_only_dense_hits(kb):
    hits = kb.search("zzzzqqq", k=3, mode="bm25")
    assert hits == []
    assert len(kb.search("zzzzqqq", k=3, mode="hybrid")) == 3


def test_fusion_weights_change_the_order(tmp_path, embedder):
    bm25_only = KnowledgeBase.build([CORPUS], tmp_path / "a", embedder=embedder)
    bm25_only.retriever.fusion = FusionSettings(method="rrf", bm25_weight=1.0, dense_weight=0.0)
    assert [h.passage.id for h in bm25_only.search("营销和销售的区别", k=5)] == [
        h.passage.id for h in bm25_only.search("营销和销售的区别", k=5, mode="bm25")
    ]


def test_bm25_reaches_a_paraphrase_through_domain_synonyms(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "buyers.txt").write_text("大约七成的客户在购买之前已经自己研究过产品。", encoding="utf-8")
    (corpus / "other.txt").write_text("展会的预算要提前一个季度申请。", encoding="utf-8")
    kb = KnowledgeBase.build([corpus], tmp_path / "index", embedder=embedder)
    hits = kb.search("顾客下单前会做功课吗", k=2, mode="bm25")
    assert [h.passage.text[:4] for h in hits] == ["大约七成"]  # no word in common, only synonyms


def test_bm25_reader_scores_exactly_as_bm25s(kb):
    import bm25s

    folder = kb.index.dir / "bm25"
    reference = bm25s.BM25.load(str(folder), show_progress=False)
    ours = kb.index.bm25
    assert ours.vocab == reference.vocab_dict
    rng = np.random.default_rng(0)
    for _ in range(20):
        ids = rng.integers(0, len(reference.scores["indptr"]) - 1, size=rng.integers(1, 8)).tolist()
        assert np.allclose(ours.scores(ids), reference.get_scores_from_ids(ids))


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda kb: kb.ask(None), "must be text"),
        (lambda kb: kb.ask(123), "must be text"),
        (lambda kb: kb.ask("营销\ud800"), "lone surrogate"),
        (lambda kb: kb.ask("营销", max_chars=0), "max_chars"),
        (lambda kb: kb.ask("营销", max_chars=-1), "max_chars"),
        (lambda kb: kb.search("营销", k="5"), "k must be"),
        (lambda kb: kb.search("营销", k=float("nan")), "k must be"),
        (lambda kb: kb.search("营销", mode="fast"), "unknown mode"),
    ],
)
def test_the_python_api_refuses_wrong_arguments_with_kb_error(kb, call, needle):
    with pytest.raises(KbError, match=needle):
        call(kb)


def test_fusion_settings_are_checked_when_built():
    with pytest.raises(ValueError, match="unknown fusion method"):
        FusionSettings(method="rfr")
    with pytest.raises(ValueError, match="weights"):
        FusionSettings(bm25_weight=0, dense_weight=0)


def test_a_question_is_encoded_once_per_knowledge_base(stub_index):
    """search, then ask, then the same question in the other script and with stray spaces:
    one encoder call. Another KnowledgeBase keeps its own vectors (no shared state)."""
    index, embedder = stub_index
    kb = KnowledgeBase.open(index, embedder=embedder)
    before = embedder.calls
    kb.search("营销和销售的区别", k=3)
    kb.ask("营销和销售的区别")
    kb.ask("營銷和銷售的區別")
    kb.search("  营销和销售 的区别 ", k=3)
    assert embedder.calls - before == 2  # 「营销和销售 的区别」 keeps its inner space: another text
    kb.search("销售漏斗是什么", k=3)
    assert embedder.calls - before == 3
    KnowledgeBase.open(index, embedder=embedder).search("营销和销售的区别", k=3)
    assert embedder.calls - before == 4


def test_a_cached_question_vector_cannot_be_changed_by_a_caller(stub_index):
    index, embedder = stub_index
    kb = KnowledgeBase.open(index, embedder=embedder)
    vector = kb.retriever.query_vector("营销的目的是什么")
    with pytest.raises(ValueError):
        vector[0] = 1.0


def test_a_passage_counts_its_best_sentence_over_passages_that_only_mention_the_term(tmp_path, embedder):
    """One sentence answers the question, in a passage that starts about other things; other
    passages name the term in every line. By passage vectors alone one of those comes first;
    with each passage's best sentence counted in, the answer does."""
    folder = tmp_path / "docs"
    folder.mkdir()
    noise = "今天的天气晴朗，适合户外散步和晒太阳。公园里的花开得很好，很多人在拍照留念。"
    (folder / "answer.txt").write_text(noise + "触发器是由事件驱动的一类特殊过程。", encoding="utf-8")
    for i in range(4):
        (folder / f"mention{i}.txt").write_text(
            f"第{i}个触发器的名称写在系统目录里。触发器可以删除。触发器的列表按名称排列。", encoding="utf-8"
        )
    index = tmp_path / "index"
    KnowledgeBase.build([folder], index, embedder=embedder)
    kb = KnowledgeBase.open(index, embedder=embedder)
    question = "触发器是由什么驱动的特殊过程"
    passages_only = kb.retriever.dense_ranking(question, 10)
    assert kb.retriever.index.passages([int(passages_only[0][0])])[0].doc_id != "answer"
    top = kb.search(question, k=5, mode="dense")[0]
    assert top.passage.doc_id == "answer"
    assert top.signals["dense"].score == pytest.approx(float(passages_only[1][1]), abs=1e-4)  # the passage cosine


def test_best_sentences_blend_with_passages_and_a_missing_candidate_takes_the_ranking_s_floor():
    passages = (np.array([3, 1]), np.array([0.9, 0.7], dtype=np.float32))
    sentences = (np.array([2, 1]), np.array([0.95, 0.8], dtype=np.float32))
    ids, scores = with_best_sentences(passages, sentences, 3)
    share = SENTENCE_SHARE
    # 3: its cosine and the sentences' floor; 2: the passages' floor and its best sentence
    expected = {
        3: (1 - share) * 0.9 + share * 0.8,
        2: (1 - share) * 0.7 + share * 0.95,
        1: (1 - share) * 0.7 + share * 0.8,
    }
    assert ids.tolist() == sorted(expected, key=lambda i: -expected[i])
    assert scores.tolist() == pytest.approx([expected[i] for i in ids.tolist()])
    assert with_best_sentences(passages, sentences, 1)[0].tolist() == [3]


def test_a_name_is_unknown_only_when_neither_the_index_nor_a_retrieved_passage_holds_it(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "install.txt").write_text(
        "数据库的安装\n\n安装MySQL8.0以后，用root账户登录数据库。InnoDB是默认的存储引擎，它支持事务。\n",
        encoding="utf-8",
    )
    kb = KnowledgeBase.build([docs], tmp_path / "index", embedder=embedder)

    def unknown(question: str) -> tuple[str, ...]:
        plan = kb.answerer.plan(question, k=3)
        return kb.answerer.unknown_names(plan, kb.answerer.retrieve(plan))

    assert unknown("Redis安装以后怎么登录") == ("Redis",)
    assert unknown("redis安装以后怎么登录") == ("redis",)  # lower case: an identifier, no English word
    assert unknown("install以后怎么登录") == ()  # an English word is read in the index's words (安装)
    assert unknown("InnoDB支持事务吗") == ()
    # The index's term is 「mysql8.0」: the name is found in the passage's text, and a version
    # number in the question is not part of the name.
    assert unknown("MySQL安装以后怎么登录") == ()
    assert unknown("MySQL5.7安装以后怎么登录") == ()
    # Digits that are part of a name leave a stem that must stand alone in the text: 「Inno」 of
    # 「Inno3」 is no word of 「InnoDB」.
    assert unknown("Inno3安装以后怎么登录") == ("Inno3",)
    # Who acts in the asker's story is no thing the notes must name: 「DBA让我…」, 「DBA这边…」.
    assert unknown("DBA让我安装MySQL以后用root登录，对吗") == ()
    assert unknown("安装以后DBA这边要做什么") == ()
    assert unknown("DBA工具怎么安装") == ("DBA",)
    assert unknown("DBA说明文档里怎么登录") == ("DBA",)  # 说明: a word, no one speaking
    # A name the asker explains in brackets is what the explanation says: the index may call it otherwise.
    assert unknown("XtraDB（就是 InnoDB 的一个分支）支持事务吗") == ()  # written in the index's own term
    assert unknown("Maria（MySQL的分支）安装以后怎么登录") == ("Maria",)  # a gloss that only says what it is
    assert unknown("Redis（就是那个缓存数据库）安装以后怎么登录") == ("Redis",)  # in words the index may hold anyway
    refused = kb.ask("Redis安装以后怎么登录")
    assert not refused.found and refused.notes == ("知识库中没有提到：Redis",)  # the reader learns why


def test_a_term_of_several_words_the_index_holds_only_apart_is_unknown(tmp_path, embedder):
    text = "InnoDB 的 redo log buffer 是暂存 redo log 的内存区域。\n修改数据页时 change 会先写日志。\n"
    docs = write_corpus(tmp_path, {"innodb.txt": text})
    kb = KnowledgeBase.build([docs], tmp_path / "index", embedder=embedder)

    def unknown(question: str) -> tuple[str, ...]:
        plan = kb.answerer.plan(question, k=3)
        return kb.answerer.unknown_names(plan, kb.answerer.retrieve(plan))

    assert unknown("InnoDB 的 change buffer 是干嘛用的") == ("change buffer",)  # both words, never together
    assert unknown("InnoDB 的 redo log buffer 是干嘛用的") == ()
    assert unknown("InnoDB 的 Redo Log 是什么") == ()  # matched whatever the case
    # A passage the question did not retrieve still mentions the term: it is no unknown name.
    asked = kb.answerer.plan("InnoDB 的 redo log buffer 是干嘛用的", k=3)
    assert kb.answerer.unknown_names(asked, []) == ()
    # Words joined by hyphens name one thing, read as typed (not word by word: 试图资源).
    assert unknown("内存区域能不能用 try-with-resources 语法自动关闭呢") == ("try-with-resources",)


def test_english_beside_a_name_is_no_part_of_it(tmp_path, embedder):
    """「HashMap can」 names HashMap; an English question read in Chinese puts its Latin words
    side by side (「字符串java char数组」) where the English did not: no term of several words."""
    text = "HashMap 可以存 null。\nyou can use ConcurrentHashMap instead.\n"
    text += "Java 的 String 不可变，char 数组由 final 修饰。\n"
    docs = write_corpus(tmp_path, {"map.txt": text})
    kb = KnowledgeBase.build([docs], tmp_path / "index", embedder=embedder)

    def unknown(question: str) -> tuple[str, ...]:
        plan = kb.answerer.plan(question, k=3)
        return kb.answerer.unknown_names(plan, kb.answerer.retrieve(plan))

    assert unknown("ConcurrentHashMap 为啥不能放 null? HashMap can") == ()
    assert unknown("Why is String immutable in Java? Is it only because the char array is final?") == ()


def test_a_term_joined_by_an_underscore_is_found_as_the_passage_writes_it(tmp_path, embedder):
    docs = write_corpus(tmp_path, {"window.txt": "窗口函数 ROW_NUMBER() 给每一行一个序号，row 和 number 各有含义。\n"})
    kb = KnowledgeBase.build([docs], tmp_path / "index", embedder=embedder)
    plan = kb.answerer.plan("ROW_NUMBER() 怎么用", k=3)
    assert kb.answerer.unknown_names(plan, kb.answerer.retrieve(plan)) == ()


def test_a_word_jieba_guesses_from_a_known_word_and_a_particle_is_weighed_as_its_words(tmp_path, embedder):
    """「B+树有什么…」 gives jieba's guess 「树有」, which no passage and no dictionary holds: it
    would weigh most and sink the coverage of the passage about B+树. It is weighed as 「树」."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = "B+树的叶子节点用指针连在一起，范围查询很快。\n哈希索引只能做等值查询。\n"
    (corpus / "index.txt").write_text(text, "utf-8")
    kb = KnowledgeBase.build([corpus], tmp_path / "index", embedder=embedder)
    weights = kb.retriever.question_term_weights("B+树有指针吗")
    assert "树有" not in weights and "树" in weights
    assert kb.retriever.coverage("B+树有指针吗", kb.search("B+树有指针吗", k=1)[0].passage) == 1.0


def test_answerability_by_coverage_is_decided_alike_with_or_without_tokenising_every_passage(kb):
    """Retriever._covers skips jieba for a passage whose substrings cannot reach the share: the
    decision must be the one the full token count gives, for any question and threshold."""
    retriever = kb.retriever
    questions = [
        "营销和销售的区别",
        "什么是市场营销",
        "如何做红烧肉",
        "销售人员的平均工资是多少",
        "品牌策划包括哪些工作",
    ]
    passages = retriever.index.passages()
    for question in questions:
        weights = retriever.question_term_weights(question)
        for passage in passages:
            covered = retriever._covered(weights, passage)
            for minimum in (0.0, 0.1, 0.3, 0.5, covered, 0.9):
                assert retriever._covers(weights, passage, minimum) == (covered >= minimum), (question, minimum)


def test_a_question_whose_words_the_index_never_holds_is_not_answered_by_a_lone_character(tmp_path, embedder):
    """「怎么学游泳」 over a Java course shares only 「学」: coverage alone does not make it
    answerable when none of its words of two or more characters is in the index."""
    topics = ["接口定义了类的行为", "抽象类用于代码复用", "异常要捕获或声明", "泛型在编译时擦除"]
    files = {"学习.txt": "学Java要先学好面向对象。\n"} | {f"{n}.txt": f"{topic}。\n" for n, topic in enumerate(topics)}
    corpus = write_corpus(tmp_path, files)
    kb = KnowledgeBase.build([corpus], tmp_path / "index", embedder=embedder)
    retriever = kb.retriever
    for question, answerable in (("怎么学游泳", False), ("怎么学好面向对象", True)):
        weights = retriever.question_term_weights(question)
        hits = kb.search(question, k=3, mode="bm25")
        assert any(retriever._covers(weights, h.passage, 0.3) for h in hits)  # coverage alone would pass
        assert kb.ask(question, mode="bm25").found == answerable, question


class _Windows:
    """An index's passages by id, as Retriever._diverse_top reads them."""

    def __init__(self, passages):
        self.by_id = {p.id: p for p in passages}
        self.profile = None

    def passages(self, ids):
        return [self.by_id[i] for i in ids]


def test_a_window_opening_on_a_later_list_item_gives_way_to_the_one_holding_the_list_s_start():
    """Overlapping windows of one document: the best ranked opens on item 2 (「2. 若 A 收到…」),
    the one before it holds the lead-in and item 1; that one is shown, at the better rank."""
    text = (
        "故障检测流程：\n1. 节点 A 将 B 标记为疑似下线\n2. 若 A 收到其他主节点对 B 的报告，则将 B 标记为已下线\n3. 广播"
    )
    start = text.index("2.")
    first = Passage(1, "d", "T", "d.md", 0, len(text) - 4, text[:-4])
    later = Passage(2, "d", "T", "d.md", start, len(text), text[start:])
    other = Passage(3, "e", "T", "e.md", 0, 9, "集群由主节点组成。")
    retriever = Retriever(_Windows([first, later, other]), profile=default_profile())
    hits = retriever._diverse_top([2, 3, 1], 3, {1: 0.5, 2: 0.9, 3: 0.7}, {})
    assert [(h.rank, h.passage.id, h.score) for h in hits] == [(1, 1, 0.9), (2, 3, 0.7)]
    # The same list said again elsewhere in the document is no window running into it.
    again = Passage(2, "d", "T", "d.md", 1000 + start, 1000 + len(text), text[start:])
    retriever = Retriever(
        _Windows([Passage(1, "d", "T", "d.md", 0, len(text), text), again, other]), profile=default_profile()
    )
    assert [h.passage.id for h in retriever._diverse_top([2, 3, 1], 3, {1: 0.5, 2: 0.9, 3: 0.7}, {})] == [2, 3]
    # A window opening on a list's first item, or on no item, keeps its place.
    plain = Passage(2, "d", "T", "d.md", 10, len(text), text[10:])
    retriever = Retriever(_Windows([first, plain, other]), profile=default_profile())
    assert [h.passage.id for h in retriever._diverse_top([2, 3, 1], 3, {1: 0.5, 2: 0.9, 3: 0.7}, {})] == [2, 3]


def test_a_shown_passage_holds_something_to_quote(tmp_path, embedder):
    """A collection's README that lists its articles (「JWT 基础概念详解：讲解…」) ranks first on
    the question's words and holds nothing an answer may quote: the next passage takes its place
    among the shown ones."""
    readme = (
        "# 认证授权专题\n\n"
        "JWT 基础概念详解：讲解 JWT 的组成结构、签名算法、工作原理及登录鉴权流程。\n\n"
        "JWT 身份认证优缺点分析：分析 JWT 登录鉴权的优点、缺点和常见问题。\n\n"
        "SSO 单点登录详解：讲解 SSO 的登录流程与实现方式。\n"
    )
    article = (
        "# JWT 入门\n\nJWT 是一种用于身份认证的令牌格式，由头部、载荷和签名三部分组成。\n\n"
        "## 基于 JWT 的登录鉴权\n\n用户登录成功后，服务端签发 JWT 并返回给客户端。"
        "客户端保存 JWT，之后每次请求都在 Header 中带上它。服务端校验签名，通过后从 JWT 中读取用户信息，完成鉴权。\n\n"
        "## 签名算法\n\n签名用来防止令牌被篡改，常见的算法有 HS256 和 RS256。\n"
    )
    docs = write_corpus(tmp_path, {"README.md": readme, "jwt.md": article})
    answerer = KnowledgeBase.build([docs], tmp_path / "index", embedder=embedder).answerer
    plan = answerer.plan("JWT 登录鉴权的流程是怎样的", k=2)
    searched = answerer.retriever.search(plan.text, k=5, mode=plan.mode, vector=plan.vector)
    assert searched[0].passage.doc_id == "README"  # as ranked by the question's words alone
    shown = [h for h in answerer.retrieve(plan) if h.rank <= plan.shown]
    assert len(shown) == 2 and {h.passage.doc_id for h in shown} == {"jwt"}


def test_a_slide_defining_the_subject_in_lines_no_sentence_holds_stays_shown(tmp_path, embedder):
    """A slide's term over its definition's line (「优先级反置(Priority Inversion)」 /
    「高优先级进程长时间等待低优先级进程所占用资源的现象」) holds no sentence ingest stores: it was
    moved below the shown passages, and 「优先级反置是什么意思」 was answered with scheduling rules."""
    slide = (
        "## 优先级反置(Priority Inversion)\n\n高优先级进程长时间等待低优先级进程所占用资源的现象\n\n优先级：T1>T2>T3\n"
    )
    rules = (
        "## 调度规则\n\n静态优先级调度：任务执行过程中不会改变任务的优先级。\n\n"
        "如果进程使用完当前的时间片，则降到下一个优先级。\n"
    )
    docs = write_corpus(tmp_path, {"realtime.md": slide, "sched.md": rules})
    kb = KnowledgeBase.build([docs], tmp_path / "index", embedder=embedder)
    plan = kb.answerer.plan("优先级反置是什么意思？", k=1)
    assert [h.passage.doc_id for h in kb.answerer.retrieve(plan) if h.rank <= plan.shown] == ["realtime"]
    lead = kb.ask("优先级反置是什么意思？").text.split("[1]")[0]
    assert lead.startswith("优先级反置") and lead.endswith("高优先级进程长时间等待低优先级进程所占用资源的现象")


def test_an_amount_of_something_no_passage_names_is_not_answered_with_another_figure(tmp_path, embedder):
    """「平均工资是多少」 over notes that never say 工资 would be answered with whatever figure
    they hold; a noun jieba cuts across a word the notes hold (「一共用了」: 共用) is no such noun."""
    text = (
        "销售人员负责管理客户关系并促成销售。很难说销售人员的平均业绩有多少。每个营销人员可以雇用10个甚至20个销售代表。\n"
        "销售人员的收入由底薪和奖金组成。\n"
        "SQL 的核心功能一共只用了 9 个动词。\n"
    )
    docs = write_corpus(tmp_path, {"notes.txt": text})
    kb = KnowledgeBase.build([docs], tmp_path / "index", embedder=embedder)
    assert not kb.ask("销售人员的平均工资是多少").found
    assert kb.ask("每个营销人员可以雇用多少个销售代表").found
    assert kb.ask("SQL的核心功能一共用了几个动词？").found
    # An amount asked before another question is asked too: of 工资, which no passage names.
    assert not kb.ask("销售人员的平均工资是多少，收入由什么组成？").found
    assert kb.ask("每个营销人员可以雇用多少个销售代表，为什么这么多？").found


def test_an_amount_is_asked_of_the_noun_next_to_it(tmp_path, embedder):
    """「女员工生孩子一共能休多少天产假」 asks how many days of 产假: the notes say 产假 (not 孩子,
    the asker's story) and answer it; 「能休几天陪产假」 asks days of a leave they never name."""
    text = (
        "女员工一共能休多少天产假？答：女员工生育享受98天产假；难产的，增加产假15天。\n"
        "职工累计工作已满1年不满10年的，每年带薪年休假5天。\n劳动合同应当以书面形式订立。\n"
    )
    docs = write_corpus(tmp_path, {"law.txt": text})
    kb = KnowledgeBase.build([docs], tmp_path / "index", embedder=embedder)
    assert kb.ask("女员工生孩子一共能休多少天产假？").found
    assert not kb.ask("男员工的老婆生孩子，他能休几天陪产假？").found
    # A name said with characters left out is said: the notes' 带薪年休假 is the asker's 带薪年假.
    assert kb.answerer._said_somewhere("带薪年假") and not kb.answerer._said_somewhere("陪产假")
