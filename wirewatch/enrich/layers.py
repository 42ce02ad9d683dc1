"""thinc's maxout and layer-norm layers, for prediction, in fewer numpy passes.

The two tok2vec networks of ``en_core_web_sm`` (the shared one, the entity recognizer's)
are five maxout layers each, four of them followed by a layer norm.  thinc's maxout picks
the best piece in a scalar loop that also records which piece won (for training), as slow
as the matrix product before it; its layer norm computes the mean twice and ``X - mean``
twice.  ``use_fast_layers(nlp)`` gives those layers a forward pass that, when predicting,
does the same float operations in the same order with numpy (the maximum of the pieces;
the mean once, the variance from it), so the vectors are bit for bit thinc's; when
training it is thinc's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["use_fast_layers"]

Forward = Callable[[Any, Any, bool], tuple[Any, Callable[[Any], Any]]]


def _no_backprop(_: Any) -> Any:
    raise NotImplementedError("a forward pass run for prediction has no backward pass")


def _maxout(thincs: Forward) -> Forward:
    def forward(model: Any, X: Any, is_train: bool) -> tuple[Any, Callable[[Any], Any]]:
        if is_train or not isinstance(X, np.ndarray):
            return thincs(model, X, is_train)
        n_out, n_pieces, n_in = model.get_dim("nO"), model.get_dim("nP"), model.get_dim("nI")
        W = model.get_param("W").reshape((n_out * n_pieces, n_in))
        Y = model.ops.gemm(X, W, trans2=True)
        Y += model.get_param("b").reshape(n_out * n_pieces)
        Z = Y.reshape((len(Y), n_out, n_pieces))
        best = np.maximum(Z[:, :, 0], Z[:, :, 1]) if n_pieces > 1 else Z[:, :, 0].copy()
        for piece in range(2, n_pieces):
            np.maximum(best, Z[:, :, piece], out=best)
        return best, _no_backprop

    return forward


def _layernorm(thincs: Forward) -> Forward:
    def forward(model: Any, X: Any, is_train: bool) -> tuple[Any, Callable[[Any], Any]]:
        if is_train or not isinstance(X, np.ndarray) or X.ndim != 2:
            return thincs(model, X, is_train)
        # thinc: mu = X.mean(1); var = X.var(1) + 1e-08; Xhat = (X - mu) * var ** -0.5;
        # Y = Xhat * G + b.  numpy's mean and var are these sums and divisions.
        width = X.shape[1]
        mean = np.add.reduce(X, axis=1, keepdims=True)
        mean /= width
        centred = X - mean
        var = np.add.reduce(centred * centred, axis=1, keepdims=True)
        var /= width
        var += 1e-08
        centred *= var ** (-1.0 / 2.0)
        centred *= model.get_param("G")
        centred += model.get_param("b")
        return centred, _no_backprop

    return forward


_FAST = {"maxout": _maxout, "layernorm": _layernorm}


def use_fast_layers(nlp: Any) -> None:
    """Give the pipeline's maxout and layer-norm layers the numpy forward pass."""
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            make = _FAST.get(node.name)
            if make is not None and not node.attrs.get("wirewatch_fast"):
                node._func = make(node._func)
                node.attrs["wirewatch_fast"] = True
