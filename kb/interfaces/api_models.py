"""The HTTP contract as pydantic models: what `/ask`, `/search`, `/info` and errors look like,
so the OpenAPI schema is typed to its leaves and a client generator produces typed code.

The same JSON as `kb ask --json` (Answer.to_dict); these models describe and check it.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from kb.answering.retrieve import MAX_K, MAX_QUESTION_CHARS
from kb.answering.understand import MAX_PREVIOUS
from kb.types import Mode

MAX_BATCH = 20  # questions in one POST /ask/batch


Previous = Annotated[str, Field(min_length=1, max_length=MAX_QUESTION_CHARS)]
# Numbers and flags are taken as written: `"k": true` or `"k": "5"` is a 422 naming k, not 1 or 5.
K = Annotated[int, Field(ge=1, le=MAX_K, strict=True)]


class Query(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is a 422 naming it, not silently ignored

    question: str = Field(
        ..., min_length=1, max_length=MAX_QUESTION_CHARS, description=f"At most {MAX_QUESTION_CHARS} characters."
    )
    k: K = Field(5, description="Number of passages.")
    mode: Mode = Field("hybrid", description="Ranker: fused, embeddings only, or BM25 only.")
    explain: bool = Field(False, strict=True, description="Also return why each passage ranked (`explain`).")
    previous: list[Previous] = Field(
        [],
        max_length=MAX_PREVIOUS,
        description="The conversation so far, oldest first: a follow-up (「那它们的联系呢」) is completed from it.",
    )


class BatchQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    questions: list[str] = Field(..., min_length=1, max_length=MAX_BATCH, description=f"1 to {MAX_BATCH} questions.")
    k: K = 5
    mode: Mode = "hybrid"
    previous: list[Previous] = Field(
        [], max_length=MAX_PREVIOUS, description="Earlier questions every question of the batch follows, oldest first."
    )


class Location(BaseModel):
    label: str = Field(description="Where to open the file: L12–L14, p.3, slide 4, § 标题 › 小节.")
    original_start: int = Field(description="Offset in the file's decoded or extracted text.")
    original_end: int


class Passage(BaseModel):
    rank: int
    score: float = Field(description="0–1, higher is better.")
    doc_id: str
    title: str
    source: str = Field(description="The file, as given to `kb ingest`.")
    start: int = Field(description="Offset of `text` in the cleaned document.")
    end: int
    text: str
    location: Location | None = None


class Span(BaseModel):
    """An answer sentence or a contrast-table cell: verbatim text of the passages it cites."""

    text: str
    citations: list[int] = Field(description="Ranks of the passages holding the text; the first locates it.")
    doc_id: str
    start: int
    end: int
    location: Location | None = None
    code: bool = Field(False, description="Code (a line, or a block's lines): shown as code, no 「。」 added.")


class ContrastRow(BaseModel):
    aspect: str
    cells: list[Span] = Field(description="One per side, in the order of `sides`.")


class Contrast(BaseModel):
    sides: list[str]
    rows: list[ContrastRow]


class RankerSignal(BaseModel):
    score: float
    rank: int


class Explanation(BaseModel):
    rank: int
    matched_terms: list[str]
    bm25: RankerSignal | None = None
    dense: RankerSignal | None = None
    fused: float


class Answer(BaseModel):
    question: str
    answer: str = Field(description="The cited sentences, each ending in [n].")
    found: bool = Field(description="False when the index holds no answer.")
    sentences: list[Span]
    passages: list[Passage]
    contrast: Contrast | None = Field(None, description="For questions comparing two things.")
    explain: list[Explanation] | None = Field(None, description="With `explain`: one per passage.")
    understood_as: str | None = Field(
        None, description="The question answered, when not as typed: completed from `previous` and/or corrected."
    )
    corrected: str | None = Field(None, description="The question with its typos corrected, when it had any.")
    notes: list[str] | None = Field(
        None,
        description="What a reader should know: that the sources are Chinese, or the names a refused "
        "question used that the knowledge base never mentions.",
    )
    script: str | None = Field(None, description="The script `answer` is shown in; `sentences` keep their source's.")


class SearchResult(BaseModel):
    question: str
    passages: list[Passage]


class ErrorBody(BaseModel):
    code: str = Field(description="invalid_request, invalid_question, host_not_allowed, not_found …")
    message: str
    field: str | None = Field(None, description="The request field at fault, when there is one.")


class Error(BaseModel):
    """Every 4xx and 5xx response."""

    error: ErrorBody


class BatchAnswers(BaseModel):
    answers: list[Answer | Error] = Field(description="In the order asked; a question that fails gets its error.")


class ModelInfo(BaseModel):
    name: str
    dim: int


class Chunking(BaseModel):
    max_chars: int
    overlap_sentences: int


class Counts(BaseModel):
    documents: int
    passages: int
    sentences: int


class SourceInfo(BaseModel):
    doc_id: str
    sha256: str
    encoding: str


class ProfileInfo(BaseModel):
    fingerprint: str
    source: str


class Info(BaseModel):
    index: str
    version: str
    format_version: int
    kb_version: str
    pipeline: str
    created: str
    model: ModelInfo
    chunking: Chunking
    bm25: dict[str, float]
    counts: Counts
    sources: dict[str, SourceInfo]
    profile: ProfileInfo | None = None
    dense_index: dict[str, str | int]
    answerable_cosine: float | None = Field(
        None,
        description="The cosine at which the best passage alone says the index answers a question, measured on "
        "this corpus at ingest; null for an index built before kb measured it (the profile's threshold holds).",
    )
    title: str = Field(description="The knowledge base's name: kb.toml `title`, else drawn from its documents.")
    examples: list[str] = Field(
        description="Questions to suggest: kb.toml `examples`, else drawn from its headings and passages."
    )


class Health(BaseModel):
    status: str


class Reloaded(BaseModel):
    status: str
    version: str
