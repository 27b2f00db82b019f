"""The page names its knowledge base and suggests questions from the corpus itself (or from
kb.toml), never the seed corpus's 「营销和销售的区别」 on another subject."""

import shutil

import pytest
from fastapi.testclient import TestClient

from kb import KnowledgeBase
from kb.errors import KbError
from kb.interfaces.examples import corpus_title, example_questions, shows_an_answer
from kb.interfaces.server import create_app
from kb.profile import Profile, default_profile
from kb.types import Passage
from tests.conftest import CORPUS


def _passage(doc: str, title: str, text: str, heading: str = "", source: str = "") -> Passage:
    return Passage(0, doc, title, source or f"course/{doc}.txt", 0, len(text), text, heading)


JAVA = [
    _passage("c1", "第1章 Java基础", "同时也是指其他东西。变量是指在程序运行中可以改变的量。", "变量"),
    _passage("c1", "第1章 Java基础", "而封装则是指把数据和方法包装在类中。变量可以赋值。", "封装"),
    _passage("c2", "第2章 Java面向对象", "封装是指隐藏实现细节。", "抽象类与接口的区别"),
    _passage("c3", "第3章 Java异常处理", "异常分为两类。", "1.3 异常的分类和处理"),
]


def test_a_title_from_the_words_document_titles_share_kept_as_written():
    assert corpus_title(JAVA, default_profile()) == "Java"


def test_a_title_from_one_document_or_the_folder_when_titles_share_nothing():
    assert corpus_title(JAVA[:1], default_profile()) == "第1章 Java基础"
    apart = [
        _passage("a", "集合框架", "x", source="java-course/a.txt"),
        _passage("b", "线程池", "y", source="java-course/b.txt"),
    ]
    assert corpus_title(apart, default_profile()) == "java-course"
    generic = [
        _passage("a", "集合框架", "x", source="corpus/a.txt"),
        _passage("b", "线程池", "y", source="corpus/b.txt"),
    ]
    assert corpus_title(generic, default_profile()) == "知识库"


def test_examples_ask_what_the_corpus_compares_and_defines_most():
    examples = example_questions(JAVA, default_profile())
    # The comparison a heading makes, then the term defined twice, then the one defined once;
    # 「同时也」 (not a word) and the numbered heading never become questions.
    assert examples == ("抽象类和接口的区别", "什么是封装？", "什么是变量？")


def test_examples_the_index_does_not_answer_are_left_out():
    examples = example_questions(JAVA, default_profile(), answered=lambda q: "封装" not in q)
    assert examples == ("抽象类和接口的区别", "什么是变量？")


DATABASE = [
    _passage("h1", "数据库技术 作业1", "试述视图和基本表有些什么的区别。", "1. 试述视图和基本表有些什么的区别"),
    _passage("h2", "数据库技术 作业2", "数据定义语句包括CREATE。数据定义之后再查询。", "3.3 数据定义（续）"),
    _passage("h3", "数据库系统概论 第三章", "数据定义语句定义模式。本章讲了小结。", "小结"),
    _passage("h4", "数据库系统概论 第四章", "小结：SELECT语句查询数据。", "WHERE"),
    _passage("h5", "数据库SQL语法基础测验", "查询结果如下：", "查询结果如下："),
]


def test_a_title_reads_letter_spaced_titles_and_leaves_out_chapter_numbers():
    spaced = [_passage("a", "计 算 机 网 络", "x"), _passage("b", "《计算机网络》期末复习提纲", "y")]
    assert corpus_title(spaced, default_profile()) == "计算机网络"
    titles = ["第七章 图论", "第八章 图论", "第九章 查找", "第九章 查找算法"]
    chapters = [_passage(f"c{n}", title, "x") for n, title in enumerate(titles)]
    assert corpus_title(chapters, default_profile()) == "图论、查找"  # 「第九章」 names no subject


def test_a_title_keeps_only_the_words_most_titles_share():
    assert corpus_title(DATABASE, default_profile()) == "数据库"  # not 「数据库、技术、概论」


def test_examples_from_course_headings_leave_out_numbers_structure_and_code():
    # 「试述…有些什么的」 is not part of what is compared; 「3.3 …（续）」 names 数据定义; 「小结」,
    # 「WHERE」 and a heading no passage talks about (「查询结果如下」) name no subject.
    examples = example_questions(DATABASE, default_profile())
    assert examples == ("视图和基本表的区别", "什么是数据定义？")


def test_a_comparison_between_fragments_is_no_example():
    """A heading cut mid-word compares no terms: 「该应用涉和两个的区别」 is never suggested."""
    cut = [_passage(f"c{n}", "第4章 Java应用", "应用程序。", "该应用涉和两个的区别") for n in (4, 5)]
    passages = [*JAVA, *cut]
    assert "该应用涉和两个的区别" not in example_questions(passages, default_profile())
    assert example_questions(passages, default_profile())[0] == "抽象类和接口的区别"


