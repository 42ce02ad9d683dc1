"""spaCy's dependency parser, stepped by us: the same moves, in a third of the time.

``en_core_web_sm``'s ``parser`` is a greedy arc-eager transition system scored by a small
network: a projection of the shared tok2vec, a hidden layer over eight state features
(tokens on the stack and the buffer and their children) and an output layer over the 106
moves.  spaCy runs the moves in Cython without the GIL, but its extension is built with
profiling hooks, and every small helper it calls (an argmax over two pieces, a vector
sum, a move's validity check) takes and releases the GIL: two thirds of the parse time.

``ParseDecoder`` keeps spaCy's own transition system (its feature tokens, its validity
rules, its moves, its projectivisation) and only computes the scores itself, with the GIL
held, for all the paragraphs of an article at once: the hidden layer from the cached
per-token contributions, summed feature by feature in spaCy's order, then the maxout and
the output layer.  The loop over the moves is compiled at install (``_greedy.pyx``: the
states' features, sums and maxouts in C, the output layer in one BLAS call per step,
spaCy's validity checks and moves called directly); where it was not built, the same loop
runs from Python with numpy, slower.  The parses are spaCy's (identical heads,
labels and sentence starts on the 11,889 paragraphs of the 606 dev articles, both loops;
tested on the seed page).  A parser shaped otherwise makes ``ParseDecoder`` refuse
(``ValueError``) and the caller keeps spaCy's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from wirewatch.enrich.compiled import compiled

_greedy = compiled("_greedy")  # None: the same moves stepped from Python

__all__ = ["ParseDecoder"]


class _TokenIds:
    """What spaCy's ``ParserStepModel.get_token_ids`` reads of its model: the feature count."""

    def __init__(self, n_feats: int) -> None:
        self.state2vec = self
        self.nF = n_feats


class ParseDecoder:
    """Heads, labels and sentence starts for docs, as the pipeline's ``parser`` would set them."""

    def __init__(self, parser: Any, compiled: bool = True) -> None:
        from spacy.ml.parser_model import ParserStepModel

        self.compiled = compiled  # False: step from Python even where the loop is compiled
        model = parser.model
        if not model.attrs.get("has_upper") or model.attrs.get("unseen_classes"):
            raise ValueError("parser without an output layer or with unseen classes")
        if getattr(parser, "cfg", {}).get("beam_width", 1) != 1:
            raise ValueError("parser with beam search")
        self.parser = parser
        self.tok2vec = model.get_ref("tok2vec")
        lower, upper = model.get_ref("lower"), model.get_ref("upper")
        weights = lower.get_param("W")  # (features, hidden, pieces, input)
        self.n_feats, self.n_hidden, self.n_pieces, n_in = weights.shape
        if self.n_pieces < 2:
            raise ValueError("parser without maxout")
        self.ops = lower.ops
        # Hidden units piece-major (all first pieces, then all second ones...): the maxout
        # is then over contiguous halves.  The same numbers, in other columns.
        self.lower_w = weights.transpose((0, 2, 1, 3)).reshape((-1, n_in)).copy()
        self.lower_b = lower.get_param("b").transpose((1, 0)).reshape(-1).copy()
        self.pad = lower.get_param("pad").transpose((0, 1, 3, 2)).reshape((1, self.n_feats, -1)).copy()
        self.upper_wt = np.ascontiguousarray(upper.get_param("W").T)
        self.upper_b = upper.get_param("b")
        if self.upper_wt.shape[1] != parser.moves.n_moves:
            raise ValueError("parser moves and outputs differ")
        self._token_ids = ParserStepModel.get_token_ids
        self._ids_of = _TokenIds(self.n_feats)
        try:
            self._token_ids(self._ids_of, [])
        except (AttributeError, TypeError) as error:  # another spaCy's step model
            raise ValueError(f"parser feature extraction not understood: {error}") from error

    def __call__(self, docs: Sequence[Any]) -> None:
        """Parse ``docs`` (their tok2vec already run) and set their annotations."""
        parser = self.parser
        states = parser.moves.init_batch(docs)
        todo = [s for s in states if not s.is_final()]
        if todo:
            table = self._table([d for d in docs if len(d)])
            if _greedy is not None and self.compiled:
                _greedy.greedy_parse(
                    parser.moves, todo, table, self.lower_b, self.upper_wt, self.upper_b,
                    self.n_feats, self.n_hidden, self.n_pieces,
                )  # fmt: skip
            else:
                self._step(todo, table)
        parser.set_annotations(docs, states)

    def _step(self, todo: list[Any], table: NDArray[np.float32]) -> None:
        """Run the states in ``todo`` to their end from Python, all of them a move at a time."""
        # row of (token, feature) in the table, feature-major: token -1 is the padding
        n_feats = self.n_feats
        offsets = np.arange(n_feats)[:, None] + n_feats
        token_ids, ids_of, scores, transition = (
            self._token_ids,
            self._ids_of,
            self._scores,
            self.parser.transition_states,
        )
        while todo:  # a few hundred steps an article: locals, one call each
            rows = token_ids(ids_of, todo).T * n_feats + offsets
            todo = transition(todo, scores(table.take(rows, axis=0)))

    def _table(self, docs: Sequence[Any]) -> NDArray[np.float32]:
        """Hidden-layer contribution of each (token, feature slot), one per row; the first
        ``n_feats`` rows are the padding's (spaCy's token -1)."""
        vectors = self.tok2vec.predict(list(docs))
        width = self.lower_w.shape[0] // self.n_feats
        table = np.empty(((len(vectors) + 1) * self.n_feats, width), "f")
        tokens = table[self.n_feats :].reshape((len(vectors), -1))
        self.ops.gemm(vectors, self.lower_w, trans2=True, out=tokens)
        table[: self.n_feats] = self.pad[0]
        return table

    def _scores(self, features: NDArray[np.float32]) -> NDArray[np.float32]:
        """Move scores from the states' features (features, states, hidden * pieces)."""
        hidden = np.add.reduce(features, axis=0)  # summed feature by feature, as spaCy does
        hidden += self.lower_b
        n = self.n_hidden
        best = np.maximum(hidden[:, :n], hidden[:, n : 2 * n])
        for piece in range(2, self.n_pieces):
            np.maximum(best, hidden[:, piece * n : (piece + 1) * n], out=best)
        scores: NDArray[np.float32] = np.dot(best, self.upper_wt)
        scores += self.upper_b
        return scores
