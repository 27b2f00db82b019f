"""Replay issue 23 — silent wrong answers, lost content and disclosure (items 1–5), damaged,
hanging and expanding files (6–8) and bounds on every other input (9–12) — and issue 25 (`kb mcp
--http` under the limits of `kb serve`) against a kb checkout, and say, per case, whether kb held.

    python scripts/attack.py                    # attack this checkout's kb
    python scripts/attack.py --kb /path/to/kb   # another checkout (e.g. main, to see it fail)

Each case builds small files in a temporary folder, runs the kb command line in subprocesses
(`python -m kb`, with the attacked checkout first on PYTHONPATH) under a hard time limit, and
checks what a user would: what the index holds (`kb export`), what ingest said, what is on
disk. Exit code 0 when every case held. A kb ingest takes a few seconds (the model loads), so
the whole run takes a minute or two.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import hostile  # noqa: E402  (this checkout's generators, whichever kb is attacked)

CASE_SECONDS = 90  # a case's hard budget; one over it failed
ARTICLE = (
    "营销和销售的区别\n营销是一个系统，关注长期的品牌建设和客户需求。销售只是营销的一部分，关注短期业绩和成交。\n"
    "营销负责市场调研、品牌策划和渠道建设，销售负责拜访客户、谈判签单和回款。\n"
)
PASSWD = "".join(f"{n}:x:{i}:{i}:{n}:/home/{n}:/bin/bash\n" for i, n in enumerate(["root", "daemon", "bin", "sys"]))
# Runs kb's command line with corpus file argv[1] replaced after discovery, before reading:
# by a link to argv[2] ("link") or by a pipe ("pipe"). The rest of argv is kb's.
SWAP = """
import os, sys
from pathlib import Path
import kb.ingest.loaders
from kb.interfaces.cli import main
victim, target, how = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
real_find = kb.ingest.loaders.find_files
def find_files(*args, **kwargs):
    found = real_find(*args, **kwargs)
    victim.unlink()
    os.symlink(target, victim) if how == "link" else os.mkfifo(victim)
    return found