def test_a_side_compared_with_itself_or_an_adverb_is_no_example():
    """「do-while语句和while语句的区别」 cut at the hyphen compares while语句 with itself; in
    「本书提到ES6的地方，一般是指ES2015」 the word before 是指 is an adverb, not a term, and
    「一般来说是指」 says how something is put."""
    passages = [
        _passage("w", "第3章 循环", "循环语句。", "do-while语句和while语句的区别"),
        _passage("e", "前言", "本书提到ES6的地方，一般是指ES2015。闭包是指能读取其他函数内部变量的函数。", "前言"),
        _passage("d", "攻击", "上面的例子就是 DDoS 攻击，一般来说是指攻击者发起大量请求。", "攻击"),  # how it is put
    ]
    assert example_questions(passages, default_profile()) == ("什么是闭包？",)


def test_a_word_any_text_uses_or_one_the_corpus_says_once_is_no_example():
    """「特点是指…」 defines a word of any text; what the course keeps talking about (纳什均衡,
    囚徒困境) is what a trainee asks about."""
    passages = [
        *[_passage(f"n{n}", "博弈论", "纳什均衡是指没有玩家愿意单独改变策略的状态。", "纳什均衡") for n in range(3)],
        *[_passage(f"p{n}", "博弈论", "囚徒困境中两名囚徒都选择坦白。", "囚徒困境") for n in range(30)],
        _passage("t", "博弈论", "特点是指这个游戏里双方同时出招。", "游戏"),
    ]
    assert example_questions(passages, default_profile()) == ("什么是纳什均衡？", "什么是囚徒困境？")


def test_a_law_s_defined_term_is_asked_without_the_law_s_own_words():
    """「本条所称月工资是指…」: the law defines 月工资; 「本条所称」 is how a law refers to itself."""
    passages = [
        _passage(f"l{n}", "劳动合同法", "本条所称月工资是指劳动者在劳动合同解除前十二个月的平均工资。", "经济补偿")
        for n in range(3)
    ]
    assert example_questions(passages, default_profile()) == ("什么是月工资？",)


def test_an_example_is_offered_only_where_the_answer_defines_its_term(tmp_path):
    """A slide's part named in a heading (「分析」) is asked about as readily as a term; its
    answer is lines that use the word, so it is not suggested; a term the text defines is."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "slides.txt").write_text(
        "纳什均衡\n纳什均衡是指每个玩家的策略都是对其他玩家策略的最优反应的策略组合。\n"
        "分析\n第一步的分析比第二步的分析更简单。\n第二步的分析需要用到第一步的结果。\n",
        "utf-8",
    )
    from tests.conftest import BigramEmbedder

    embedder = BigramEmbedder()
    kb = KnowledgeBase.build([corpus], tmp_path / "index", embedder=embedder)
    assert kb.ask("什么是分析？").found  # found, but not defined: no example
    assert not shows_an_answer(kb, "什么是分析？")
    assert shows_an_answer(kb, "什么是纳什均衡？")


def test_info_names_the_seed_corpus_and_suggests_questions_it_answers(stub_index):
    index, embedder = stub_index
    client = TestClient(create_app(index, embedder, allowed_hosts=["testserver"]))
    info = client.get("/info").json()
    assert info["title"] == "销售、市场、营销"
    assert len(info["examples"]) == 3 and info["examples"][0] == "市场营销和销售的区别"
    for question in info["examples"]:
        assert client.post("/ask", json={"question": question}).json()["found"], question


def test_info_gives_the_title_and_examples_of_kb_toml(tmp_path):
    from tests.conftest import BigramEmbedder

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "kb.toml").write_text('title = "新人销售培训"\nexamples = ["销售漏斗是什么", "市场部做什么"]\n', "utf-8")
    embedder = BigramEmbedder()
    KnowledgeBase.build([corpus], tmp_path / "index", embedder=embedder)
    info = TestClient(create_app(tmp_path / "index", embedder, allowed_hosts=["testserver"])).get("/info").json()
    assert (info["title"], info["examples"]) == ("新人销售培训", ["销售漏斗是什么", "市场部做什么"])


@pytest.mark.parametrize(
    ("text", "needle"), [("title = 3", "title: Input should be a valid string"), ('examples = "x"', "examples: ")]
)
def test_a_title_or_examples_of_the_wrong_type_is_refused(text, needle):
    with pytest.raises(KbError, match=needle):
        Profile.from_toml(text, "kb.toml")


def test_a_folder_s_readme_names_it_and_words_naming_a_kind_of_text_name_nothing():
    notes = [
        _passage("a", "SSO 单点登录详解", "x", source="security/sso-intro.md"),
        _passage("b", "JWT 基础概念详解", "y", source="security/jwt-intro.md"),
        _passage("c", "常见加密算法总结", "z", source="security/encryption.md"),
        _passage("d", "数据脱敏方案总结", "w", source="security/masking.md"),
    ]
    assert corpus_title(notes, default_profile()) == "security"  # not 「详解、总结」
    readme = _passage("r", "认证授权与数据安全专题：JWT、SSO、加密", "v", source="security/README.md")
    assert corpus_title([*notes, readme], default_profile()) == "认证授权与数据安全专题"
