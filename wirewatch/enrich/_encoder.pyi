"""Types of the compiled residual maxout stack (``_encoder.pyx``)."""

import numpy as np
from numpy.typing import NDArray

def residual_stack(
    X: NDArray[np.float32],
    layers: list[tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]]],
) -> NDArray[np.float32]: ...
