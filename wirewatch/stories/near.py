"""Near-duplicates: the same article syndicated, re-published or lightly edited.

A text's fingerprint is a MinHash signature (datasketch) of its word 4-shingles, cut
into ``BANDS`` bands of ``ROWS`` values; each band hashes to one 64-bit key.  Two texts
sharing a band key are candidates (the store keeps the keys in an index), and a candidate
is a near-duplicate when the estimated Jaccard similarity of the shingle sets reaches
``THRESHOLD`` (an updated or lightly edited copy), or when nearly all of the shorter text
lies in the longer one (``CONTAINED``) and it is at least ``MIN_SIZE_RATIO`` of its length
(a wire story trimmed by an outlet); a brief quoted whole inside a longer piece is not a
copy of it.  The shingle count travels with the signature, so containment is estimated
from the Jaccard estimate and the two sizes.  With 32 bands of 4 rows a pair at similarity
0.6 shares a band 99% of the time, a pair at 0.2 5% of the time (then rejected).

Texts shorter than ``MIN_SHINGLES`` get no fingerprint: a two-line summary is not
evidence of a copy (exact copies are still caught by the store's content hash).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash

__all__ = ["BANDS", "MIN_SHINGLES", "THRESHOLD", "Fingerprint", "fingerprint", "is_copy", "similarity"]

NUM_PERM = 128
BANDS, ROWS = 32, 4
SHINGLE = 4  # words per shingle
MIN_SHINGLES = 25
THRESHOLD = 0.7  # estimated Jaccard of the shingle sets: an edited or updated copy
CONTAINED = 0.9  # share of the shorter text's shingles in the longer: a trimmed copy
MIN_SIZE_RATIO = 0.5
SEED = 20261129  # fixed: stored signatures must stay comparable across versions
SCHEME = "affine32"  # datasketch 2 permutation scheme, 32-bit values: named so stored signatures stay valid
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A text's signature (its shingle count, then ``NUM_PERM`` MinHash values, as uint32
    bytes) and its band keys."""

    signature: bytes
    bands: tuple[int, ...]


def _shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.casefold())
    return {" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def fingerprint(text: str) -> Fingerprint | None:
    """The text's fingerprint, or None when it is too short to tell a copy."""
    shingles = _shingles(text)
    if len(shingles) < MIN_SHINGLES:
        return None
    sketch = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    sketch.update_batch(sorted(shingles))
    values = np.asarray(sketch.hashvalues, dtype=np.uint32)
    size = np.asarray([min(len(shingles), 2**32 - 1)], dtype=np.uint32)
    bands = []
    for band in range(BANDS):
        chunk = values[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        bands.append(int.from_bytes(digest, "big", signed=True))  # fits SQLite's INTEGER
    return Fingerprint(size.tobytes() + values.tobytes(), tuple(bands))


def _read(signature: bytes) -> tuple[int, LeanMinHash] | None:
    if len(signature) != (NUM_PERM + 1) * 4:
        return None
    values = np.frombuffer(signature, dtype=np.uint32)
    return int(values[0]), LeanMinHash(seed=SEED, hashvalues=values[1:], scheme=SCHEME)


def similarity(a: bytes, b: bytes) -> float:
    """How much of a copy one stored signature is of the other, 0.0 to 1.0.

    The estimated Jaccard similarity; for a trimmed copy (the shorter text nearly all in
    the longer, and at least half its length), the share of the shorter text contained.
    Malformed signatures give 0.0.
    """
    left, right = _read(a), _read(b)
    if left is None or right is None:
        return 0.0
    (size_a, sketch_a), (size_b, sketch_b) = left, right
    jaccard = float(sketch_a.jaccard(sketch_b))
    small, large = sorted((size_a, size_b))
    if jaccard >= THRESHOLD or not small or small / large < MIN_SIZE_RATIO:
        return jaccard
    common = jaccard * (size_a + size_b) / (1.0 + jaccard)
    contained = min(1.0, common / small)
    return contained if contained >= CONTAINED else jaccard


def is_copy(score: float) -> bool:
    return score >= THRESHOLD
