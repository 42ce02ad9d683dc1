"""The numpy maxout and layer norm, and the compiled residual stack, give thinc's vectors bit
for bit, and so spaCy's tags, parses and entities."""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from wirewatch.enrich import layers
from wirewatch.enrich.blas import one_blas_thread, use_numpy_blas
from wirewatch.enrich.nlp import MODELS, load_nlp, split_paragraphs

SEED = Path(__file__).parents[2] / "cases" / "nato-stoltenberg-page.txt"
LONG = " ".join(
    f"Minister {n} said that the alliance, which met in Brussels on day {n}, would act;" for n in range(40)
)
ODD = ["", "Yes", LONG, "Stoltenberg spoke.\n\nNATO met in Brussels on Tuesday, he said.", "", "A b"]


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


@cache
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


def test_the_residual_stacks_are_compiled() -> None:
    """CI builds ``_encoder``: without it the stacks would quietly run thinc's layers."""
    from wirewatch.enrich import _encoder

    assert layers._encoder is _encoder
    stacks = [node for node in _stacks(load_nlp()) if node.attrs.get("wirewatch_fast")]
    assert len(stacks) == 2  # the shared tok2vec's, the entity recognizer's


def test_only_the_residual_stacks_are_taken() -> None:
    """The embeddings' ``with_array(maxout >> layernorm >> dropout)`` and the rest stay thinc's."""
    nodes = [node for name in ("tok2vec", "ner") for node in _tok2vec(_plain_pipeline(), name).walk()]
    taken = [node for node in nodes if layers._residual_layers(node) is not None]
    assert [node.name.startswith("with_array(residual(") for node in taken] == [True, True]
    assert all(len(layers._residual_layers(node) or []) == 4 for node in taken)


def _stacks(nlp: Any) -> list[Any]:
    return [
        node
        for name in ("tok2vec", "ner")
        for node in _tok2vec(nlp, name).walk()
        if node.name.startswith("with_array(residual(")
    ]


def _tok2vec(nlp: Any, name: str) -> Any:
    model = nlp.get_pipe(name).model
    return model if name == "tok2vec" else model.get_ref("tok2vec")


def test_the_seed_page_vectors_are_thincs() -> None:
    nlp, plain = load_nlp(), _plain_pipeline()
    text = SEED.read_text(encoding="utf-8")
    chunks = [text[s:e] for s, e in split_paragraphs(text)]
    for name in ("tok2vec", "ner"):
        with one_blas_thread():
            ours, theirs = (_vectors(pipeline, name, chunks) for pipeline in (nlp, plain))
        assert len(ours) > 300 and np.array_equal(ours, theirs)


def test_odd_docs_get_the_numpy_layers_vectors(monkeypatch: pytest.MonkeyPatch) -> None:
    """Empty docs, one token, 800 tokens, docs of many lengths in one batch: the padding
    between docs and the windows at their edges as thinc's ``with_array`` has them."""
    nlp = load_nlp()
    for name in ("tok2vec", "ner"):
        for chunks in (ODD, [""], ["Yes"], [LONG], ODD[::-1]):
            docs = [nlp.make_doc(chunk) for chunk in chunks]
            with one_blas_thread():
                ours = _tok2vec(nlp, name).predict(docs)
                with monkeypatch.context() as patch:
                    patch.setattr(layers, "_encoder", None)  # thinc's with_array over the numpy layers
                    numpys = _tok2vec(nlp, name).predict(docs)
            if name == "tok2vec":
                assert [len(v) for v in ours] == [len(doc) for doc in docs]
                assert all(np.array_equal(a, b) for a, b in zip(ours, numpys, strict=True))
            else:
                assert len(ours) == sum(len(doc) for doc in docs) and np.array_equal(ours, numpys)


def test_the_compiled_stack_is_thincs_bit_for_bit() -> None:
    rng = np.random.default_rng(11)
    batches = [[0], [1], [800], [3, 0, 70, 1, 200, 0], [0, 0]]
    for node, thincs in zip(_stacks(load_nlp()), _stacks(_plain_pipeline()), strict=True):
        for lengths in batches:
            Xs = [(rng.standard_normal((n, 96)) * rng.uniform(0.1, 30)).astype("f") for n in lengths]
            with one_blas_thread():
                ours, backprop = node(Xs, False)
                theirs, _ = thincs(Xs, False)
            assert len(ours) == len(lengths)
            assert all(a.shape == b.shape and np.array_equal(a, b) for a, b in zip(ours, theirs, strict=True))
            if any(lengths):
                with pytest.raises(NotImplementedError):
                    backprop(ours)


