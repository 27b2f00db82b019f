"""Options several commands share: where the index is (--index / --store) and where the
embedding model runs (--device), which reranker reorders passages (--reranker)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

INDEX_OPTION = click.option(
    "--index",
    "index_dir",
    envvar="KB_INDEX",
    default="index",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Index folder (or set KB_INDEX).",
)
STORE_OPTION = click.option(
    "--store",
    envvar="KB_STORE",
    default=None,
    metavar="URI",
    help="Keep the index in a store instead of the --index folder (or set KB_STORE): Milvus as "
    "milvus://FILE.db (Milvus Lite) or http(s)://HOST:19530 (a server; token in KB_MILVUS_TOKEN; ?name=N "
    "picks one of several indexes; needs kb[scale]), or SCHEME://… of a store an installed plug-in registers.",
)
DEVICE_OPTION = click.option(
    "--device",
    default="cpu",
    show_default=True,
    metavar="DEVICE",
    help="Where the embedding model runs: cpu, or cuda / cuda:N for a GPU (sentence-transformers models "
    "such as m3e-small; e5-small's engine is CPU-only). An error if that GPU is not there.",
)
RERANKER_OPTION = click.option(
    "--reranker",
    default=None,
    metavar="NAME",
    help="Reorder the fused passages with this reranker, one an installed plug-in registers (kb ships none).",
)


def index_location(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--index FOLDER` and `--store URI`, handed to the command as one `index_dir`: the
    store URI when given, else the folder."""

    @functools.wraps(command)
    def with_location(*args: Any, store: str | None, index_dir: Path, **kwargs: Any) -> Any:
        return command(*args, index_dir=store or index_dir, **kwargs)

    return INDEX_OPTION(STORE_OPTION(with_location))
