"""The tok2vec networks' word embeddings, remembered per word form.

A tok2vec network of ``en_core_web_sm`` starts by embedding each token on its own: hash
embeddings of its norm, prefix, suffix and shape (and, for the shared one, whether a space
follows), mixed by a maxout layer and a layer norm.  Nothing there looks at the
neighbours, so a token's first vector depends on those few features alone, and news
repeats its words: after a few articles almost every token has been seen before.  That
first stage is a third of each network's arithmetic.

``remember_embeddings(nlp)`` gives that stage a table of the vectors already computed,
keyed by the token's feature values; only unseen keys go through the network's own
layers, and the table is emptied when it holds ``CAPACITY`` keys.  Each row is computed
by the same layers from the same features (a row's products do not depend on the rows
beside it), so the vectors, and the tags, parses and entities from them, are unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from wirewatch.enrich.layers import no_backprop

__all__ = ["CAPACITY", "EmbeddingTable", "remember_embeddings"]

CAPACITY = 1 << 16  # keys per network: 24 MB of float32 vectors at width 96
_STAGE = ("extract_features", "list2ragged", "ragged2list")

Compute = Callable[[NDArray[np.uint64]], NDArray[np.float32]]
Forward = Callable[[Any, Any, bool], tuple[Any, Callable[[Any], Any]]]


class EmbeddingTable:
    """Vectors by feature row: ``lookup(ids)`` finds or computes the vector of each token."""

    def __init__(self, compute: Compute, capacity: int = CAPACITY) -> None:
        self.compute = compute
        self.capacity = capacity
        self.index: dict[bytes, int] = {}
        self.vectors: NDArray[np.float32] | None = None

    def lookup(self, ids: NDArray[np.uint64]) -> NDArray[np.float32]:
        """The vector of each row of ``ids`` (tokens by features), computing the unseen ones."""
        ids = np.ascontiguousarray(ids, dtype=np.uint64)
        keys: list[bytes] = ids.view(np.dtype((np.void, ids.itemsize * ids.shape[1]))).ravel().tolist()  # type: ignore[assignment]  # void rows are bytes
        index = self.index
        rows = [index.get(key, -1) for key in keys]
        unseen = {key: i for i, (key, row) in enumerate(zip(keys, rows, strict=True)) if row < 0}
        if unseen:
            if len(index) + len(unseen) > self.capacity:
                index.clear()
                unseen = dict(zip(keys, range(len(keys)), strict=True))
            first = len(index)
            self._store(first, self.compute(ids[list(unseen.values())]))
            for n, key in enumerate(unseen):
                index[key] = first + n
            rows = [index[key] for key in keys]
        assert self.vectors is not None
        return self.vectors.take(rows, axis=0)

    def _store(self, first: int, vectors: NDArray[np.float32]) -> None:
        end = first + len(vectors)
        if self.vectors is None or end > len(self.vectors):
            size = min(max(end, 2 * (0 if self.vectors is None else len(self.vectors)), 1024), self.capacity)
            grown = np.empty((max(size, end), vectors.shape[1]), dtype=vectors.dtype)
            if self.vectors is not None:
                grown[:first] = self.vectors[:first]
            self.vectors = grown
        self.vectors[first:end] = vectors


def _embedding_stage(node: Any) -> bool:
    names = [layer.name for layer in node.layers]
    return (
        len(names) == 5
        and (names[0], names[1], names[4]) == _STAGE
        and names[2].startswith("with_array(")
        and names[3].startswith("with_array(")
    )


def _remembered(thincs: Forward, node: Any) -> Forward:
    extract, _, embed, mix, _ = node.layers
    embed_rows, mix_rows = embed.layers[0], mix.layers[0]  # the layers with_array runs on the rows
    table = EmbeddingTable(lambda ids: mix_rows.predict(embed_rows.predict(ids)))

    def forward(model: Any, docs: Any, is_train: bool) -> tuple[Any, Callable[[Any], Any]]:
        if is_train or not docs:
            return thincs(model, docs, is_train)
        ids = extract.predict(docs)
        lengths = [len(a) for a in ids]
        if not sum(lengths):
            return thincs(model, docs, is_train)
        vectors = table.lookup(np.concatenate(ids))
        return np.split(vectors, np.cumsum(lengths[:-1])), no_backprop

    return forward


def remember_embeddings(nlp: Any) -> None:
    """Give the embedding stage of each tok2vec in the pipeline its table of vectors."""
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            if _embedding_stage(node) and not node.attrs.get("wirewatch_remembered"):
                node._func = _remembered(node._func, node)
                node.attrs["wirewatch_remembered"] = True
