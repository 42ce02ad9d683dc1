# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
# distutils: language = c++
"""spaCy's greedy decoders' loops in C: the parser's moves and the entity recognizer's walk.

``greedy_parse`` takes the states of a batch of docs and the parser's weights as
``ParseDecoder`` lays them out, and runs every state to its end: each lock step reads each
unfinished state's feature tokens (spaCy's ``set_context_tokens``), sums their rows of the
precomputed hidden-layer table feature by feature and adds the bias (the order
``ParseDecoder`` and spaCy use), takes the maxout over the pieces, scores the moves with
the output layer, and applies the best valid move (the first of equal scores; spaCy's own
validity rules and moves, through its transition system).  A state with no valid move is
ended, as spaCy does.  (spaCy's own functions are called with the GIL held: its build
takes the GIL in each of them, which costs more when it was released.)

``walk_entities`` is ``recognizer.EntityDecoder``'s walk over the tokens, where only the
tokens inside an entity need their state scored.
"""

import numpy

from libc.stdlib cimport free, malloc
from scipy.linalg.cython_blas cimport sgemm
from libc.string cimport memcpy
from libcpp.vector cimport vector
from spacy.pipeline._parser_internals._state cimport StateC
from spacy.pipeline._parser_internals.stateclass cimport StateClass
from spacy.pipeline._parser_internals.transition_system cimport Transition, TransitionSystem

# States scored by one BLAS call: OpenBLAS goes multi-threaded past about 38 of them.
DEF CHUNK = 32


def greedy_parse(
    TransitionSystem moves,
    list states,
    const float[:, ::1] table,
    const float[::1] bias,
    const float[:, ::1] upper_wt,
    const float[::1] upper_b,
    int n_feats,
    int n_hidden,
    int n_pieces,
):
    """Run ``states`` (spaCy ``StateClass``es) to their final state.

    ``table``: one row per (token, feature slot), ``(token + 1) * n_feats + slot``, the
    first ``n_feats`` rows the padding's (token -1); each row ``n_pieces * n_hidden``
    wide, piece-major.  ``bias``: the hidden layer's, piece-major.  ``upper_wt``: the
    output layer's weights, ``(n_hidden, n_moves)``; ``upper_b`` its bias.
    Raises ``ValueError`` when the shapes disagree or a feature token is outside the table.
    """
    cdef int width = n_hidden * n_pieces
    cdef int n_moves = moves.n_moves
    if n_feats < 1 or n_hidden < 1 or n_pieces < 1 or n_moves < 1:
        raise ValueError("empty parser dimensions")
    if table.shape[1] != width or bias.shape[0] != width or table.shape[0] < n_feats:
        raise ValueError("hidden-layer table and bias do not match the parser's dimensions")
    if upper_wt.shape[0] != n_hidden or upper_wt.shape[1] != n_moves or upper_b.shape[0] != n_moves:
        raise ValueError("output layer does not match the parser's moves")
    cdef vector[StateC*] todo
    cdef StateClass state
    for state in states:
        if not state.c.is_final():
            todo.push_back(state.c)
    cdef size_t n = todo.size()
    if n == 0:
        return
    cdef int* ids = <int*>malloc(n_feats * sizeof(int))
    cdef int* is_valid = <int*>malloc(n_moves * sizeof(int))
    cdef float* hidden = <float*>malloc(width * sizeof(float))
    cdef float* best = <float*>malloc(n * n_hidden * sizeof(float))
    cdef float* scores = <float*>malloc(n * n_moves * sizeof(float))
    cdef int status = 0
    if ids == NULL or is_valid == NULL or hidden == NULL or best == NULL or scores == NULL:
        status = -2
    else:
        status = _run(
            moves, todo, &table[0, 0], table.shape[0], &bias[0], &upper_wt[0, 0], &upper_b[0],
            n_feats, n_hidden, n_pieces, ids, is_valid, hidden, best, scores,
        )
    free(ids)
    free(is_valid)
    free(hidden)
    free(best)
    free(scores)
    if status == -2:
        raise MemoryError("greedy_parse: no memory for the step buffers")
    if status != 0:
        raise ValueError("a parser feature token lies outside the hidden-layer table")


