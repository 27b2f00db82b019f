"""An optional stage after fusion: a reranker reorders the fused passages for the question.

kb ships none (fusion's order is the default); a plug-in registers one by name through kb's hook
(`register_rerankers`, kb/plugins.py) and `kb ask --reranker NAME`, `kb serve --reranker NAME` or
`KnowledgeBase.open(..., reranker=NAME)` chooses it. A reranker is a function
`rerank(question, hits) -> hits`: it gets the question and the best RERANKED_POOL fused hits
(near-duplicates already removed) and returns them in its order; the first k are kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kb.errors import KbError
from kb.plugins import registered
from kb.types import Hit

Rerank = Callable[[str, Sequence[Hit]], Sequence[Hit]]
"""What a plug-in registers for a reranker name: (question, fused hits) → the same hits, reordered
(some may be left out)."""

# Fused hits a reranker sees: however small k is, it may lift a passage fusion ranked lower, and
# a larger k never changes which passages it sees.
RERANKED_POOL = 20


@dataclass(frozen=True)
class Reranker:
    """A registered reranker, by the name it was chosen with (said in its errors)."""

    name: str
    rerank: Rerank

    @classmethod
    def named(cls, name: str) -> Reranker:
        """The reranker registered as `name`; KbError listing the registered names otherwise."""
        found: dict[str, Rerank] = registered("rerankers")
        if name not in found:
            known = ", ".join(sorted(found)) or "none (install a plug-in that adds one)"
            raise KbError(f"unknown reranker {name!r}: the registered rerankers are {known}")
        return cls(name, found[name])

    def top(self, question: str, hits: Sequence[Hit], k: int) -> list[Hit]:
        """The reranker's first k of `hits`, ranked 1… in its order; fusion's scores are kept."""
        given = {id(hit) for hit in hits}
        reordered = list(self.rerank(question, hits))
        if any(id(hit) not in given for hit in reordered) or len({id(h) for h in reordered}) < len(reordered):
            raise KbError(
                f"reranker {self.name!r} returned hits it was not given (or one twice): "
                "a reranker reorders the hits it gets; fix or uninstall its plug-in"
            )
        return [dataclasses.replace(hit, rank=rank) for rank, hit in enumerate(reordered[:k], start=1)]
