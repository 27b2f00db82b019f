"""Where framework retrievers get passages: a local index (opened once) or a `kb serve` over
HTTP (POST /search, with its token). Both give the passage dicts of the JSON contract, so the
LangChain and LlamaIndex adapters only translate them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from kb.errors import KbError
from kb.knowledge_base import KnowledgeBase
from kb.provenance import Location
from kb.types import Mode, cite_place

HTTP_SECONDS = 60.0


@dataclass
class PassageSource:
    """Exactly one of `index` (a folder or store URI), `knowledge_base` (already open) or `url`
    (a `kb serve`, with `token` when it needs one)."""

    index: str | Path | None = None
    knowledge_base: KnowledgeBase | None = None
    url: str | None = None
    token: str | None = None
    _opened: KnowledgeBase | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if sum(x is not None for x in (self.index, self.knowledge_base, self.url)) != 1:
            raise KbError("give one of index=, knowledge_base= or url= (a kb serve address)")

    def search(self, question: str, k: int, mode: Mode) -> list[dict[str, Any]]:
        if self.url is None:
            return [hit.to_dict() for hit in self._local().search(question, k=k, mode=mode)]
        with httpx.Client(timeout=HTTP_SECONDS) as client:
            url, body, headers = self._request(question, k, mode)
            return self._passages(client.post(url, json=body, headers=headers))

    async def asearch(self, question: str, k: int, mode: Mode) -> list[dict[str, Any]]:
        """Over HTTP, without a thread: many questions can be in flight at once."""
        if self.url is None:
            raise NotImplementedError  # callers run `search` in an executor
        async with httpx.AsyncClient(timeout=HTTP_SECONDS) as client:
            url, body, headers = self._request(question, k, mode)
            return self._passages(await client.post(url, json=body, headers=headers))

    def _local(self) -> KnowledgeBase:
        if self.knowledge_base is not None:
            return self.knowledge_base
        if self._opened is None:
            assert self.index is not None
            self._opened = KnowledgeBase.open(self.index)
        return self._opened

    def _request(self, question: str, k: int, mode: Mode) -> tuple[str, dict[str, Any], dict[str, str]]:
        assert self.url is not None
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return self.url.rstrip("/") + "/search", {"question": question, "k": k, "mode": mode}, headers

    @staticmethod
    def _passages(response: httpx.Response) -> list[dict[str, Any]]:
        body = response.json()
        if response.status_code != 200:
            raise KbError(f"kb server answered {response.status_code}: {body['error']['message']}")
        return list(body["passages"])


def metadata(passage: dict[str, Any]) -> dict[str, Any]:
    """A passage's provenance, flat (frameworks keep metadata as a flat mapping): where to cite
    it (`cited_as`: 「file.txt:L12–L14」) and where to open it (`uri`: kb://doc/<id>#start-end)."""
    place = passage.get("location")
    location = Location(place["label"], place["original_start"], place["original_end"]) if place else None
    return {
        "doc_id": passage["doc_id"],
        "title": passage["title"],
        "source": passage["source"],
        "start": passage["start"],
        "end": passage["end"],
        "rank": passage["rank"],
        "score": passage["score"],
        "location": location.label if location else "",
        "cited_as": cite_place(passage["source"], location, passage["start"], passage["end"]),
        "uri": f"kb://doc/{quote(passage['doc_id'], safe='')}#{passage['start']}-{passage['end']}",
    }
