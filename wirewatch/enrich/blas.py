"""The pipeline's matrix products through numpy's BLAS, on one thread.

thinc multiplies matrices with ``blis``, built here for the Haswell kernels; numpy's
OpenBLAS picks the machine's own (AVX-512 where there is one) and is about twice as fast
on the tok2vec layers, which are most of spaCy's arithmetic.  ``use_numpy_blas(nlp)``
gives every layer of the pipeline thinc ops whose ``gemm`` is ``numpy.matmul`` (the same
products, summed in another order: the last bits of a float may differ; the tags, parses
and entities did not on the 2,722 paragraphs of 150 dev articles).  Their ``gather_add``
(the hash embeddings' sum of four table rows) is numpy's too: the same additions, in the
same order, without a ``saxpy`` call per row.  ``one_blas_thread()`` keeps OpenBLAS to one
thread while spaCy runs: a second thread costs more CPU time than it saves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import numpy as np
from thinc.api import NumpyOps

__all__ = ["NumpyBlasOps", "one_blas_thread", "use_numpy_blas"]


class NumpyBlasOps(NumpyOps):  # type: ignore[misc]  # thinc is untyped
    """thinc's CPU ops with ``gemm`` done by ``numpy.matmul`` and ``gather_add`` by numpy."""

    name = "numpy-blas"

    def gemm(self, x: Any, y: Any, out: Any = None, trans1: bool = False, trans2: bool = False) -> Any:
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        if out is None:
            return np.matmul(a, b)
        np.matmul(a, b, out=out)
        return out

    def gather_add(self, table: Any, indices: Any) -> Any:
        """Each row the sum of the ``table`` rows it indexes, added in order to zeros: as
        thinc's loop of ``saxpy`` calls (one per row and key) does, in a few numpy calls."""
        if table.dtype != np.float32 or indices.ndim != 2 or not len(indices):
            return super().gather_add(table, indices)
        out = np.zeros((len(indices), table.shape[1]), dtype=np.float32)
        for column in range(indices.shape[1]):
            out += table.take(indices[:, column], axis=0)
        return out


def use_numpy_blas(nlp: Any) -> None:
    """Give every thinc layer of the pipeline ``NumpyBlasOps`` (CPU pipelines only)."""
    ops = NumpyBlasOps()
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            if type(node.ops) is NumpyOps:
                node.ops = ops


@cache
def _controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """numpy's BLAS on one thread for the duration (restored afterwards)."""
    with _controller().limit(limits=1, user_api="blas"):
        yield