cdef int _run(
    TransitionSystem moves,
    vector[StateC*]& todo,
    const float* table,
    Py_ssize_t n_rows,
    const float* bias,
    const float* upper_wt,
    const float* upper_b,
    int n_feats,
    int n_hidden,
    int n_pieces,
    int* ids,
    int* is_valid,
    float* hidden,
    float* best,
    float* scores,
) noexcept:
    cdef int width = n_hidden * n_pieces
    cdef int n_moves = moves.n_moves
    cdef size_t i, kept
    cdef int f, j, p, guess, chunk, rows
    cdef Py_ssize_t row
    cdef const float* src
    cdef float* out
    cdef float* score
    cdef float value
    cdef float one = 1.0
    cdef float zero = 0.0
    cdef char no = b'N'
    cdef StateC* st
    cdef Transition action
    while todo.size():
        for i in range(todo.size()):
            todo[i].set_context_tokens(ids, n_feats)
            # the hidden layer: the features' rows summed in order, then the bias
            for f in range(n_feats):
                row = (<Py_ssize_t>ids[f] + 1) * n_feats + f
                if row < 0 or row >= n_rows:
                    return -1
                src = &table[row * width]
                if f == 0:
                    memcpy(hidden, src, width * sizeof(float))
                else:
                    for j in range(width):
                        hidden[j] += src[j]
            for j in range(width):
                hidden[j] += bias[j]
            # maxout over the pieces (piece-major: piece p of unit j at p * n_hidden + j)
            out = &best[i * n_hidden]
            for j in range(n_hidden):
                value = hidden[j]
                for p in range(1, n_pieces):
                    if hidden[p * n_hidden + j] > value:
                        value = hidden[p * n_hidden + j]
                out[j] = value
        # the output layer for all states, CHUNK at a time (so BLAS stays on one thread):
        # scores (states, moves) = best (states, hidden) @ upper_wt (hidden, moves)
        for chunk in range(0, <int>todo.size(), CHUNK):
            rows = min(CHUNK, <int>todo.size() - chunk)
            sgemm(&no, &no, &n_moves, &rows, &n_hidden, &one, <float*>upper_wt, &n_moves,
                  &best[chunk * n_hidden], &n_hidden, &zero, &scores[chunk * n_moves], &n_moves)
        kept = 0
        for i in range(todo.size()):
            st = todo[i]
            score = &scores[i * n_moves]
            for j in range(n_moves):
                score[j] += upper_b[j]
            # the best valid move, the first of equal scores
            moves.set_valid(is_valid, st)
            guess = -1
            for j in range(n_moves):
                if is_valid[j] and (guess == -1 or score[j] > score[guess]):
                    guess = j
            if guess == -1:
                st.force_final()
            else:
                action = moves.c[guess]
                action.do(st, action.label)
            if not st.is_final():
                todo[kept] = st
                kept += 1
        todo.resize(kept)
    return 0


def walk_entities(
    const float[:, ::1] cached,
    const float[::1] bias,
    const float[:, ::1] upper_w,
    const float[::1] upper_b,
    const long[::1] closed_moves,
    const unsigned char[::1] cannot_go_on,
    const long[::1] kinds,
    const long[::1] label_index,
    const long[::1] inside_of,
    const long[::1] last_of,
    int n_hidden,
    int n_pieces,
):
    """(start, end, move) of each entity, walking the tokens as ``recognizer.EntityDecoder``.

    ``cached``: each token's hidden-layer contributions in its three feature slots,
    ``(tokens, 3 * n_hidden * n_pieces)``, unit-major (piece p of unit u at u * n_pieces + p);
    ``closed_moves``: the best valid move of each token with no entity open; ``kinds`` of
    the moves (0 begin, 1 in, 2 last, 3 unit, 4 out), ``label_index`` of each move's label,
    and the "in" and "last" move of each label.  Inside an entity the state is the token,
    the entity's first token and the token before, summed in that order, then the bias:
    the entity goes on while its "in" move scores at least its "last" move.
    """
    cdef Py_ssize_t n = cached.shape[0]
    cdef int width = n_hidden * n_pieces
    cdef Py_ssize_t n_moves = upper_b.shape[0]
    cdef Py_ssize_t n_labels = inside_of.shape[0]
    if n_hidden < 1 or n_pieces < 1 or cached.shape[1] != 3 * width or bias.shape[0] != width:
        raise ValueError("hidden-layer contributions do not match the recognizer's dimensions")
    if upper_w.shape[0] != n_hidden or upper_w.shape[1] != n_moves or kinds.shape[0] != n_moves:
        raise ValueError("output layer does not match the recognizer's moves")
    if label_index.shape[0] != n_moves or last_of.shape[0] != n_labels:
        raise ValueError("move labels do not match the recognizer's moves")
    if closed_moves.shape[0] != n or cannot_go_on.shape[0] != n:
        raise ValueError("token columns do not match the hidden-layer contributions")
    cdef Py_ssize_t token, begin = -1
    cdef long move, label = -1, inside = -1, ending = -1
    cdef int j, u, p
    cdef float value, in_score, last_score
    cdef float[::1] hidden = numpy.zeros(width, dtype=numpy.float32)
    found = []
    for token in range(n):
        if begin < 0:
            move = closed_moves[token]
            if move < 0 or move >= n_moves:
                raise ValueError("a move outside the recognizer's moves")
            if kinds[move] == 0:
                label = label_index[move]
                if label < 0 or label >= n_labels or inside_of[label] < 0 or last_of[label] < 0:
                    raise ValueError("an entity label without its in and last moves")
                begin = token
            elif kinds[move] == 3:
                found.append((token, token + 1, move))
            continue
        inside, ending = inside_of[label], last_of[label]
        if not cannot_go_on[token]:
            for j in range(width):
                hidden[j] = ((cached[token, j] + cached[begin, width + j]) + cached[token - 1, 2 * width + j]) + bias[j]
            in_score = 0.0
            last_score = 0.0
            for u in range(n_hidden):
                value = hidden[u * n_pieces]
                for p in range(1, n_pieces):
                    if hidden[u * n_pieces + p] > value:
                        value = hidden[u * n_pieces + p]
                in_score += value * upper_w[u, inside]
                last_score += value * upper_w[u, ending]
            if in_score + upper_b[inside] >= last_score + upper_b[ending]:
                continue
        found.append((begin, token + 1, ending))
        begin = -1
    return found