@pytest.mark.parametrize(
    ("width", "pieces"), [(96, 3), (5, 1), (20, 2), (24, 3), (96, 4), (136, 3), (256, 2)]
)
def test_the_compiled_stack_is_numpys_for_other_shapes(width: int, pieces: int) -> None:
    """Widths off the eight-column path and past numpy's 128-element pairwise block."""
    from wirewatch.enrich import _encoder

    rng = np.random.default_rng(width * 10 + pieces)
    weights = [
        (
            (rng.standard_normal((width * pieces, 3 * width)) / width).astype("f"),
            rng.standard_normal(width * pieces).astype("f"),
            rng.uniform(0.5, 2, width).astype("f"),
            rng.standard_normal(width).astype("f"),
        )
        for _ in range(3)
    ]
    for rows in (1, 2, 9, 300):
        X = (rng.standard_normal((rows, width)) * rng.uniform(0.1, 30)).astype("f")
        with one_blas_thread():
            ours, numpys = _encoder.residual_stack(X, weights), _numpy_stack(X, weights)
        assert ours.dtype == np.float32 and np.array_equal(ours, numpys)


def _numpy_stack(X: Any, weights: list[tuple[Any, Any, Any, Any]]) -> Any:
    """The residual layers as thinc's with_array, expand_window and residual run them over
    the numpy maxout and layer norm of ``layers.py``."""
    from thinc.api import NumpyOps

    for W, b, G, shift in weights:
        width, pieces = X.shape[1], len(b) // X.shape[1]
        Y = np.matmul(NumpyOps().seq2col(X, 1), W.T)
        Y += b
        Z = Y.reshape((len(Y), width, pieces))
        best = Z[:, :, 0].copy()
        for piece in range(1, pieces):
            np.maximum(best, Z[:, :, piece], out=best)
        mean = np.add.reduce(best, axis=1, keepdims=True)
        mean /= width
        centred = best - mean
        var = np.add.reduce(centred * centred, axis=1, keepdims=True)
        var /= width
        var += 1e-08
        centred *= var ** (-1.0 / 2.0)
        centred *= G
        centred += shift
        X = X + centred
    return X


def _stack_weights() -> list[tuple[Any, Any, Any, Any]]:
    pairs = layers._residual_layers(_stacks(_plain_pipeline())[0])
    assert pairs is not None and len(pairs) == 4
    return [layers._weights(*pair) for pair in pairs]


def test_the_compiled_stack_refuses_bad_shapes() -> None:
    from wirewatch.enrich import _encoder

    weights = _stack_weights()
    W, b, G, shift = weights[0]
    X = np.zeros((10, 96), dtype=np.float32)
    assert _encoder.residual_stack(X, weights).shape == (10, 96)
    bad_inputs = [
        X.astype(np.float64),
        X[:, :48],
        X.T,
        X[::2],
        X[0],
        np.zeros((10, 0), np.float32),
        X.tolist(),
    ]
    for bad in bad_inputs:
        with pytest.raises(ValueError):
            _encoder.residual_stack(bad, weights)  # type: ignore[arg-type]
    bad_layers = [
        (W[:, :-1].copy(), b, G, shift),  # not 3 * width inputs
        (W[:-1].copy(), b, G, shift),  # not a multiple of the width
        (W, b[:-1].copy(), G, shift),
        (W, b, G[:-1].copy(), shift),
        (W, b, G, shift[:, None]),
        (W.astype(np.float64), b, G, shift),
        (np.asfortranarray(W), b, G, shift),
        (W, b, G),
        [W, b, G, shift],
    ]
    for layer in bad_layers:
        with pytest.raises(ValueError):
            _encoder.residual_stack(X, [weights[0], layer])  # type: ignore[list-item]
    two_pieces = (W[: 2 * 96].copy(), b[: 2 * 96].copy(), G, shift)
    with pytest.raises(ValueError):
        _encoder.residual_stack(X, [weights[0], two_pieces])


def _vectors(nlp: Any, name: str, chunks: list[str]) -> Any:
    return np.concatenate(_tok2vec(nlp, name).predict([nlp.make_doc(chunk) for chunk in chunks]))


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
