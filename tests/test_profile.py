"""Profiles: a knowledge base on another subject brings its own vocabulary, and kb answers each
index with the profile it was built with."""

import shutil

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from kb import KbError, KnowledgeBase, Profile
from kb.interfaces.cli import main
from kb.interfaces.server import create_app
from kb.profile import default_profile
from tests.conftest import CORPUS, ROOT

SECOND = ROOT / "tests/data/second_corpus"  # 客户服务 vs 客户成功, with its own kb.toml
CONTRAST = "客服和客户成功经理有什么区别"


@pytest.fixture
def two_subjects(tmp_path, embedder):
    """The second corpus indexed with its kb.toml and with kb's own profile, and the seed corpus."""
    own = KnowledgeBase.build([SECOND], tmp_path / "own", embedder=embedder)
    plain = KnowledgeBase.build([SECOND], tmp_path / "plain", embedder=embedder, profile="default")
    seed = KnowledgeBase.build([CORPUS], tmp_path / "seed", embedder=embedder)
    return own, plain, seed


def test_a_corpus_kb_toml_gives_contrast_sides_the_default_profile_lacks(two_subjects):
    own, plain, _ = two_subjects
    assert own.last_ingest.profile.endswith("second_corpus/kb.toml") and plain.last_ingest.profile == "default"
    table = own.ask(CONTRAST).contrast
    assert table is not None and len(table.rows) >= 4
    assert "所需技能" in {row.aspect for row in table.rows}  # an aspect the kb.toml adds
    # Without it, only the rows the corpus's own headings and statements make (kb/answering/aspects.py):
    # fewer than with the kb.toml's aliases and cue words.
    plain_table = plain.ask(CONTRAST).contrast
    assert plain_table is None or len(plain_table.rows) < len(table.rows)


def test_a_corpus_kb_toml_gives_synonym_matches_the_default_profile_lacks(two_subjects):
    own, plain, _ = two_subjects
    hits = own.search("续费", k=3, mode="bm25")  # the corpus says 续约; kb.toml makes them synonyms
    assert hits and all("续约" in h.passage.text or "續約" in h.passage.text for h in hits)
    assert plain.search("续费", k=3, mode="bm25") == []


def test_one_process_serves_indexes_with_different_profiles(two_subjects, embedder):
    own, _, seed = two_subjects
    # Interleaved, each index keeps its own vocabulary.
    assert own.ask(CONTRAST).contrast is not None
    assert seed.ask("营销和销售的区别").contrast is not None
    assert own.search("续费", k=1, mode="bm25") and seed.search("续费", k=1, mode="bm25") == []
    clients = {
        name: TestClient(create_app(kb.index.index_dir, embedder, allowed_hosts=["testserver"]))
        for name, kb in (("own", own), ("seed", seed))
    }
    assert clients["own"].post("/ask", json={"question": CONTRAST}).json()["contrast"]["sides"] == [
        "客服",
        "客户成功经理",
    ]
    assert clients["seed"].post("/ask", json={"question": "营销和销售的区别"}).json()["contrast"]["sides"] == [
        "营销",
        "销售",
    ]
    assert clients["own"].post("/search", json={"question": "续费", "mode": "bm25"}).json()["passages"]
    assert clients["seed"].post("/search", json={"question": "续费", "mode": "bm25"}).json()["passages"] == []


