"""spaCy's entity recognizer, decoded in numpy: the same model and moves, in half the time.

``en_core_web_sm``'s ``ner`` is a greedy transition system (BILUO moves over the tokens,
one move per token) scored by a small network: its own tok2vec, a hidden layer over three
state features (the next token, the first token of the open entity, the token before the
next) and an output layer.  spaCy runs the moves in Cython, asking each of the 74 moves
whether it is valid through calls that take and release the GIL: half of the NER time.

``EntityDecoder`` runs the same network on the same features and applies the same
validity rules (no preset entities; an entity ends where the parser starts a sentence)
with array operations.  With no entity open the state is the next token alone, so those
moves are scored for all tokens at once; inside an entity, where the state depends on
its first token, the choice is between "in" and "last" of its label: that walk over the
tokens is compiled at install (``_greedy.walk_entities``; from Python where it was not
built).  The features are summed in spaCy's order, so the entities are the same (identical
on the 11,889 paragraphs of the 606 dev articles; tested on the seed page), and they are
written as ``Doc.set_ents`` writes them, as two columns.  A model whose recognizer is shaped
otherwise makes ``EntityDecoder`` refuse (``ValueError``) and the caller keeps spaCy's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from wirewatch.enrich.compiled import compiled

_greedy = compiled("_greedy")  # None: the same walk from Python

__all__ = ["EntityDecoder"]

_KINDS = "BILUO"


class EntityDecoder:
    """Entities for parsed docs, as the pipeline's ``ner`` component would set them."""

    def __init__(self, ner: Any, compiled: bool = True) -> None:
        self.compiled = compiled  # False: walk the tokens from Python even where the walk is compiled
        model = ner.model
        if not model.attrs.get("has_upper") or model.attrs.get("unseen_classes"):
            raise ValueError("entity recognizer without an output layer or with unseen classes")
        if getattr(ner, "cfg", {}).get("beam_width", 1) != 1:
            raise ValueError("entity recognizer with beam search")
        self.tok2vec = model.get_ref("tok2vec")
        lower, upper = model.get_ref("lower"), model.get_ref("upper")
        weights = lower.get_param("W")  # (features, hidden, pieces, input)
        self.n_feats, self.n_hidden, self.n_pieces, n_in = weights.shape
        if self.n_feats != 3:
            raise ValueError("entity recognizer with other state features")
        self.ops = lower.ops
        self.lower_w = weights.reshape((-1, n_in))
        self.lower_b = lower.get_param("b").reshape(-1)
        self.pad = lower.get_param("pad").reshape((self.n_feats, -1))
        self.upper_w = np.ascontiguousarray(upper.get_param("W").T)
        self.upper_b = upper.get_param("b")
        names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
        if len(names) != len(self.upper_b):
            raise ValueError("entity recognizer moves and outputs differ")
        kinds = np.array([_KINDS.find(n[0]) if n in ("O",) or n[1:2] == "-" else -1 for n in names])
        if (kinds < 0).any():
            raise ValueError(f"entity recognizer move not understood: {names}")
        self.labels = [n[2:] for n in names]
        known = sorted({label for label in self.labels if label})
        self.label_index = np.array([known.index(label) if label else -1 for label in self.labels])
        # each label's "in" and "last" moves (-1: none)
        self.inside_of = np.full(len(known), -1)
        self.last_of = np.full(len(known), -1)
        for moves, kind in ((self.inside_of, 1), (self.last_of, 2)):
            for move in np.flatnonzero(kinds == kind).tolist():
                moves[self.label_index[move]] = move
        # what Doc.set_ents writes: B (3) or I (1) and the label of entity tokens, O (2) elsewhere
        self.label_ids = [int(ner.vocab.strings.add(label)) if label else 0 for label in self.labels]
        labelled = self.label_index >= 0
        self.begin = (kinds == 0) & labelled
        self.last = (kinds == 2) & labelled
        self.unit = (kinds == 3) & labelled
        self.out = kinds == 4
        self.kinds = kinds

    def __call__(self, docs: Sequence[Any]) -> None:
        """Set ``doc.ents`` on each doc (its sentence starts, if any, bound the entities):
        as ``Doc.set_ents`` sets them on a doc with none, written as two columns."""
        docs = [d for d in docs if len(d)]
        if not docs:
            return
        found = self.decode(docs)
        for doc, ents in zip(docs, found, strict=True):
            columns = np.zeros((len(doc), 2), dtype=np.uint64)
            columns[:, 0] = 2
            for start, end, move in ents:
                columns[start, 0] = 3
                columns[start + 1 : end, 0] = 1
                columns[start:end, 1] = self.label_ids[move]
            doc.from_array(["ENT_IOB", "ENT_TYPE"], columns)

    def decode(self, docs: Sequence[Any]) -> list[list[tuple[int, int, int]]]:
        """(start, end, move) of each doc's entities, ``move`` the class that labels it.

        With no entity open, the state features are the next token and two paddings, so
        the move is known for every token at once; only inside an entity does the state
        depend on where it began, and then the choice is between "in" and "last" alone.
        """
        vectors = self.tok2vec.predict(list(docs))
        n = vectors.shape[0]
        # Hidden-layer contributions of each token in each feature slot.
        cached = self.ops.gemm(vectors, self.lower_w, trans2=True).reshape((n, self.n_feats, -1))
        lengths = [len(d) for d in docs]
        starts = np.cumsum([0, *lengths[:-1]])
        last = np.zeros(n, dtype=bool)
        last[starts + np.array(lengths) - 1] = True
        next_starts_sentence = np.zeros(n, dtype=bool)
        space = np.zeros(n, dtype=bool)
        for doc, start in zip(docs, starts, strict=True):
            columns = doc.to_array(["SENT_START", "IS_SPACE"])
            next_starts_sentence[start : start + len(doc) - 1] = columns[1:, 0] == 1
            space[start : start + len(doc)] = columns[:, 1] == 1
        # Summed in spaCy's order: the features one by one, then the bias.
        hidden = ((cached[:, 0] + self.pad[1]) + self.pad[2]) + self.lower_b
        scores = self._scores(hidden)
        valid = (
            (self.begin & ~(last | next_starts_sentence | space)[:, None])
            | (self.unit & ~space[:, None])
            | self.out
        )
        closed_moves = np.where(valid, scores, -np.inf).argmax(axis=1)
        cannot_go_on = last | next_starts_sentence
        if _greedy is not None and self.compiled:
            entities = _greedy.walk_entities(
                cached.reshape((n, -1)), self.lower_b, self.upper_w, self.upper_b,
                closed_moves, cannot_go_on.view(np.uint8), self.kinds, self.label_index,
                self.inside_of, self.last_of, self.n_hidden, self.n_pieces,
            )  # fmt: skip
        else:
            entities = self._walk(cached, closed_moves.tolist(), cannot_go_on.tolist())
        out: list[list[tuple[int, int, int]]] = [[] for _ in docs]
        doc_of = np.repeat(np.arange(len(docs)), lengths).tolist()
        offsets = starts.tolist()
        for first, end, move in entities:
            index = doc_of[first]
            out[index].append((first - offsets[index], end - offsets[index], move))
        return out

    def _walk(
        self, cached: NDArray[np.float32], closed_moves: list[int], cannot_go_on: list[bool]
    ) -> list[tuple[int, int, int]]:
        """(start, end, move) of each entity over all the tokens (``_greedy.walk_entities``
        does the same in C)."""
        kinds = self.kinds.tolist()
        label_index = self.label_index.tolist()
        inside_of, last_of = self.inside_of.tolist(), self.last_of.tolist()
        entities: list[tuple[int, int, int]] = []
        begin = label = -1
        for token in range(len(closed_moves)):
            if begin < 0:
                move = closed_moves[token]
                kind = kinds[move]
                if kind == 0:
                    begin, label = token, label_index[move]
                elif kind == 3:
                    entities.append((token, token + 1, move))
                continue
            inside, ending = inside_of[label], last_of[label]
            if not cannot_go_on[token]:
                state = ((cached[token, 0] + cached[begin, 1]) + cached[token - 1, 2]) + self.lower_b
                score = self._scores(state[None], (inside, ending))[0]
                if score[0] >= score[1]:
                    continue
            entities.append((begin, token + 1, ending))
            begin = -1
        return entities

    def _scores(
        self, hidden: NDArray[np.float32], moves: tuple[int, ...] | None = None
    ) -> NDArray[np.float32]:
        """Output scores (of ``moves``, or all) from summed hidden inputs: maxout, then the output layer."""
        pieces = hidden.reshape((len(hidden), self.n_hidden, self.n_pieces))
        hidden = pieces[:, :, 0]
        for piece in range(1, self.n_pieces):  # not .max(axis=2): slow over a short axis
            hidden = np.maximum(hidden, pieces[:, :, piece])
        if moves is None:
            return np.asarray(hidden @ self.upper_w + self.upper_b)
        cols = list(moves)
        return np.asarray(hidden @ self.upper_w[:, cols] + self.upper_b[cols])