kb.ingest.loaders.find_files = find_files
sys.argv = ["kb", *sys.argv[4:]]
main()
"""


@dataclass
class Run:
    code: int | None  # None: killed at the time limit
    out: str


class Attack:
    """The attacked checkout and a scratch folder; runs kb commands there."""

    def __init__(self, kb_root: Path, scratch: Path) -> None:
        self.kb_root = kb_root
        self.scratch = scratch
        self.deadline = 0.0

    def run(self, *args: str, script: str | None = None, env: dict[str, str] | None = None) -> Run:
        """`python -m kb ARGS` (or `python -c SCRIPT ARGS`) in the scratch folder, within the case's
        budget; `env` over this process's environment."""
        env = dict(os.environ, PYTHONPATH=str(self.kb_root), KB_INDEX=str(self.scratch / "index")) | (env or {})
        command = [sys.executable, "-c", script, *args] if script else [sys.executable, "-m", "kb", *args]
        process = subprocess.Popen(
            command, cwd=self.scratch, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            out, _ = process.communicate(timeout=max(1.0, self.deadline - time.monotonic()))
            return Run(process.returncode, out.decode("utf-8", "replace"))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, _ = process.communicate()
            return Run(None, out.decode("utf-8", "replace"))

    def corpus(self, name: str, files: dict[str, str | bytes]) -> Path:
        folder = self.scratch / name
        folder.mkdir()
        for file, content in files.items():
            path = folder / file
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return folder

    def indexed(self, corpus: Path, *extra: str) -> tuple[Run, str]:
        """Ingest a corpus into its own index; what ingest said, and the text of every passage."""
        index = str(corpus) + ".index"
        ingest = self.run("ingest", str(corpus), "--index", index, *extra)
        if ingest.code != 0:
            return ingest, ""
        return ingest, self.run("export", "--index", index).out


# --- the cases: each returns None when kb held, else what went wrong ------------------------------


def swap_for_link(a: Attack) -> str | None:
    secret = a.scratch / "secret.txt"
    secret.write_text("营销秘密：" + PASSWD, "utf-8")
    corpus = a.corpus("swap_link", {"a.txt": ARTICLE, "b.txt": ARTICLE.replace("营销", "市场")})
    index = str(corpus) + ".index"
    ingest = a.run(str(corpus / "b.txt"), str(secret), "link", "ingest", str(corpus), "--index", index, script=SWAP)
    exported = a.run("export", "--index", index).out
    if ingest.code is None:
        return "ingest did not finish"
    return "the link's target (root:x:0:0…) was indexed" if "root:x:0:0" in exported else None


def swap_for_pipe(a: Attack) -> str | None:
    corpus = a.corpus("swap_pipe", {"a.txt": ARTICLE, "b.txt": ARTICLE})
    a.deadline = min(a.deadline, time.monotonic() + 45)
    ingest = a.run(
        str(corpus / "b.txt"), "", "pipe", "ingest", str(corpus), "--index", str(corpus) + ".index", script=SWAP
    )
    if ingest.code is None:
        return "ingest blocked on the pipe (killed after 45 s)"
    return None if ingest.code == 0 and "b.txt" in ingest.out else f"ingest exited {ingest.code}: {_last(ingest.out)}"


def password_file(a: Attack) -> str | None:
    ingest, exported = a.indexed(a.corpus("data", {"article.txt": ARTICLE, "passwd.txt": PASSWD}))
    if ingest.code != 0:
        return f"ingest failed: {_last(ingest.out)}"
    return "passwd-like data with no Chinese and no prose was indexed" if "root:x:0:0" in exported else None


def disclaimer_first_line(a: Attack) -> str | None:
    text = "免责声明：本文内容仅供学习参考。\n" + ARTICLE
    ingest, exported = a.indexed(a.corpus("disclaimer", {"a.txt": ARTICLE.replace("营销", "品牌"), "b.txt": text}))
    return None if "营销是一个系统" in exported else f"the article under the disclaimer vanished ({_last(ingest.out)})"


def script_mention(a: Attack) -> str | None:
    text = ARTICLE + "网站运营需要在网页中加入<script>统计代码，然后每周分析访客来源和转化率。\n"
    ingest, exported = a.indexed(a.corpus("script", {"a.txt": text}))
    return None if "每周分析访客来源" in exported else "the text after 「<script>」 was cut"


def mid_document_heading(a: Attack) -> str | None:
    text = ARTICLE + "推荐阅读\n第三章 渠道管理\n渠道冲突需要营销部门和销售部门共同协调解决，明确各自的职责。\n"
    ingest, exported = a.indexed(a.corpus("heading", {"a.txt": text}))
    return None if "渠道冲突需要营销部门" in exported else "the chapters after a 「推荐阅读」 heading were cut"


def epub_without_declaration(a: Attack) -> str | None:
    chapter = f"<html xmlns='http://www.w3.org/1999/xhtml'><body><p>{ARTICLE.splitlines()[1]}</p></body></html>"
    ingest, exported = a.indexed(a.corpus("epub", {"a.txt": ARTICLE, "book.epub": hostile.epub(chapter)}))
    if ingest.code != 0:
        return f"ingest failed: {_last(ingest.out)}"
    return "the chapter became mojibake" if "è" in exported or "å" in exported else None


def pdf_without_tounicode(a: Attack) -> str | None:
    pdf = _pdf_identity_h("营销和销售的区别：营销是一个系统，销售只是营销的一部分。")
    ingest, exported = a.indexed(a.corpus("pdf", {"a.txt": ARTICLE, "scan.pdf": pdf}))
    if ingest.code != 0:
        return f"ingest failed: {_last(ingest.out)}"
    return "(cid:N) glyph codes were indexed as text" if "(cid:" in exported else None


def study_through_links(a: Attack) -> str | None:
    corpus = a.corpus("study_corpus", {"a.txt": ARTICLE})
    index = str(corpus) + ".index"
    ingest = a.run("ingest", str(corpus), "--index", index)
    if ingest.code != 0:
        return f"ingest failed: {_last(ingest.out)}"
    out, victim, planted = a.scratch / "study", a.scratch / "victim.txt", a.scratch / "planted.html"
    out.mkdir()
    victim.write_text("precious\n", "utf-8")
    (out / "study.md").symlink_to(victim)
    (out / "study.html").symlink_to(planted)  # dangling: its target does not exist yet
    questions = a.scratch / "questions.txt"
    questions.write_text("营销和销售的区别\n", "utf-8")
    a.run(
        "study",
        "--index",
        index,
        "--questions",
        str(questions),
        "--out",
        str(out),
        "--format",
        "md",
        "--format",
        "html",
    )
    if victim.read_text("utf-8") != "precious\n":
        return "study.md was written through a link, over the file it points to"
    return "study.html created the file a dangling link points to" if planted.exists() else None


def _profile_case(text: str) -> Callable[[Attack], str | None]:
    def case(a: Attack) -> str | None:
        corpus = a.corpus("profile", {"a.txt": ARTICLE})
        (a.scratch / "bad.toml").write_text(text, "utf-8")
        ingest = a.run("ingest", str(corpus), "--index", str(corpus) + ".index", "--profile", "bad.toml")
        if ingest.code == 0:
            return "accepted: the index was built with it"
        if ingest.code is None or "Traceback" in ingest.out or "Error: " not in ingest.out:
            return f"not a one-line error: {_last(ingest.out)}"
        return None

    return case


CASES: list[tuple[str, Callable[[Attack], str | None]]] = [
    ("1 corpus file swapped for a link to a password file after discovery", swap_for_link),
    ("1 corpus file swapped for a pipe after discovery", swap_for_pipe),
    ("1 password-file data (no Chinese, no prose) in the corpus", password_file),
    ("2 a first line 「免责声明：…」 above the article", disclaimer_first_line),
    ("2 「<script>」 mentioned in prose", script_mention),
    ("2 a 「推荐阅读」 heading in the middle of a handout", mid_document_heading),
    ("3 EPUB chapter without XML declaration or meta charset", epub_without_declaration),
    ("3 PDF whose CID font has no ToUnicode map", pdf_without_tounicode),
    ("4 kb study --out holding links to files elsewhere", study_through_links),
    ("5 min_coverage = nan", _profile_case("[answerable]\nmin_coverage = nan\n")),
    ("5 synonym_weight = nan", _profile_case("[retrieval]\nsynonym_weight = nan\n")),
    ("5 replace = 5", _profile_case('[[cleaning.inline]]\nname = "x"\npattern = "营销"\nreplace = 5\n')),
    (
        '5 replace = "@html" on a pattern without a group',
        _profile_case('[[cleaning.inline]]\nname = "x"\npattern = "mdash;"\nreplace = "@html"\n'),
    ),
    ('5 dense = {"e5-small" = "abc"}', _profile_case('[answerable.dense]\n"e5-small" = "abc"\n')),
    ("5 a 5,000-digit number", _profile_case("[retrieval]\nsynonym_weight = " + "7" * 5000 + "\n")),
    ("5 an array nested 100,000 deep", _profile_case("[vocabulary]\nwords = " + "[" * 100_000 + "]" * 100_000 + "\n")),
]


# --- items 9-12: bound every input (kb.toml, HTTP, index files, eval files, names) --------------

# Runs kb's command line with the embedding model's loading reported ("EMBEDDING STARTED"), and,
# when run as root (whom permissions do not stop), reading a file and writing a folder refused
# as the kernel refuses other users: the rest of argv is kb's.
AS_USER = """
import os, stat, sys
from pathlib import Path
import kb.ingest.pipeline
from kb.interfaces.cli import main
real_load, real_open, real_access = kb.ingest.pipeline.load_embedder, Path.open, os.access
def load_embedder(name):
    print("EMBEDDING STARTED", flush=True)
    return real_load(name)
def open_(self, mode="r", *args, **kwargs):
    if "r" in mode and self.exists() and not self.stat().st_mode & 0o444:
        raise PermissionError(13, "Permission denied", str(self))
    return real_open(self, mode, *args, **kwargs)
def access(path, mode, **kwargs):
    return not (mode & os.W_OK and not os.stat(path).st_mode & 0o222) and real_access(path, mode, **kwargs)
kb.ingest.pipeline.load_embedder = load_embedder
if os.geteuid() == 0:
    Path.open, os.access = open_, access
sys.argv = ["kb", *sys.argv[1:]]
main()
"""
TIME_PROFILE = """
import sys, time
from kb.profile import Profile
started = time.monotonic()
Profile.load(sys.argv[1])
print(f"loaded in {time.monotonic() - started:.2f} s")
"""


def _one_line_error(run: Run, *named: str) -> str | None:
    """None when the run failed with one `Error:` line naming each of `named`."""
    if run.code is None:
        return "did not finish (killed at its budget)"
    errors = [line for line in run.out.splitlines() if line.startswith("Error: ")]
    if run.code == 0 or "Traceback" in run.out or len(errors) != 1:
        return f"not a one-line error (exit {run.code}): {_last(run.out)}"
    missing = [name for name in named if name not in errors[0]]
    return f"the error does not name {', '.join(missing)}: {errors[0][:160]}" if missing else None


def _profile_ingest(a: Attack, profile: str, text: str = ARTICLE) -> Run:
    corpus = a.corpus("toml", {"a.txt": text, "kb.toml": profile})
    return a.run("ingest", str(corpus), "--index", str(corpus) + ".index")


def backtracking_pattern(pattern: str) -> Callable[[Attack], str | None]:
    def case(a: Attack) -> str | None:
        a.deadline = min(a.deadline, time.monotonic() + 60)
        rule = f"[[cleaning.line]]\nname = \"runaway\"\npattern = '{pattern}'\n"
        run = _profile_ingest(a, rule, ARTICLE + "a" * 40 + "!\n" + ARTICLE)
        if run.code is None:
            return "ingest hung on the pattern (killed after 60 s)"
        return None if run.code == 0 else _one_line_error(run, "runaway", "a.txt")

    return case


def huge_synonym_group(a: Attack) -> str | None:
    group = ", ".join(f'"同义{i}"' for i in range(3000))
    return _one_line_error(_profile_ingest(a, f"[vocabulary]\nsynonyms = [[{group}]]\n"), "vocabulary.synonyms")


def thirty_thousand_words(a: Attack) -> str | None:
    profile = a.scratch / "kb.toml"
    profile.write_text("[vocabulary]\nwords = [" + ", ".join(f'"词语{i}"' for i in range(30_000)) + "]\n", "utf-8")
    run = a.run(str(profile), script=TIME_PROFILE)
    if run.code != 0:
        return f"loading failed: {_last(run.out)}"
    seconds = float(run.out.split("loaded in ")[1].split()[0])
    return None if seconds < 3 else f"loading the profile took {seconds:.1f} s (a quadratic merge)"


class Served:
    """`kb serve` (or `kb mcp --http`) of a small index in a subprocess, on a free loopback port;
    `path` takes a JSON body there."""

    def __init__(self, a: Attack, *command: str) -> None:
        self.path = b"/mcp" if "mcp" in command else b"/ask"
        corpus = a.corpus("served", {"a.txt": ARTICLE})
        self.index = str(corpus) + ".index"
        self.ready = a.run("ingest", str(corpus), "--index", self.index).code == 0
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = dict(os.environ, PYTHONPATH=str(a.kb_root))
        kb = [sys.executable, "-m", "kb", *command, "--index", self.index, "--port", str(self.port)]
        self.process = subprocess.Popen(kb, cwd=a.scratch, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while self.ready and time.monotonic() < deadline and self.status(b"GET /healthz HTTP/1.1\r\n") != 200:
            time.sleep(0.5)

    def status(self, head: bytes, body: bytes = b"", host: bytes = b"localhost") -> int | None:
        """The status of one request (head without Host and blank line), or None when none came."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=10) as connection:
                connection.sendall(head + b"Host: " + host + b"\r\nConnection: close\r\n\r\n" + body)
                return int(connection.recv(4096).split(b" ")[1])
        except (OSError, ValueError, IndexError):
            return None

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


MCP_HTTP = ("mcp", "--http")


def _with_server(
    check: Callable[[Served], str | None], command: tuple[str, ...] = ("serve",)
) -> Callable[[Attack], str | None]:
    def case(a: Attack) -> str | None:
        served = Served(a, *command)
        try:
            return check(served) if served.ready else "the index to serve could not be built"
        finally:
            served.close()

    return case


def _slowloris(served: Served) -> str | None:
    sys.path.insert(0, str(ROOT))
    from tests.slowloris import slowloris

    outcome = slowloris(served.port, attackers=300, requests=90, seconds=14.0)
    if outcome.refused:
        return f"{outcome.refused} of 90 legitimate requests were refused while 300 connections trickled heads"
    return None


def _body_before_reading(served: Served) -> str | None:
    json = b"Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
    announced = served.status(b"POST %s HTTP/1.1\r\n%sContent-Length: 500000000\r\n" % (served.path, json))
    if announced != 413:
        return f"a 500 MB Content-Length got {announced} without its body, not 413"
    chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
    chunked = b"POST %s HTTP/1.1\r\n%sTransfer-Encoding: chunked\r\n" % (served.path, json)
    status = served.status(chunked, chunk * 24)  # 1.5 MB of chunks, never terminated
    return None if status == 413 else f"an unterminated 1.5 MB chunked body got {status}, not 413"


def _host_with_userinfo(served: Served) -> str | None:
    status = served.status(b"GET /healthz HTTP/1.1\r\n", host=b"localhost:8765@evil.com")
    return None if status == 400 else f"Host localhost:8765@evil.com was answered {status}"


def mcp_beyond_loopback_without_token(a: Attack) -> str | None:
    run = a.run("mcp", "--http", "--host", "0.0.0.0", "--index", str(a.scratch / "none"), env={"KB_TOKEN": ""})
    return _one_line_error(run, "--token-file")


def _true_as_k(served: Served) -> str | None:
    body = '{"question": "营销和销售的区别", "k": true}'.encode()
    head = b"POST /ask HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
    status = served.status(head, body)
    return None if status == 422 else f'"k": true was answered {status}, not 422'


def unreadable_index_file(a: Attack) -> str | None:
    corpus = a.corpus("unreadable", {"a.txt": ARTICLE})
    index = Path(str(corpus) + ".index")
    if a.run("ingest", str(corpus), "--index", str(index)).code != 0:
        return "the index could not be built"
    next(index.glob("v-*/passages.sqlite")).chmod(0)
    return _one_line_error(a.run("ask", "营销和销售的区别", "--index", str(index), script=AS_USER), "passages.sqlite")


def _eval_files(a: Attack, corpus: str, queries: str) -> Run:
    (a.scratch / "corpus.jsonl").write_text(corpus, "utf-8")
    (a.scratch / "queries.jsonl").write_text(queries, "utf-8")
    return a.run("eval", "--corpus", "corpus.jsonl", "--queries", "queries.jsonl", "--index", "eval.index")


GOOD_CORPUS = '{"id": "d1", "text": "营销和销售的区别"}\n'
GOOD_QUERY = '{"query": "营销", "positive_ids": ["d1"]}\n'


def eval_line(corpus: str, queries: str, named: str) -> Callable[[Attack], str | None]:
    return lambda a: _one_line_error(_eval_files(a, corpus, queries), named)


def duplicate_corpus_ids(a: Attack) -> str | None:
    corpus = GOOD_CORPUS + '{"id": "d2", "text": "销售"}\n{"id": "d1", "text": "品牌"}\n'
    (a.scratch / "corpus.jsonl").write_text(corpus, "utf-8")
    (a.scratch / "queries.jsonl").write_text(GOOD_QUERY, "utf-8")
    args = ["eval", "--corpus", "corpus.jsonl", "--queries", "queries.jsonl", "--index", "eval.index"]
    run = a.run(*args, script=AS_USER)
    if "EMBEDDING STARTED" in run.out:
        return f"the embedding work started before the duplicate was named: {_last(run.out)}"
    return _one_line_error(run, "'d1'", "corpus.jsonl:3")


def line_separator_in_questions(a: Attack) -> str | None:
    corpus = a.corpus("questions", {"a.txt": ARTICLE})
    index = str(corpus) + ".index"
    if a.run("ingest", str(corpus), "--index", index).code != 0:
        return "the index could not be built"
    (a.scratch / "q.txt").write_text("营销和销售的区别\u2028是什么\n？？？\n", "utf-8")
    run = a.run("ask", "--questions", "q.txt", "--json", "--index", index)
    errors = [line for line in run.out.splitlines() if '"error"' in line]
    if len(errors) != 1 or '"line": 2' not in errors[0]:
        return f"the bad question is not cited as line 2 of 2: {errors or _last(run.out)}"
    return None


def newline_in_file_name(a: Attack) -> str | None:
    corpus = a.corpus("names", {"a.txt": ARTICLE, "x\nIndexed 99 documents.txt": b"\x00\x01\x02" * 100})
    run = a.run("ingest", str(corpus), "--index", str(corpus) + ".index")
    if any(line.startswith("Indexed 99") for line in run.out.splitlines()):
        return "a file name's line break printed a fake 「Indexed 99 documents」 line"
    return None if run.code == 0 else f"ingest failed: {_last(run.out)}"


def store_name(query: str) -> Callable[[Attack], str | None]:
    def case(a: Attack) -> str | None:
        corpus = a.corpus("store", {"a.txt": ARTICLE})
        run = a.run("ingest", str(corpus), "--store", f"milvus://{a.scratch / 'x.db'}?{query}")
        return _one_line_error(run, "name")

    return case


def held_lock(a: Attack) -> str | None:
    corpus = a.corpus("locked", {"a.txt": ARTICLE})
    index = Path(str(corpus) + ".index")
    if a.run("ingest", str(corpus), "--index", str(index)).code != 0:
        return "the index could not be built"
    (corpus / "b.txt").write_text(ARTICLE.replace("营销", "品牌"), "utf-8")
    with (index / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        run = a.run("ingest", str(corpus), "--index", str(index), script=AS_USER)
    if "EMBEDDING STARTED" in run.out:
        return "the held lock was reported only after the embedding work"
    return _one_line_error(run, "another `kb ingest`")


def read_only_index(a: Attack) -> str | None:
    corpus = a.corpus("read_only", {"a.txt": ARTICLE})
    index = Path(str(corpus) + ".index")
    if a.run("ingest", str(corpus), "--index", str(index)).code != 0:
        return "the index could not be built"
    (corpus / "b.txt").write_text(ARTICLE.replace("营销", "品牌"), "utf-8")
    index.chmod(0o555)
    try:
        run = a.run("ingest", str(corpus), "--index", str(index), script=AS_USER)
    finally:
        index.chmod(0o755)
    if "EMBEDDING STARTED" in run.out:
        return "the read-only folder was reported only after the embedding work"
    return _one_line_error(run, str(index))


CASES += [
    ("9 kb.toml pattern (a+)+$ on a line of a's", backtracking_pattern("(a+)+$")),
    ("9 kb.toml pattern (a|aa)+$ on a line of a's", backtracking_pattern("(a|aa)+$")),
    ("9 kb.toml synonym group of 3,000 terms", huge_synonym_group),
    ("9 kb.toml with 30,000 words", thirty_thousand_words),
    ("10 slowloris with reconnects (300 connections) against 90 requests", _with_server(_slowloris)),
    ("10 oversized body (Content-Length, chunked) answered 413 before it is read", _with_server(_body_before_reading)),
    ("11 an index file chmod 000", unreadable_index_file),
    (
        "11 kb eval: a JSON line that is not an object",
        eval_line(GOOD_CORPUS, GOOD_QUERY + "[1, 2]\n", "queries.jsonl:2"),
    ),
    (
        '11 kb eval: "positive_ids": 5',
        eval_line(GOOD_CORPUS, '{"query": "营销", "positive_ids": 5}\n', "queries.jsonl:1"),
    ),
    ('11 kb eval: "text": 5', eval_line('{"id": "d1", "text": 5}\n', GOOD_QUERY, "corpus.jsonl:1")),
    ("11 kb eval: duplicate ids in --corpus", duplicate_corpus_ids),
    ("12 U+2028 inside a --questions line", line_separator_in_questions),
    ("12 a line break in a file name", newline_in_file_name),
    ("12 Host localhost:8765@evil.com", _with_server(_host_with_userinfo)),
    ('12 --store "milvus://x.db?name="', store_name("name=")),
    ('12 --store "milvus://x.db?name=a&name=b"', store_name("name=a&name=b")),
    ('12 "k": true', _with_server(_true_as_k)),
    ("25 kb mcp --http: slowloris with reconnects against 90 requests", _with_server(_slowloris, MCP_HTTP)),
    ("25 kb mcp --http: oversized body answered 413 before it is read", _with_server(_body_before_reading, MCP_HTTP)),
    ("25 kb mcp --http: Host localhost:8765@evil.com", _with_server(_host_with_userinfo, MCP_HTTP)),
    ("25 kb mcp --http on 0.0.0.0 without a token", mcp_beyond_loopback_without_token),
    ("12 a held lock, reported before the embedding work", held_lock),
    ("12 a read-only index folder, reported before the embedding work", read_only_index),
]


# --- issue 23, items 6–8: damaged, hanging and expanding files (generated by tests/hostile.py) ------

FILE_TIMEOUT = "10"  # seconds: the --file-timeout the hang cases run with, where kb has one


def _skipped_with_warning(a: Attack, name: str, data: bytes, *needles: str) -> str | None:
    """Ingest `name` beside a good article (with a short --file-timeout where the attacked kb
    has the option): held when the ingest ends, the article goes in, and a one-line warning
    names the file (and holds every needle)."""
    corpus = a.corpus("hostile", {"a.txt": ARTICLE})
    (corpus / name).write_bytes(data)
    supported = "--file-timeout" in a.run("ingest", "--help").out
    ingest, exported = a.indexed(corpus, *(["--file-timeout", FILE_TIMEOUT] if supported else []))
    if ingest.code is None:
        return "ingest did not finish"
    if ingest.code != 0 or "Traceback" in ingest.out:
        return f"ingest failed: {_last(ingest.out)}"
    warning = next((line for line in ingest.out.splitlines() if "Warning:" in line and name in line), None)
    if warning is None:
        return f"no warning names {name}"
    if not all(needle in warning for needle in needles):
        return f"the warning does not say {needles}: {warning[:160]}"
    return None if "营销是一个系统" in exported else "the good article did not go in"


def _hostile_case(name: str, make: Callable[[], bytes], *needles: str) -> Callable[[Attack], str | None]:
    return lambda a: _skipped_with_warning(a, name, make(), *needles)


def repeated_spine(a: Attack) -> str | None:
    corpus = a.corpus("spine", {"book.epub": hostile.epub_repeating_spine(20)})
    ingest, exported = a.indexed(corpus)
    if ingest.code != 0:
        return f"ingest failed: {_last(ingest.out)}"
    copies = exported.count(hostile.ARTICLE_LINES[2])
    return None if copies <= 1 and "20 times" in ingest.out else f"the chapter was indexed {copies} times"


def _budget_cases() -> list[tuple[str, Callable[[Attack], str | None]]]:
    damaged = [
        (f"6 damaged Office file: {name}", _hostile_case(name, lambda data=data: data, "damaged"))
        for name, data in hostile.damaged_office_files().items()
    ]
    timeout = f"still being read after {FILE_TIMEOUT} s"
    return [
        *damaged,
        ("7 PDF objects that refer to each other", _hostile_case("loop.pdf", hostile.pdf_reference_loop, timeout)),
        ('7 docx with <w:gridSpan w:val="20000000"/>', _hostile_case("span.docx", hostile.grid_span_docx, timeout)),
        ("7 PDF of 2,000 scattered text boxes", _hostile_case("boxes.pdf", hostile.pdf_scattered_boxes, timeout)),
        ("7 16 MB web page", _hostile_case("page.html", hostile.html_page, timeout)),
        ("8 docx zip bomb (300 MB of <w:p/>)", _hostile_case("bomb.docx", hostile.docx_zip_bomb, "256 MB")),
        ("8 PDF Flate bomb (300 MB stream)", _hostile_case("bomb.pdf", hostile.pdf_flate_bomb, "256 MB")),
        (
            "8 200 MB one-line text file",
            _hostile_case("long.txt", lambda: hostile.long_text(67_000_000), "split it into smaller files"),
        ),
        ("8 EPUB whose spine lists one chapter 20 times", repeated_spine),
    ]


def _last(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:160] if lines else "(no output)"


def _pdf_identity_h(text: str) -> bytes:
    """A one-page PDF whose font has Identity-H encoding and no ToUnicode map."""
    stream = b"BT /F 14 Tf 50 750 Td <" + text.encode("utf-16-be").hex().encode() + b"> Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [<< /Type /Font "
        b"/Subtype /CIDFontType2 /BaseFont /X /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) "
        b"/Supplement 0 >> >>] >>",
    ]
    return hostile.pdf(objects)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", type=Path, default=ROOT, help="checkout whose kb is attacked (default: this one)")
    parser.add_argument("-k", dest="only", default="", help="run only the cases whose name contains this")
    args = parser.parse_args()
    held = 0
    chosen = [(name, case) for name, case in [*CASES, *_budget_cases()] if args.only in name]
    for name, case in chosen:
        with tempfile.TemporaryDirectory(prefix="kb-attack-") as scratch:
            attack = Attack(args.kb.resolve(), Path(scratch))
            attack.deadline = time.monotonic() + CASE_SECONDS
            started = time.monotonic()
            try:
                problem = case(attack)
            except Exception as exc:  # a case that cannot even be set up counts as failed, named
                problem = f"the case itself failed: {type(exc).__name__}: {exc}"
            if problem is None and time.monotonic() > attack.deadline:
                problem = f"over its {CASE_SECONDS} s budget"
        held += problem is None
        verdict = "held  " if problem is None else "FAILED"
        print(f"{verdict} {name} ({time.monotonic() - started:.0f} s){'' if problem is None else ': ' + problem}")
        sys.stdout.flush()
    print(f"{held} of {len(chosen)} held, {len(chosen) - held} failed ({args.kb.resolve()})")
    return 0 if held == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