def test_the_index_answers_with_the_profile_it_was_built_with(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(SECOND, corpus)
    kb = KnowledgeBase.build([corpus], tmp_path / "index", embedder=embedder)
    (corpus / "kb.toml").unlink()  # the corpus folder changes; the index does not
    reopened = KnowledgeBase.open(tmp_path / "index", embedder=embedder)
    assert reopened.profile.fingerprint == kb.profile.fingerprint == reopened.index.manifest.profile.fingerprint
    assert reopened.ask(CONTRAST).contrast is not None
    again = KnowledgeBase.build(
        [corpus], tmp_path / "index", embedder=embedder
    )  # no kb.toml: keeps the index's profile
    assert again.profile.fingerprint == kb.profile.fingerprint and again.last_ingest.embedded == 0


def test_lists_extend_tables_merge_and_numbers_replace():
    extra = Profile.from_toml(
        '[vocabulary]\nsynonyms = [["续约", "续费"]]\nstopwords = ["然后"]\n'
        '[contrast.aliases]\n"营销" = ["推广部"]\n"客服" = ["售后"]\n'
        '[[contrast.aspects]]\nname = "目标"\ncues = ["愿景"]\n'
        "[answerable]\nmin_coverage = 0.5\n",
        "extra.toml",
    )
    base = default_profile()
    assert (
        extra.analyzer.synonyms["续约"] == {"续费"}
        and base.analyzer.synonyms["顾客"] == extra.analyzer.synonyms["顾客"]
    )
    assert extra.analyzer.stopwords == base.analyzer.stopwords | {"然后"}
    groups = [set(group) for group in extra.contrast.aliases]
    assert {"推广部", "市场营销", "营销"} <= next(g for g in groups if "营销" in g) and {"客服", "售后"} in groups
    goal = next(a for a in extra.contrast.aspects if a.name == "目标")
    assert goal.cues[-1] == "愿景" and len(extra.contrast.aspects) == len(base.contrast.aspects)
    assert extra.min_coverage == 0.5 and extra.synonym_weight == base.synonym_weight
    assert extra.fingerprint != base.fingerprint


def test_extends_false_starts_from_nothing():
    alone = Profile.from_toml('extends = false\n[vocabulary]\nsynonyms = [["甲", "乙"]]\n', "alone.toml")
    assert set(alone.analyzer.synonyms) == {"甲", "乙"} and not alone.contrast.aliases and not alone.cleaning_rules
    # Thresholds it leaves out are the shipped ones, not "refuse everything".
    shipped = default_profile()
    assert alone.min_coverage == shipped.min_coverage and alone.synonym_weight == shipped.synonym_weight
    assert alone.dense_threshold("e5-small") == shipped.dense_threshold("e5-small")
    assert alone.dense_threshold("some-other-model") is None


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[vocabulary]\nsynonym = []\n", "unknown key vocabulary.synonym"),
        ("[vocab]\n", "unknown key vocab"),
        ('[vocabulary]\nsynonyms = [["孤"]]\n', "vocabulary.synonyms[0]: List should have at least 2 items"),
        ('[answerable]\nmin_coverage = "high"\n', "answerable.min_coverage: Input should be a valid number"),
        ('[[cleaning.line]]\nname = "x"\npattern = "("\n', "does not compile"),
        ('[[contrast.aspects]]\ncues = ["a"]\n', "contrast.aspects[0].name is missing"),
        ("[vocabulary\n", "not valid TOML"),
    ],
)
def test_a_broken_profile_is_refused_naming_the_file_and_the_key(text, needle):
    with pytest.raises(KbError, match="broken.toml") as error:
        Profile.from_toml(text, "broken.toml")
    assert needle in str(error.value)


def test_profile_init_writes_the_effective_profile_to_start_from(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["profile", "init", str(tmp_path / "mine"), "--index", str(tmp_path / "none")])
    assert result.exit_code == 0, result.output
    written = Profile.load(tmp_path / "mine")
    assert written.fingerprint == default_profile().fingerprint
    again = runner.invoke(main, ["profile", "init", str(tmp_path / "mine"), "--index", str(tmp_path / "none")])
    assert again.exit_code == 1 and "--force" in again.output and "Traceback" not in again.output


def test_profile_show_prints_the_profile_an_index_was_built_with(tmp_path, embedder):
    KnowledgeBase.build([SECOND], tmp_path / "index", embedder=embedder)
    result = CliRunner().invoke(main, ["profile", "show", "--index", str(tmp_path / "index")])
    assert result.exit_code == 0, result.output
    assert "second_corpus/kb.toml" in result.output.splitlines()[0] and "续约" in result.output


def test_a_missing_profile_is_a_one_line_error(tmp_path, embedder):
    with pytest.raises(KbError, match="cannot read profile"):
        KnowledgeBase.build([SECOND], tmp_path / "index", embedder=embedder, profile=tmp_path / "nowhere.toml")
    assert not (tmp_path / "index").exists()


def test_a_later_ingest_lays_the_same_kb_toml_over_the_shipped_profile_of_today(tmp_path, embedder):
    """The index keeps the user's file, not only the merged result: when kb's own profile
    changes (an upgrade), the next ingest merges the user's file into the new one."""
    import json

    corpus = tmp_path / "corpus"
    shutil.copytree(SECOND, corpus)
    built = KnowledgeBase.build([corpus], tmp_path / "index", embedder=embedder)
    (corpus / "kb.toml").unlink()
    stored = built.index.profile
    assert stored.layer == (SECOND / "kb.toml").read_text("utf-8")
    assert stored.rebased().fingerprint == stored.fingerprint  # same shipped profile: same result
    # An index built by an older kb: its stored, merged profile lacks a shipped stopword.
    version = built.index.dir
    old_data = json.loads(json.dumps(stored.data))
    old_data["vocabulary"]["stopwords"].remove("以及")
    older = Profile(old_data, stored.source, stored.layer)
    assert older.rebased().fingerprint == stored.fingerprint and "以及" in older.rebased().analyzer.stopwords
    assert (version / "kb.toml").is_file()
