"""Retrieval and answer quality on every shared benchmark set and the seed questions.

First table: every mode × every set, R@5 and MRR@10, next to the BM25 reference numbers of
../shared/eval/README.md (same 500-query subsets). Second table: the answers `kb ask` gives
(k=5) on the sets with gold text (cmrc2018 and drcd `answers`, seed `gold`): how often the
top-5 passages contain the gold text (P5, the ceiling), the answer quotes it (of all questions,
and of those where P5 holds), its first sentence quotes it, mean quoted length, not-found rate.

Indexes are built once per set (≈ 35 min of embedding on 2 cores in all) and cached, like
`kb eval` does; later runs only query.

    python scripts/bench_quality.py                 # all sets, queries_small
    python scripts/bench_quality.py --sets drcd     # one set
    python scripts/bench_quality.py --modes hybrid  # one mode
    python scripts/bench_quality.py --sets course --course-index DIR --split dev   # the database course
    python scripts/bench_quality.py --sets --questions my_questions.jsonl my-index  # a trainer's own set

The `course` set (tests/data/course_README.md) needs an index of /work/bench_docs/course built
with `kb ingest` (about 20 minutes); give it with --course-index or $KB_COURSE_INDEX. Without
one the set is skipped with a message. `--questions FILE INDEX` runs the same report on any set
written in that format (a trainer's questions on their own documents; no `split` field needed).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
from pathlib import Path

from kb import KnowledgeBase
from kb.ingest.pipeline import ingest
from kb.study.evaluate import (
    EvalQuery,
    answer_metrics,
    comparable,
    default_index_for,
    evaluate,
    judge_answer,
    load_corpus,
    load_queries,
)
from kb.types import MODES, Answer

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
# BM25 reference on queries_small.jsonl (jieba + stopwords, title + text), from the sets' READMEs.
REFERENCE = {
    "cmrc2018": (99.2, 0.982),
    "drcd": (98.0, 0.943),  # simplified queries, corpus folded to simplified
    "medical_dialogue_im": (22.2, 0.162),
}
DRCD_UNFOLDED = (72.6, 0.625)  # simplified queries against the traditional corpus, no folding


def drcd_simplified_small(tmp: Path, eval_dir: Path) -> Path:
    """queries_t2s.jsonl restricted to the ids of queries_small.jsonl: simplified questions
    against the traditional-script corpus, the case script folding exists for."""
    ids = {json.loads(line)["id"] for line in (eval_dir / "drcd/queries_small.jsonl").open(encoding="utf-8")}
    path = tmp / "drcd_small_t2s.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for line in (eval_dir / "drcd/queries_t2s.jsonl").open(encoding="utf-8"):
            if json.loads(line)["id"] in ids:
                out.write(line)
    return path


# Question sets in the trainee format (tests/data/trainee_README.md): kinds, follow-ups with
# their previous questions, on-topic questions the corpus does not answer (gold []).
TRAINEE_SETS = {
    "trainee": ROOT / "tests/data/trainee_dev.jsonl",
    "trainee_test": ROOT / "tests/data/trainee_test.jsonl",
    "trainee_english": ROOT / "tests/data/trainee_english.jsonl",
}


def trainee_report(kb: KnowledgeBase, path: Path) -> None:
    """Per kind: answer holds gold, first sentence holds it, answers with a junk sentence,
    the top-passage baseline, mean length, refusals; then refusal precision and recall."""
    records = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    by_kind: dict[str, list[tuple[dict, object]]] = {}
    for record in records:
        answer = kb.ask(record["query"], previous=record.get("previous", []))
        by_kind.setdefault(record["kind"], []).append((record, answer))
    print(f"\n{path.name}: {len(records)} questions (hybrid, k=5), % of the kind's questions")
    print(f"{'kind':<14}{'n':>4}{'answer':>8}{'first':>7}{'junk':>6}{'top-passage':>13}{'chars':>7}{'refused':>9}")
    totals: dict[str, list[float]] = {}
    refused_unanswerable = refused_answerable = answerable = unanswerable = 0
    for kind, pairs in sorted(by_kind.items()):
        judged = [judge_answer(load_query(record), answer) for record, answer in pairs if record["gold"]]
        refused = sum(not answer.found for _, answer in pairs)
        if kind == "unanswerable":
            unanswerable += len(pairs)
            refused_unanswerable += refused
            print(f"{kind:<14}{len(pairs):>4}{'':>8}{'':>7}{'':>6}{'':>13}{'':>7}{100 * refused / len(pairs):>9.1f}")
            continue
        answerable += len(pairs)
        refused_answerable += refused
        m = answer_metrics(judged)
        for key in ("answer_contains", "first", "junk", "baseline_contains", "answer_chars"):
            value = 100 * sum(j.best_sentence_contains for j in judged) / len(judged) if key == "first" else m[key]
            totals.setdefault(key, []).extend([value] * len(judged))
        print(
            f"{kind:<14}{len(pairs):>4}{m['answer_contains']:>8.1f}"
            f"{100 * sum(j.best_sentence_contains for j in judged) / len(judged):>7.1f}{m['junk']:>6.1f}"
            f"{m['baseline_contains']:>13.1f}{m['answer_chars']:>7.0f}{100 * refused / len(pairs):>9.1f}"
        )
    mean = {key: sum(values) / len(values) for key, values in totals.items()}
    print(
        f"{'answerable':<14}{answerable:>4}{mean['answer_contains']:>8.1f}{mean['first']:>7.1f}{mean['junk']:>6.1f}"
        f"{mean['baseline_contains']:>13.1f}{mean['answer_chars']:>7.0f}{100 * refused_answerable / answerable:>9.1f}"
    )
    refusals = refused_unanswerable + refused_answerable
    precision = 100 * refused_unanswerable / refusals if refusals else 100.0
    recall = 100 * refused_unanswerable / unanswerable if unanswerable else 100.0
    print(f"refusal precision {precision:.1f} %, recall {recall:.1f} % ({refusals} refused)")


COURSE_QUESTIONS = ROOT / "tests/data/course_questions.jsonl"
COURSE_INDEX = Path("/work/bench_docs/course-index")


def course_report(kb: KnowledgeBase, questions: Path, split: str) -> None:
    """A set in the course format (tests/data/course_README.md: gold, doc, place; steps on how-to,
    aspects on comparisons), one split: the trainee table per kind, then the first citation's
    place, how-to answers that quote every step, and comparisons answered with a contrast table
    (its rows listed, to judge whether each is about its aspect). Records without a split are
    in every split, so a trainer's own set needs none."""
    records = [json.loads(line) for line in questions.open(encoding="utf-8") if line.strip()]
    records = [r for r in records if split == "all" or r.get("split", split) == split]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{questions.stem}_{split}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        trainee_report(kb, path)
    placed = [at_gold_place(r, kb.ask(r["query"], previous=r.get("previous", []))) for r in records if r["gold"]]
    answered = [right for right in placed if right is not None]
    print(f"first citation at the gold's file and page: {sum(answered)}/{len(answered)} answered")
    howto = [r for r in records if r["kind"] == "howto"]
    complete = 0
    for record in howto:
        quoted = comparable(kb.ask(record["query"]).text)
        held = [step for step in record["steps"] if comparable(step) in quoted]
        complete += len(held) == len(record["steps"])
        print(f"  how-to {record['id']}: {len(held)}/{len(record['steps'])} steps  {record['query']}")
    print(f"how-to answers with every step: {complete}/{len(howto)}")
    comparisons = [r for r in records if r["kind"] == "comparison"]
    tables = 0
    for record in comparisons:
        contrast = kb.ask(record["query"]).contrast
        tables += contrast is not None
        print(f"  comparison {record['id']}: {len(contrast.rows) if contrast else 0} rows  {record['query']}")
        for row in contrast.rows if contrast else []:
            print(f"    {row.aspect}: " + " | ".join(cell.text for cell in row.cells))
    print(f"comparisons with a table: {tables}/{len(comparisons)}")


