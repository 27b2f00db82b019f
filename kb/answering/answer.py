"""Extractive answers: the sentences of the retrieved passages that answer best, each cited.

Every sentence of an answer is a verbatim span of a cited passage; nothing is generated, and
`check_grounding` proves it before an answer leaves this module. Sentences are ranked by their
evidence (evidence.py); the answer's shape follows the question (question.py): the best
sentence comes first, then supporting sentences in order of their evidence, as long as they
score close to the best and fit the length budget of the question's kind. Lists asked for with
「哪些」 or steps asked for with 「如何」 are quoted whole. Near-identical sentences from different
articles are merged and carry all their citations. Contrast questions also get an aspect table
(see contrast.py).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable

from kb.answering.amounts import asked_unit, states_it_of_the_question, states_the_amount
from kb.answering.antecedents import with_antecedents
from kb.answering.citing import Locate, joined_text, quoted_length, renumbered_table, within
from kb.answering.contrast import build_contrast
from kb.answering.defining import (
    definition_forms,
    led_by_definitions,
    with_sibling_items,
    with_unquotable_definition,
)
from kb.answering.doc_tables import Beside
from kb.answering.evidence import Evidence, score_sentences
from kb.answering.grounding import check_grounding
from kb.answering.list_rest import with_list_rest
from kb.answering.mentions import speaks_of_a_side
from kb.answering.plan import QuestionPlan, plan_from_words
from kb.answering.presenting import labelled_once, presentable
from kb.answering.question import ASKING_PHRASES, AnswerShape, asks_an_amount
from kb.answering.steps import QUOTED_KINDS, Tokenize, quoted_steps
from kb.answering.table_lead import SAYS_THE_DIFFERENCE, led_by_table
from kb.answering.units import adjacent, chain_below, holds_steps, is_code, shown_as_code, span_text
from kb.language.duplicates import is_near_duplicate, overlaps
from kb.language.text import fold
from kb.profile import Profile, default_profile
from kb.types import Answer, CitedSpan, Hit

NOT_FOUND = "知识库中没有找到能回答这个问题的内容。"
# Where a span of a document's cleaned text is in the original file: (doc_id, start, end).
DUPLICATE_OVERLAP = 0.8  # share of character pairs that makes two sentences copies of each other
# A supporting sentence joins the answer only if its evidence is within this of the best's.
SUPPORT_MARGIN = 3.5
RUN_ON_SENTENCES = 2  # sentences quoted after one that restates a yes/no question
_GOES_ON = re.compile(r"[：:].{8,}")
_DIGIT = re.compile(r"(?<![A-Za-z/.])\d")  # an amount in figures, not a name's digit (「B2B」)
_CLAUSE_END = re.compile(r"[；;：:]\s*$")
# A sentence opening with a word that points back (a contrast's or a reason's second half, a
# pronoun for the subject before): it reads after the sentence it goes on from.
_LEANS_BACK = re.compile(r"\s*(?:而|但|然而|因此|所以|因而|于是|并且|而且|它们?|其)(?![一二三四五六七八九十次中他实])")


def _restates(evidence: Evidence, plan: QuestionPlan) -> bool:
    """For a contrast: the sentence names the difference instead of stating it (「本文将探讨营销
    和销售的区别」) — it holds a word naming a comparison (区别, 不同 …) but neither sets the sides
    against each other (the shape's cue) nor goes on to say it: after a colon (「…的工作区别：
    1.工作目标…」) or a copula (SAYS_THE_DIFFERENCE)."""
    folded, cue = fold(evidence.text), plan.shape.cue
    if not any(word in folded for word in plan.naming_words):
        return False
    return not (cue and cue.search(folded)) and not _GOES_ON.search(folded) and not SAYS_THE_DIFFERENCE.search(folded)


def _merge_duplicates(candidates: list[Evidence], shape: AnswerShape) -> list[Evidence]:
    kept: list[Evidence] = []
    for c in candidates:
        # The same sentence twice: from overlapping passages, or copied between articles.
        twin = next((i for i, k in enumerate(kept) if is_near_duplicate(c, k, DUPLICATE_OVERLAP)), None)
        if twin is None:
            kept.append(c)
            continue
        copy = kept[twin]
        if presentable(copy, shape) is None and presentable(c, shape) is not None:
            # 「…下面列举几点：」 at the end of one passage and with its list in the next: quoted
            # from the passage that holds the list, and cited to it alone.
            kept[twin] = c
            continue
        if c.rank in copy.citations:
            continue
        if not _copies(c, copy):
            # A line whose words a longer sentence holds (「$ git stash」 in 「可以使用 git stash 将
            # 当前分支的修改储藏起来…」): the sentence that says more is kept. Merged, the line's
            # better rank made it the one quoted.
            kept[twin] = max(c, copy, key=lambda e: len(e.text))
            continue
        if c.rank < min(copy.citations):
            # Quote the best-ranked copy, so the first citation is where the text comes from.
            copy = dataclasses.replace(copy, text=c.text, passage=c.passage, rank=c.rank, start=c.start, end=c.end)
        kept[twin] = dataclasses.replace(copy, citations=(*copy.citations, c.rank))
    return kept


def _copies(a: Evidence, b: Evidence) -> bool:
    """Two near-duplicates of about the same length: one text, quoted once with both citations."""
    shorter, longer = sorted((len(a.text), len(b.text)))
    return shorter >= DUPLICATE_OVERLAP * longer


def answer_candidates(evidence: list[Evidence], plan: QuestionPlan) -> list[Evidence]:
    """The sentences of the `shown` passages an answer may quote, best first, duplicates merged.

    Without a vector to vouch for it, a sentence sharing no word or character pair with the
    question is not quoted. For a contrast, sentences about the difference itself
    (「本文将探讨营销和销售的区别」) only when nothing else could be quoted."""
    candidates = [ev for ev in evidence if ev.rank <= plan.shown and (ev.cosine is not None or _shares_words(ev))]
    substantive = [c for c in candidates if not (plan.sides and _restates(c, plan))]
    # Where every good sentence holds such a word (「关系」 in a database course), none restates:
    # the rest are then no answer at all (「SX(Sno,Sname,Sage)」).
    best = max((c.score for c in candidates), default=0.0)
    kept = [c for c in substantive if presentable(c, plan.shape) is not None and c.score >= best - SUPPORT_MARGIN]
    return _merge_duplicates(substantive if kept else candidates, plan.shape)


def select(
    ranked: list[Evidence], shape: AnswerShape, max_chars: int, margin: float = SUPPORT_MARGIN, lexical: bool = True
) -> list[Evidence]:
    """The best sentence, then supporting ones in order of evidence while they score within
    `margin` of the best and share a word with the question (the sentences just before and
    after it: within twice that margin, sharing words or not, since an answer often runs on
    into the next sentence), and fit the budget (the question kind's, at most max_chars)."""
    ranked = [shown for shown in (presentable(c, shape) for c in ranked) if shown is not None]
    if not ranked:
        return []
    if shape.focus:  # 「那销售部呢」 is about 销售部, however well a sentence on 市场部 scores
        focus = "".join(shape.focus.split())  # 「jdk 9」 is said 「JDK9」 too
        ranked = _form_first(ranked, margin, lambda c: focus in "".join(fold(c.text).split()))
    if shape.kind == "method":
        # Steps sharing no word with the question are another procedure (「口信消息模型有 3 个前提：」).
        ranked = _form_first(
            ranked, 2 * margin, lambda c: (holds_steps(c) or chain_below(c) is not None) and _shares_words(c)
        )
    elif shape.kind == "definition":
        for has_form in definition_forms(shape.subject):
            ranked = _form_first(ranked, margin, has_form)
    elif shape.kind in ("purpose", "reason"):
        # 「SNI 的作用是…」 over sentences that only mention SNI; 「…是因为…」 over one restating
        # what happened (「本案中，某公司主张张某加班费的请求已经超过了…时效」).
        ranked = _form_first(ranked, margin, lambda c: bool(c.features.get("cue")))
    elif shape.counts:
        ranked = _form_first(ranked, margin, lambda c: shape.states_the_count(c.text))
    if shape.follows_context and ranked[0].features.get("against"):
        # 「许多人认为营销和销售是一回事。」 restates the question; the sentences after it settle
        # it (「以我的经验，这离事实还远」): quoted with it as one span, whatever their own evidence.
        belief = last = ranked[0]
        for _ in range(RUN_ON_SENTENCES):
            after = next((c for c in ranked[1:] if adjacent(last, c)), None)
            if after is None:
                break
            last = after
        span = span_text(belief.passage, (belief.start, last.end))
        settled = dataclasses.replace(belief, text=span, end=last.end, citations=(belief.rank,))
        ranked = [settled, *(c for c in ranked[1:] if not overlaps(c, settled))]
    budget = min(shape.budget, max_chars)
    # 「…协调这两种不同的处理方式」 is read with the two; 「上面的命令可以逐行读取文件」 with that command.
    best = with_antecedents(ranked[0], ranked, budget, how=shape.kind == "method")
    if shape.kind == "definition":
        best = with_sibling_items(best, budget)
    chosen, used = [best], len(best.text)
    for candidate in ranked[1:]:
        gap = ranked[0].score - candidate.score
        if gap > 2 * margin:
            break
        neighbour = adjacent(best, candidate) or adjacent(candidate, best)
        if gap > margin and not neighbour:
            continue
        related = _shares_words(candidate) if lexical else candidate.cosine is not None
        if used + len(candidate.text) > budget or not (neighbour or related):
            continue
        if any(overlaps(c, candidate) for c in chosen):
            continue  # already quoted, whole or in part (inside a list, or a list around it)
        chosen.append(candidate)
        used += len(candidate.text)
    return _arrange(chosen)


def _form_first(ranked: list[Evidence], margin: float, has_form: Callable[[Evidence], bool]) -> list[Evidence]:
    """The best-evidenced span of the form the question asks for leads if it scores within
    `margin` of the best: for a how-to question a span that states steps (with its lead-in,
    see enumeration) — 「抛出一个异常分为三步：1、…」 answers 「如何抛出一个异常」 better than a
    sentence explaining throw against throws; for a definition, one that defines the subject
    (「两段锁协议 / 指所有事务必须分两个阶段…」) rather than one that uses it; for a count, one
    that states it (「Redis 具体有 6 种淘汰策略：」 with its table)."""
    found = next((c for c in ranked if has_form(c)), None)
    if found is None or found is ranked[0] or ranked[0].score - found.score > margin:
        return ranked
    return [dataclasses.replace(found, score=ranked[0].score), *(c for c in ranked if c is not found)]


def _shares_words(evidence: Evidence) -> bool:
    """A supporting sentence must share a word or a character pair with the question, unless it
    continues the best one: its vector alone (「它发生得如此之快。」 under a relevant heading)
    is not enough. The text asking the question right before it (「…哪三方面的功能？\n应包括：」)
    shares the words for it."""
    features = evidence.features
    return features["lexical"] > 0 or features["bigrams"] > 0 or features.get("asked_here", 0.0) > 0


def _arrange(chosen: list[Evidence]) -> list[Evidence]:
    """Reading order where sentences touch: a sentence chosen right after another follows it
    directly (an answer often runs on), and a clause ending in ；/： next to a chosen sentence
    is the other half of that sentence and is quoted with it as one span
    (「市场是发现和制造的需求；销售只是为了满足需求。」) — not a line of code ending in 「;」; so is
    a sentence leaning back on the chosen one before it (「…。而 Docker 只是一个进程…」).
    Otherwise the order is kept."""
    arranged: list[Evidence] = []
    for candidate in chosen:
        for i, kept in enumerate(arranged):
            first, second = (candidate, kept) if adjacent(candidate, kept) else (kept, candidate)
            joined = _CLAUSE_END.search(first.text) or _LEANS_BACK.match(second.text)
            if adjacent(first, second) and joined and not is_code(first):
                citations = tuple(dict.fromkeys(kept.citations + candidate.citations))
                arranged[i] = dataclasses.replace(
                    kept,
                    text=span_text(kept.passage, (first.start, second.end)),
                    start=first.start,
                    end=second.end,
                    citations=citations,
                )
                break
        else:
            before = next((i for i, kept in enumerate(arranged) if adjacent(kept, candidate)), None)
            arranged.insert(len(arranged) if before is None else before + 1, candidate)
    return arranged


def _renumber(hits: list[Hit], cited: set[int], shown: int) -> tuple[list[Hit], dict[int, int]]:
    """Keep the top `shown` hits plus any cited beyond them, renumbered 1..n in rank order."""
    kept = [h for h in hits if h.rank <= shown or h.rank in cited]
    mapping = {h.rank: i for i, h in enumerate(kept, start=1)}
    return [dataclasses.replace(h, rank=mapping[h.rank]) for h in kept], mapping


def choose(
    plan: QuestionPlan,
    candidates: list[Evidence],
    answerable: bool = True,
    hits: list[Hit] | None = None,
    tokenize: Tokenize | None = None,
) -> list[Evidence]:
    """The sentences an answer quotes (of `candidates`: answer_candidates), in the order quoted,
    within the plan's max_chars; none when the index does not know (`answerable` False, see
    Retriever.answerable) or when a question asking for an amount would be answered by
    sentences stating none (or none holding a word of it). A cross-language question shares
    no words with its sources: sentences vouched for by their vectors may support the best
    one. A how-to question answered by a numbered procedure in `hits` (quoted_steps, its words
    split with `tokenize`) gets its steps first, then the best sentences of the passages they
    are quoted from; a comparison may be led by what each side is (defining.led_by_definitions),
    a definition by a slide's line ingest did not make a sentence (with_unquotable_definition)."""
    lexical = not plan.reading.cross_language
    amount, unit = asks_an_amount(plan.text), asked_unit(plan.text)
    if (amount or unit) and len(ASKING_PHRASES.findall(fold(plan.text))) == 1:
        # The amount is all it asks: 「hz 默认为 10」 leads 「…hz 默认值是多少」, not 「定期删除的频率是
        # 由 hz 参数控制的」. 「…是谁提出来的，哪一年」 asks who too: no figure need lead it.
        candidates = _form_first(candidates, SUPPORT_MARGIN, lambda c: _states_it_in_figures(c, plan))
        candidates = _form_first(candidates, SUPPORT_MARGIN, lambda c: states_it_of_the_question(c.text, plan, unit))
    if plan.shape.subject and hits:
        candidates = with_unquotable_definition(
            plan.shape.subject, candidates, [h for h in hits if h.rank <= plan.shown]
        )
    picked = select(candidates, plan.shape, plan.max_chars, lexical=lexical) if answerable else []
    lead = picked[0] if picked else None  # what the answer would lead with, steps aside
    steps = quoted_steps(plan, hits or [], tokenize, lead) if answerable and plan.kind in QUOTED_KINDS else []
    if steps:
        # What else is said about the procedure where it is written, not other passages' topics.
        around = {step.passage.id for step in steps}
        quoted = [c for c in candidates if c.passage.id in around and not any(overlaps(c, s) for s in steps)]
        room = plan.max_chars - quoted_length(steps)
        # A sentence quoted as its whole list may reach into the steps: not quoted twice.
        supporting = select(quoted, plan.shape, max(room, 0), lexical=lexical)
        chosen = steps + [c for c in supporting if not any(overlaps(c, s) for s in steps)]
    else:
        chosen = led_by_definitions(plan.sides, list(plan.terms.words), hits or [], picked)
    if amount and not states_the_amount(chosen, plan):
        # A sentence the budget left out may state it in figures (「…常见如 150–300ms」): it leads. Else
        # (「平均工资是多少」 with 「两种」, 「哪一年…用装配线」 with another year's) it is not in the index.
        stating = [c for c in candidates if _states_it_in_figures(c, plan)] if chosen else []
        chosen = select(stating, plan.shape, plan.max_chars, lexical=lexical) if stating else []
    return within(labelled_once(chosen), plan.max_chars)


def _states_it_in_figures(candidate: Evidence, plan: QuestionPlan) -> bool:
    """A sentence stating the amount asked for in figures, with a word of the question."""
    return bool(_DIGIT.search(candidate.text)) and states_the_amount([candidate], plan)


def compose_answer(
    plan: QuestionPlan,
    hits: list[Hit],
    evidence: list[Evidence],
    answerable: bool = True,
    profile: Profile | None = None,
    locate: Locate | None = None,
    subject: Callable[[Iterable[str]], set[str]] | None = None,
    beside: Beside | None = None,
) -> Answer:
    """The answer: the chosen sentences, the best first, each cited, and for a contrast its
    aspect table; grounded (check_grounding) before it is returned.

    `hits` may hold more passages than the plan's `shown` best: extra ones serve as evidence for a
    contrast table or hold the rest of a how-to answer's steps or of a list (list_rest.py), and are
    listed (after the shown ones) only if cited. `evidence`: the shown passages' scored sentences.
    `profile` is the index's (contrast aspects, vocabulary), the shipped one by default; `locate`
    places each quoted span in its original file (StoredIndex.locate); `subject` tells which words
    the index is about (Answerer.subject_words); `beside` reads around a passage (Answerer.beside)."""
    profile = profile or default_profile()
    tokenize = profile.analyzer.tokenize
    chosen = choose(plan, candidates := answer_candidates(evidence, plan), answerable, hits, tokenize)
    if chosen and plan.shape.units and beside is not None:
        chosen, hits = with_list_rest(chosen, hits, beside, plan.max_chars)
    if not chosen and not (answerable and plan.sides):
        return _not_found(plan, hits)
    contrast = build_contrast(plan.sides, hits, profile.contrast, tokenize=tokenize, subject=subject, beside=beside)
    if plan.sides and not contrast and not (chosen and _speaks_of_the_sides(plan, chosen, hits, profile)):
        return _not_found(plan, hits)
    if contrast:  # a row of slide lines too short to be sentences may be all there is to quote
        chosen = within(led_by_table(contrast, plan, profile.contrast, hits, candidates, chosen), plan.max_chars)
    if not chosen:
        return _not_found(plan, hits)
    cited = {n for c in chosen for n in c.citations}
    cited |= {n for row in contrast.rows for cell in row.cells for n in cell.citations} if contrast else set()
    kept, mapping = _renumber(hits, cited, plan.shown)
    place = locate or (lambda doc_id, start, end: None)
    sentences = [_cited(c, mapping, place) for c in chosen]
    contrast = renumbered_table(contrast, mapping, place, plan.reading.text) if contrast else None
    answer = Answer(
        plan.reading.asked,
        joined_text([(s.text, s.citations, s.code) for s in sentences]),
        sentences,
        kept,
        contrast=contrast,
        understood_as=plan.reading.understood_as,
        corrected=plan.reading.corrected,
        notes=plan.notes,
    )
    check_grounding(answer)
    return answer


def _cited(chosen: Evidence, mapping: dict[int, int], place: Locate) -> CitedSpan:
    """A chosen span as the answer quotes it: its renumbered citations, its place in its file."""
    doc_id, start, end = chosen.passage.doc_id, chosen.start, chosen.end
    citations = tuple(sorted(mapping[n] for n in chosen.citations))
    return CitedSpan(chosen.text, citations, doc_id, start, end, place(doc_id, start, end), shown_as_code(chosen))


def _speaks_of_the_sides(plan: QuestionPlan, chosen: list[Evidence], hits: list[Hit], profile: Profile) -> bool:
    """Whether a comparison with no table is answered by sentences naming one of its sides
    (mentions.speaks_of_a_side): 「数据报和虚电路有什么不同」 is not answered by sentences on
    channel capacity. A question read from English (it has notes) names its sides in glossary
    words (「解释营销」) the text need not use: not judged so."""
    if plan.notes or not plan.sides:
        return True
    return speaks_of_a_side(plan.sides, [c.text for c in chosen], hits, profile.contrast)


def _not_found(plan: QuestionPlan, hits: list[Hit]) -> Answer:
    """The index does not answer: say so, with how the question was read."""
    reading, top = plan.reading, [h for h in hits if h.rank <= plan.shown]
    return Answer(
        reading.asked, NOT_FOUND, [], top, found=False, understood_as=reading.understood_as, corrected=reading.corrected
    )


def answer_from_hits(question: str, hits: list[Hit], max_chars: int = 300, profile: Profile | None = None) -> Answer:
    """An answer quoted from passages found elsewhere (no index): the question read as typed,
    its sentences scored from their words alone (no IDF, no vectors), every hit shown."""
    profile = profile or default_profile()
    plan = plan_from_words(question, profile, shown=len(hits), max_chars=max_chars)
    evidence = score_sentences(plan.terms, [h for h in hits if h.rank <= plan.shown], plan.shape, profile.analyzer)
    return compose_answer(plan, hits, evidence, profile=profile)
