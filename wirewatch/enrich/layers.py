"""thinc's maxout and layer-norm layers, for prediction, in fewer numpy passes.

The two tok2vec networks of ``en_core_web_sm`` (the shared one, the entity recognizer's)
are five maxout layers each, four of them followed by a layer norm.  thinc's maxout picks
the best piece in a scalar loop that also records which piece won (for training), as slow
as the matrix product before it; its layer norm computes the mean twice and ``X - mean``
twice.  ``use_fast_layers(nlp)`` gives those layers a forward pass that, when predicting,
does the same float operations in the same order with numpy (the maximum of the pieces;
the mean once, the variance from it), so the vectors are bit for bit thinc's; when
training it is thinc's own.

The four residual layers after the embeddings (``with_array(residual(expand_window >>
maxout >> layernorm >> dropout) x4, pad=4)``) are run, when predicting, by one compiled
function (``_encoder.pyx``: the windows, bias, best piece, layer norm and residual sum in
two C passes per layer, the matrix products and ``var ** -0.5`` by numpy), on the rows
thinc's ``with_array`` flattens (padding included), so the vectors are again bit for bit
thinc's; without the compiled module, thinc's own layers run with the numpy ones above.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from wirewatch.enrich.compiled import compiled

_encoder = compiled("_encoder")  # None: thinc's layers, with the numpy ones above

__all__ = ["no_backprop", "use_fast_layers"]

Forward = Callable[[Any, Any, bool], tuple[Any, Callable[[Any], Any]]]


def no_backprop(_: Any) -> Any:
    """The backward pass of a forward run for prediction: there is none."""
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
        return best, no_backprop

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
        return centred, no_backprop

    return forward


_FAST = {"maxout": _maxout, "layernorm": _layernorm}
_RESIDUAL_LEAVES = ["expand_window", "maxout", "layernorm", "dropout"]


def _residual_layers(node: Any) -> list[tuple[Any, Any]] | None:
    """The (maxout, layer norm) of each residual layer of a ``with_array(residual(
    expand_window >> maxout >> layernorm >> dropout) >> ...)`` node; None for any other node."""
    from thinc.layers.chain import forward as chain
    from thinc.layers.residual import forward as residual
    from thinc.layers.with_array import forward as with_array

    if node._func is not with_array or len(node.layers) != 1:
        return None
    inner = node.layers[0]
    residuals = [inner] if inner._func is residual else inner.layers
    if inner._func not in (residual, chain) or not residuals:
        return None
    pairs = []
    for layer in residuals:
        pair = _maxout_norm(layer.layers, chain) if layer._func is residual else None
        if pair is None:
            return None
        pairs.append(pair)
    return pairs


def _maxout_norm(layers: list[Any], chain: Any) -> tuple[Any, Any] | None:
    """The maxout and layer norm of ``expand_window(1) >> maxout >> layernorm >> dropout``
    (float32, a window of three rows in, one row out); None for anything else."""
    leaves = _chained(layers, chain)
    if (
        leaves is None
        or [n.name for n in leaves] != _RESIDUAL_LEAVES
        or leaves[0].attrs.get("window_size") != 1
    ):
        return None
    maxout, norm = leaves[1], leaves[2]
    width = maxout.get_dim("nO")
    if maxout.get_dim("nI") != 3 * width or norm.get_dim("nI") != width:
        return None
    if any(n.get_param(name).dtype != np.float32 for n in (maxout, norm) for name in n.param_names):
        return None
    return maxout, norm


def _chained(layers: list[Any], chain: Any) -> list[Any] | None:
    """The layers of nested chains, in order; None if another combinator is among them."""
    leaves: list[Any] = []
    for layer in layers:
        if not layer.layers:
            leaves.append(layer)
        elif layer._func is chain and (inner := _chained(layer.layers, chain)) is not None:
            leaves.extend(inner)
        else:
            return None
    return leaves


def _weights(maxout: Any, norm: Any) -> tuple[Any, Any, Any, Any]:
    width, pieces = maxout.get_dim("nO"), maxout.get_dim("nP")
    W = maxout.get_param("W").reshape((width * pieces, 3 * width))
    return W, maxout.get_param("b").reshape(width * pieces), norm.get_param("G"), norm.get_param("b")


def _residual_stack(thincs: Forward, pairs: list[tuple[Any, Any]]) -> Forward:
    def forward(model: Any, Xs: Any, is_train: bool) -> tuple[Any, Callable[[Any], Any]]:
        if is_train or _encoder is None or not _same_width(Xs) or not any(X.size for X in Xs):
            return thincs(model, Xs, is_train)
        Xf, rows = _flatten(Xs, max(int(model.attrs["pad"]), 0))  # thinc pads with 1 or more
        Yf = _encoder.residual_stack(Xf, [_weights(*pair) for pair in pairs])
        return [Yf[doc] for doc in rows], no_backprop

    return forward


def _same_width(Xs: Any) -> bool:
    """A list of float32 matrices of one width: what the compiled stack takes."""
    if not isinstance(Xs, list) or not Xs:
        return False
    width = Xs[0].shape[1] if isinstance(Xs[0], np.ndarray) and Xs[0].ndim == 2 else -1
    return all(
        isinstance(X, np.ndarray) and X.ndim == 2 and X.shape[1] == width and X.dtype == np.float32
        for X in Xs
    )


def _flatten(Xs: list[NDArray[np.float32]], pad: int) -> tuple[NDArray[np.float32], list[slice]]:
    """thinc's ``ops.flatten(Xs, pad=pad)`` (the non-empty docs, each after ``pad`` rows of
    zeros, and ``pad`` more at the end) and each doc's rows in it (``ops.unflatten``'s)."""
    sizes = [len(X) for X in Xs]
    Xf = np.zeros((sum(sizes) + pad * (1 + sum(1 for n in sizes if n)), Xs[0].shape[1]), dtype=np.float32)
    rows = []
    start = pad
    for X, n in zip(Xs, sizes, strict=True):
        rows.append(slice(start, start + n))
        if n:
            Xf[start : start + n] = X
            start += n + pad
    return Xf, rows


def use_fast_layers(nlp: Any) -> None:
    """Give the pipeline's maxout and layer-norm layers the numpy forward pass, and its
    residual stacks the compiled one."""
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            make = _FAST.get(node.name)
            if make is not None and not node.attrs.get("wirewatch_fast"):
                node._func = make(node._func)
                node.attrs["wirewatch_fast"] = True
            elif not node.attrs.get("wirewatch_fast") and (pairs := _residual_layers(node)) is not None:
                node._func = _residual_stack(node._func, pairs)
                node.attrs["wirewatch_fast"] = True