def at_gold_place(record: dict, answer: Answer) -> bool | None:
    """Whether the answer's first citation is in the gold's file and, when the gold names pages,
    on one of them (a span over pp.16–17 is at p.17), or quotes the gold text wherever it is (a
    textbook page stating the steps a homework answer copies); None when the question was refused."""
    if not answer.found or not answer.sentences:
        return None
    first = answer.sentences[0]
    if any(comparable(gold) in comparable(first.text) for gold in record["gold"]):
        return True
    if not first.doc_id.startswith(Path(record["doc"]).stem):
        return False
    gold_pages = {int(n) for n in re.findall(r"\bp\.(\d+)", record.get("place", ""))}
    if not gold_pages or first.location is None:
        return True
    numbers = [int(n) for n in re.findall(r"\d+", first.location.label)]
    return bool(numbers) and any(min(numbers) <= page <= max(numbers) for page in gold_pages)


def load_query(record: dict) -> EvalQuery:
    return EvalQuery(record["id"], record["query"], gold=tuple(record["gold"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="*", default=[*REFERENCE, "seed"])
    parser.add_argument("--modes", nargs="*", default=["bm25", "dense", "hybrid"], choices=MODES)
    parser.add_argument("--index", type=Path, default=ROOT / "index", help="the seed corpus's index (built if absent)")
    parser.add_argument("--eval", type=Path, default=EVAL, help=f"the shared eval sets (default {EVAL})")
    parser.add_argument("--course-index", type=Path, default=Path(os.environ.get("KB_COURSE_INDEX", COURSE_INDEX)))
    parser.add_argument("--split", choices=["dev", "test", "all"], default="dev", help="of the course set")
    parser.add_argument(
        "--questions",
        nargs=2,
        action="append",
        default=[],
        type=Path,
        metavar=("FILE", "INDEX"),
        help="any question set in the course format over the index of its documents (repeatable)",
    )
    args = parser.parse_args()
    if "course" in args.sets:
        args.questions.insert(0, (COURSE_QUESTIONS, args.course_index))
        args.sets = [s for s in args.sets if s != "course"]
    for questions, index in args.questions:
        if (index / "CURRENT").exists():
            course_report(KnowledgeBase.open(index), questions, args.split)
        else:
            print(f"{questions.name} skipped: no index at {index} (build it with `kb ingest DOCS --index {index}`)")
    if not args.sets:
        return
    if missing := [s for s in args.sets if s in REFERENCE and not (args.eval / s / "corpus.jsonl").is_file()]:
        parser.error(f"no eval set {', '.join(missing)} in {args.eval}: give --eval DIR, or --sets seed trainee")
    for name in [s for s in args.sets if s in TRAINEE_SETS]:
        index = args.index
        if not (index / "CURRENT").exists():
            ingest([ROOT / "corpus"], index)
        trainee_report(KnowledgeBase.open(index), TRAINEE_SETS[name])
    args.sets = [s for s in args.sets if s not in TRAINEE_SETS]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sets:
            if name == "seed":
                index = args.index
                if not (index / "CURRENT").exists():
                    ingest([ROOT / "corpus"], index)
                queries = load_queries(ROOT / "tests/data/seed_questions.jsonl")
            else:
                corpus = args.eval / name / "corpus.jsonl"
                index = default_index_for(corpus)
                ingest(load_corpus(corpus), index)  # reuses the cached index when unchanged
                small = args.eval / name / "queries_small.jsonl"
                queries = load_queries(drcd_simplified_small(Path(tmp), args.eval) if name == "drcd" else small)
            kb = KnowledgeBase.open(index)
            results = {mode: evaluate(kb.search, queries, mode, ask=kb.ask).metrics for mode in args.modes}
            rows.append((name, len(queries), results))
    print(
        f"{'set':<22}{'queries':>8}  {'BM25 ref R@5/MRR':>17}  "
        + "  ".join(f"{m + ' R@5/MRR':>17}" for m in args.modes)
    )
    for name, count, results in rows:
        ref = REFERENCE.get(name)
        ref_text = f"{ref[0]:5.1f} / {ref[1]:.3f}" if ref else "—"
        cells = "  ".join(f"{results[m]['R@5']:9.1f} / {results[m]['MRR@10']:.3f}" for m in args.modes)
        print(f"{name:<22}{count:>8}  {ref_text:>17}  {cells}")
    print("\nAnswers (k=5), % of questions; |P5 = of those whose top-5 passages contain the gold text")
    print(
        f"{'set':<22}{'mode':<8}{'P5':>7}{'answer':>8}{'answer|P5':>11}{'best|P5':>9}{'chars':>7}{'none':>6}"
        f"{'junk':>6}{'top-passage':>13}"
    )
    for name, _, results in rows:
        for mode, m in results.items():
            if "answer_contains" in m:
                print(
                    f"{name:<22}{mode:<8}{m['passages_contain']:>7.1f}{m['answer_contains']:>8.1f}{m['answer_contains_when_retrievable']:>11.1f}"
                    f"{m['best_sentence_contains_when_retrievable']:>9.1f}{m['answer_chars']:>7.0f}{m['not_found']:>6.1f}"
                    f"{m['junk']:>6.1f}{m['baseline_contains']:>13.1f}"
                )
    if "seed" in args.sets:
        kb = KnowledgeBase.open(args.index)
        off = [q for q in (ROOT / "tests/data/unanswerable_on_topic.txt").read_text("utf-8").splitlines() if q]
        on = [json.loads(line)["query"] for line in (ROOT / "tests/data/seed_questions.jsonl").open(encoding="utf-8")]
        refused = sum(not kb.ask(q).found for q in off)
        answered = sum(kb.ask(q).found for q in on)
        print(
            f"\nseed corpus, hybrid: on-topic questions it cannot answer refused {refused}/{len(off)}; "
            f"seed questions answered {answered}/{len(on)}"
        )
    if "drcd" in args.sets:
        print(f"(drcd without script folding, BM25 reference: R@5 {DRCD_UNFOLDED[0]} / MRR {DRCD_UNFOLDED[1]})")


if __name__ == "__main__":
    main()
