"""The numpy maxout and layer norm give thinc's vectors bit for bit, and spaCy's tags."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from wirewatch.enrich.blas import one_blas_thread, use_numpy_blas
from wirewatch.enrich.nlp import MODELS, load_nlp, split_paragraphs

SEED = Path(__file__).parents[2] / "cases" / "nato-stoltenberg-page.txt"


def _layers(name: str) -> list:  # type: ignore[type-arg]
    nlp = load_nlp()
    nodes = [
        node
        for _, component in nlp.pipeline
        if hasattr(getattr(component, "model", None), "walk")
        for node in component.model.walk()
        if node.name == name
    ]
    assert nodes and all(node.attrs.get("wirewatch_fast") for node in nodes)
    return nodes


@pytest.mark.parametrize("name", ["maxout", "layernorm"])
def test_prediction_is_thincs_forward_bit_for_bit(name: str) -> None:
    rng = np.random.default_rng(7)
    for node in _layers(name):
        width = node.get_dim("nI")
        for rows in (1, 3, 500):
            X = (rng.standard_normal((rows, width)) * rng.uniform(0.1, 30)).astype("f")
            ours, backprop = node._func(node, X, False)
            thincs, _ = node._func(node, X, True)  # training runs thinc's own forward
            assert ours.dtype == thincs.dtype and np.array_equal(ours, thincs)
            with pytest.raises(NotImplementedError):
                backprop(ours)


def _plain_pipeline() -> Any:
    """The same model with numpy's BLAS but thinc's own layers."""
    for name in MODELS:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        nlp = module.load(disable=["lemmatizer"])
        use_numpy_blas(nlp)
        return nlp
    pytest.fail("no model installed")


def test_the_seed_page_vectors_are_thincs() -> None:
    nlp, plain = load_nlp(), _plain_pipeline()
    text = SEED.read_text(encoding="utf-8")
    chunks = [text[s:e] for s, e in split_paragraphs(text)]
    for name in ("tok2vec", "ner"):
        with one_blas_thread():
            ours, theirs = (_vectors(pipeline, name, chunks) for pipeline in (nlp, plain))
        assert len(ours) > 300 and np.array_equal(ours, theirs)


def _vectors(nlp: Any, name: str, chunks: list[str]) -> Any:
    model = nlp.get_pipe(name).model
    tok2vec = model if name == "tok2vec" else model.get_ref("tok2vec")
    return np.concatenate(tok2vec.predict([nlp.make_doc(chunk) for chunk in chunks]))


def test_gather_add_is_thincs_bit_for_bit() -> None:
    from thinc.api import NumpyOps

    from wirewatch.enrich.blas import NumpyBlasOps

    rng = np.random.default_rng(3)
    table = rng.standard_normal((500, 96)).astype("f")
    keys = NumpyOps().hash(rng.integers(0, 2**60, 300).astype("uint64"), 11) % 500
    table[keys[0, 0]] = 0.0  # signed zeros sum as thinc sums them
    table[keys[0, 1:]] = -0.0
    ours, thincs = NumpyBlasOps().gather_add(table, keys), NumpyOps().gather_add(table, keys)
    assert np.array_equal(ours, thincs) and np.array_equal(np.signbit(ours), np.signbit(thincs))
