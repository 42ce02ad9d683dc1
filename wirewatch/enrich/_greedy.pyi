"""Types of the compiled parser loop (``_greedy.pyx``)."""

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
