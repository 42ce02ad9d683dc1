# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# distutils: language = c++
"""Token attributes written straight into a spaCy ``Doc``, as ``Doc.from_array`` writes them.

``from_array`` costs a microsecond a token on MORPH: it adds each token's morphology to
the vocabulary's table again.  ``write_token_attrs`` takes each token's (column, value)
pairs and sets them with spaCy's own ``Token.set_struct_attr``; the caller has added every
MORPH value it writes to the morphology table once (``Morphology.add``).
"""

from spacy.attrs cimport attr_id_t
from spacy.tokens.doc cimport Doc
from spacy.tokens.token cimport Token
from spacy.typedefs cimport attr_t

DEF MAX_COLUMNS = 8


def write_token_attrs(Doc doc, list outcomes, list attr_ids):
    """Set token i's ``attr_ids[column]`` to ``value`` for each (column, value) pair of
    ``outcomes[i]`` (one sequence of pairs per token, in token order)."""
    cdef attr_id_t ids[MAX_COLUMNS]
    cdef int n_columns = len(attr_ids)
    if n_columns > MAX_COLUMNS:
        raise ValueError(f"at most {MAX_COLUMNS} attributes")
    if len(outcomes) != doc.length:
        raise ValueError("one outcome per token")
    cdef int column
    for column in range(n_columns):
        ids[column] = attr_ids[column]
    cdef int i = 0
    cdef attr_t value
    for pairs in outcomes:
        for column, value in pairs:
            if column < 0 or column >= n_columns:
                raise ValueError(f"no attribute column {column}")
            Token.set_struct_attr(&doc.c[i], ids[column], value)
        i += 1
