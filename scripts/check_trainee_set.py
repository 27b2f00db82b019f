"""Check the trainee question set (tests/data/trainee_{dev,test}.jsonl) against the corpus.

Every gold string must be an exact substring (6-30 characters) of some corpus file, `doc` must name
a file holding the first gold string, follow-ups must carry `previous`, unanswerable ones have no
gold, ids are unique, and the kind counts are printed per file.  Reads only the corpus and the set;
it does not run kb.  Usage: python scripts/check_trainee_set.py
"""

import collections
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
KINDS = {
    "advice",
    "yesno",
    "colloquial",
    "definition",
    "comparison",
    "howto",
    "followup",
    "typo",
    "english",
    "unanswerable",
}


def main() -> int:
    corpus = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))}
    problems, ids, total = [], set(), collections.Counter()
    for split in ("dev", "test"):
        rows = [
            json.loads(line)
            for line in (ROOT / "tests" / "data" / f"trainee_{split}.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        kinds = collections.Counter(r["kind"] for r in rows)
        total.update(kinds)
        print(f"{split}: {len(rows)} questions", dict(sorted(kinds.items())))
        for r in rows:
            rid = r["id"]
            if rid in ids or not rid.startswith(f"trainee-{split}-"):
                problems.append(f"{rid}: duplicate or misnamed id")
            ids.add(rid)
            if r["kind"] not in KINDS:
                problems.append(f"{rid}: unknown kind {r['kind']}")
            if (r["kind"] == "followup") != bool(r.get("previous")):
                problems.append(f"{rid}: previous must be given exactly for follow-ups")
            if (r["kind"] == "unanswerable") != (not r["gold"]):
                problems.append(f"{rid}: gold must be empty exactly for unanswerable questions")
            for g in r["gold"]:
                if not 6 <= len(g) <= 30:
                    problems.append(f"{rid}: gold of {len(g)} characters: {g}")
                if not any(g in text for text in corpus.values()):
                    problems.append(f"{rid}: gold not in corpus: {g}")
            if r["gold"] and r["gold"][0] not in corpus.get(r.get("doc", ""), ""):
                problems.append(f"{rid}: doc {r.get('doc')!r} does not hold the first gold")
    print("total:", sum(total.values()), dict(sorted(total.items())))
    for p in problems:
        print("PROBLEM", p)
    print("ok" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
