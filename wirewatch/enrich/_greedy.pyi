"""Types of the compiled decoder loops (``_greedy.pyx``)."""

from typing import Any

import numpy as np
from numpy.typing import NDArray

def greedy_parse(
    moves: Any,
    states: list[Any],
    table: NDArray[np.float32],
    bias: NDArray[np.float32],
    upper_wt: NDArray[np.float32],
    upper_b: NDArray[np.float32],
    n_feats: int,
    n_hidden: int,
    n_pieces: int,
) -> None: ...
def walk_entities(
    cached: NDArray[np.float32],
    bias: NDArray[np.float32],
    upper_w: NDArray[np.float32],
    upper_b: NDArray[np.float32],
    closed_moves: NDArray[np.int64],
    cannot_go_on: NDArray[np.uint8],
    kinds: NDArray[np.int64],
    label_index: NDArray[np.int64],
    inside_of: NDArray[np.int64],
    last_of: NDArray[np.int64],
    n_hidden: int,
    n_pieces: int,
) -> list[tuple[int, int, int]]: ...
