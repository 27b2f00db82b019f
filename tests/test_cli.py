"""The command line as users meet it: outputs, errors, exit codes (the tests that read an index
use the real model's)."""

import json
import shutil

import pytest
from click.testing import CliRunner

from kb.interfaces.cli import main
from kb.stores.local import StoredIndex
from tests.conftest import CORPUS


@pytest.fixture
def run():
    def invoke(*args, input=None):
        return CliRunner().invoke(main, [str(a) for a in args], input=input)

    return invoke


def _one_line_error(result, *needles):
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    message = result.output.strip()
    assert message.startswith("Error:") and "\n" not in message and "Traceback" not in message
    for needle in needles:
        assert needle in message
    return message


@pytest.mark.model
def test_ask_json_follows_the_contract(run, real_index):
    result = run("ask", "营销和销售的区别", "--index", real_index, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["question"] == "营销和销售的区别"
    ranks = [p["rank"] for p in data["passages"]]
    # -k 5 passages, plus any further ones a contrast-table cell cites, numbered on.
    assert ranks == list(range(1, len(ranks) + 1)) and len(ranks) >= 5
    assert len(data["contrast"]["rows"]) >= 5


@pytest.mark.model
def test_ask_human_output_shows_answer_and_numbered_sources(run, real_index):
    result = run("ask", "营销和销售的区别", "--index", real_index)
    assert result.exit_code == 0
    assert "[1]" in result.output and "corpus/" in result.output and "来源" in result.output


@pytest.mark.model
def test_questions_file_gives_one_json_object_per_line(run, real_index):
    result = run(
        "ask",
        "--questions",
        "-",
        "--json",
        "--mode",
        "bm25",
        "--index",
        real_index,
        input="营销和销售的区别\n\n什么是销售漏斗\n",
    )
    lines = result.output.strip().splitlines()
    assert result.exit_code == 0 and len(lines) == 2
    assert [json.loads(line)["question"] for line in lines] == ["营销和销售的区别", "什么是销售漏斗"]


@pytest.mark.model
def test_a_bad_line_in_a_batch_names_its_line_and_the_rest_still_runs(run, real_index):
    batch = "营销和销售的区别\n？？？\n什么是销售漏斗\n"
    result = run("ask", "--questions", "-", "--json", "--mode", "bm25", "--index", real_index, input=batch)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    records = [json.loads(line) for line in lines[:3]]
    assert [r.get("question") for r in records] == ["营销和销售的区别", "？？？", "什么是销售漏斗"]
    assert records[1]["line"] == 2 and "empty or only punctuation" in records[1]["error"]
    assert records[0]["found"] and records[2]["found"]
    assert lines[3] == "Error: 1 of 3 questions could not be answered (see the errors above)"
    text = run("ask", "--questions", "-", "--mode", "bm25", "--index", real_index, input=batch)
    assert text.exit_code == 1 and "Error: line 2:" in text.output and "什么是销售漏斗" in text.output


@pytest.mark.model
def test_terminal_control_sequences_are_not_printed(run, real_index):
    result = run("ask", "营销\x1b[2J和销售的区别\x07", "--index", real_index, "--mode", "bm25")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert result.output.startswith("营销[2J和销售的区别")


@pytest.mark.model
def test_export_writes_every_passage_with_contract_fields(run, real_index):
    result = run("export", "--index", real_index)
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == StoredIndex(real_index).passage_count
    assert {"doc_id", "title", "source", "start", "end", "text"} <= set(records[0])


@pytest.mark.model
def test_info_reports_model_and_counts_and_verifies(run, real_index):
    result = run("info", "--index", real_index, "--verify")
    assert result.exit_code == 0
    assert "e5-small" in result.output and "5 documents" in result.output and "match" in result.output


@pytest.mark.parametrize("question", ["", "？！。"])
@pytest.mark.model
def test_empty_question_is_a_one_line_error(run, real_index, question):
    _one_line_error(run("ask", question, "--index", real_index), "empty")


def test_missing_index_names_the_fix(run, tmp_path):
    _one_line_error(run("ask", "营销", "--index", tmp_path / "none"), "kb ingest")


def test_missing_corpus_path_names_the_path(run, tmp_path):
    _one_line_error(run("ingest", tmp_path / "nope", "--index", tmp_path / "index"), "nope")


def test_empty_corpus_is_an_error_and_builds_nothing(run, tmp_path):
    (tmp_path / "empty").mkdir()
    _one_line_error(run("ingest", tmp_path / "empty", "--index", tmp_path / "index"), "no text")
    assert not (tmp_path / "index" / "CURRENT").exists()


@pytest.mark.model
def test_corrupt_index_is_reported_as_damaged(run, real_index, tmp_path):
    copy = tmp_path / "index"
    shutil.copytree(real_index, copy)
    bm25_file = next((StoredIndex(copy).dir / "bm25").glob("*.npy"))
    bm25_file.write_bytes(b"")
    _one_line_error(run("ask", "营销", "--index", copy), "damaged", "kb ingest")


def test_index_built_with_an_unavailable_model_is_a_one_line_error(run, tmp_path):
    from kb.ingest.pipeline import ingest
    from tests.conftest import BigramEmbedder

    ingest([CORPUS], tmp_path / "index", embedder=BigramEmbedder())
    _one_line_error(run("ask", "营销和销售的区别", "--index", tmp_path / "index"), "test-bigram", "kb ingest")
    bm25_only = run("ask", "营销和销售的区别", "--index", tmp_path / "index", "--mode", "bm25")
    assert bm25_only.exit_code == 0, "BM25 needs no model"


def test_unknown_model_name_is_a_one_line_error(run, tmp_path):
    _one_line_error(run("ingest", CORPUS, "--index", tmp_path / "i", "--model", "no-such-model"), "no-such-model")


@pytest.mark.model
def test_question_and_questions_file_are_exclusive(run, real_index):
    result = run("ask", "营销", "--questions", "-", "--index", real_index, input="x\n")
    assert result.exit_code == 2 and "not both" in result.output


def test_help_teaches_the_main_commands(run):
    result = run("--help")
    assert result.exit_code == 0
    for command in ("ingest", "ask", "export", "info"):
        assert command in result.output


@pytest.mark.parametrize(
    "command", [["ask", "--questions"], ["study", "--out", "out", "--questions"], ["eval", "--queries"]]
)
def test_a_questions_file_that_is_not_text_is_a_one_line_error(run, tmp_path, command):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xef\xbb\xbf" + "营销和销售的区别\n".encode() + b"\xff\xfe\xfd\n")
    _one_line_error(run(*command, bad, "--index", tmp_path / "none"), "bad.txt", "not readable text")


def test_a_gbk_questions_file_is_read_like_a_corpus_file(run, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_bytes("营销和销售的区别\n".encode("gbk"))
    result = run("ask", "--questions", questions, "--index", tmp_path / "none")
    _one_line_error(result, "kb ingest")  # got past reading the file, to the missing index


@pytest.mark.model
def test_explain_says_when_the_encoder_read_only_the_start_of_a_long_question(run, real_index):
    question = "营销和销售的区别是什么？" + "请详细说明两者在目标、对象和方法上的不同。" * 12
    result = run("ask", question, "--index", real_index, "--explain")
    assert result.exit_code == 0, result.output
    assert "dense ranker read the first 128 characters" in result.output
    short = run("ask", "营销和销售的区别", "--index", real_index, "--explain")
    assert "dense ranker read the first" not in short.output


@pytest.mark.model
def test_json_with_explain_carries_the_explanations(run, real_index):
    data = json.loads(run("ask", "营销和销售的区别", "--index", real_index, "--json", "--explain").output)
    assert [e["rank"] for e in data["explain"]] == [p["rank"] for p in data["passages"]]
    first = data["explain"][0]
    assert set(first) == {"rank", "matched_terms", "bm25", "dense", "fused"} and "营销" in first["matched_terms"]
    plain = json.loads(run("ask", "营销和销售的区别", "--index", real_index, "--json").output)
    assert "explain" not in plain


def test_progress_without_a_terminal_is_one_line_per_step_with_counts_and_time_left():
    import io

    from kb.interfaces.progress import ProgressReport

    log = io.StringIO()  # not a terminal: a CI log or a pipe
    with ProgressReport(log) as report:
        report("embed", 0, 300)
        report("embed", 32, 300)
        report("embed", 300, 300)
        report("index", 0, 1)
    lines = log.getvalue().splitlines()
    assert lines[0] == "Embedding passages: 300 to embed"
    assert lines[1].startswith("Embedding passages: 32/300 (11 %)") and "s left" in lines[1]
    assert lines[2].startswith("Embedding passages: 300/300 in")


def test_asking_a_local_index_loads_none_of_the_scale_out_libraries(tmp_path):
    """Milvus and Ray are for `--store`/`--ray`, the MCP SDK and the frameworks for `kb mcp` and
    kb.integrations, pydantic for checking a profile not seen to pass before (kb/profile_check.py);
    a plain `kb ask` stays as lean as before."""
    import subprocess
    import sys

    from kb.ingest.pipeline import ingest
    from tests.conftest import BigramEmbedder

    ingest([CORPUS], tmp_path / "index", embedder=BigramEmbedder())
    heavy = ("pymilvus", "milvus_lite", "ray", "torch", "bm25s", "mcp", "langchain_core", "llama_index", "pydantic")
    probe = (
        "import sys; from click.testing import CliRunner; from kb.interfaces.cli import main; "
        f"args = ['ask', '营销和销售的区别', '--mode', 'bm25', '--index', r'{tmp_path / 'index'}']; "
        "result = CliRunner().invoke(main, args); "
        f"print(result.exit_code, sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[0] == "0 []", out
