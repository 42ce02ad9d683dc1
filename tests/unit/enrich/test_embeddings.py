"""Remembered word embeddings give the network's own vectors, cold or warm, full or not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from thinc.layers.chain import forward as chain_forward

from wirewatch.enrich.blas import one_blas_thread
from wirewatch.enrich.embeddings import EmbeddingTable
from wirewatch.enrich.nlp import load_nlp, split_paragraphs

SEED = Path(__file__).parents[2] / "cases" / "nato-stoltenberg-page.txt"


def _stages() -> list:  # type: ignore[type-arg]
    nlp = load_nlp()
    stages = [
        node
        for _, component in nlp.pipeline
        if hasattr(getattr(component, "model", None), "walk")
        for node in component.model.walk()
        if node.attrs.get("wirewatch_remembered")
    ]
    assert len(stages) == 2  # the shared tok2vec's and the entity recognizer's
    return stages


def test_seen_and_unseen_words_get_the_networks_vectors() -> None:
    nlp = load_nlp()
    text = SEED.read_text(encoding="utf-8")
    docs = [nlp.make_doc(text[s:e]) for s, e in split_paragraphs(text)]
    for stage in _stages():
        with one_blas_thread():
            theirs, _ = chain_forward(stage, docs, False)  # thinc's own, uncached
            first, _ = stage._func(stage, docs, False)
            again, _ = stage._func(stage, docs[::-1], False)  # every word seen now
        assert len(first) == len(docs) and sum(len(v) for v in first) > 300
        for ours, thincs, warm in zip(first, theirs, again[::-1], strict=True):
            assert ours.dtype == thincs.dtype
            assert np.array_equal(ours, thincs) and np.array_equal(warm, thincs)


def test_a_full_table_starts_again_and_stays_right() -> None:
    calls: list[int] = []

    def compute(ids: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
        calls.append(len(ids))
        return (ids[:, :1] * 10.0 + ids[:, 1:2]).astype("f")

    table = EmbeddingTable(compute, capacity=4)
    ids = np.array([[1, 0], [2, 0], [1, 0], [3, 1]], dtype=np.uint64)
    assert table.lookup(ids).ravel().tolist() == [10.0, 20.0, 10.0, 31.0]
    assert calls == [3]  # the repeated word computed once
    more = np.array([[4, 0], [5, 0], [1, 0]], dtype=np.uint64)
    assert table.lookup(more).ravel().tolist() == [40.0, 50.0, 10.0]  # 5 keys > 4: emptied first
    assert calls == [3, 3] and len(table.index) == 3
    assert table.lookup(ids[:1]).ravel().tolist() == [10.0] and calls == [3, 3]
