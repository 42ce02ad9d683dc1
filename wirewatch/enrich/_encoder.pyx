# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
# distutils: language = c++
"""The tok2vec encoder's residual maxout stack in C passes, for prediction.

``residual_stack`` runs thinc's ``residual(expand_window >> maxout >> layernorm >>
dropout)`` layers over one flattened sequence (the rows ``with_array`` builds, padding
included) with the float operations of ``layers.py``, in the same order: the window of
each row (the row before, the row, the row after; zeros past the ends), the maxout's
matrix product by ``numpy.matmul`` (the call thinc's ops make), then one pass per row for
the bias, the best piece, the mean and the variance (numpy's pairwise sums), numpy's
``var ** -0.5``, and one pass per row for the scaling, the gain, the shift and the
residual sum, which also writes the next layer's windows.  The vectors are bit for bit
those of the numpy layers.
"""

import numpy as np

cdef extern from *:
    """
    #include <stddef.h>
    #include <string.h>
    /* The row loops compiled twice, for AVX2 and for any x86-64, picked at load time. */
    #if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__) && defined(__linux__)
    #define WW_CLONES __attribute__((target_clones("avx2", "default")))
    #else
    #define WW_CLONES
    #endif

    /* np.maximum(a, b): a if greater or NaN, else b (b when equal: -0.0 over 0.0). */
    static inline float ww_maximum(float a, float b) {
        float m = a > b ? a : b;
        return a != a ? a : m;
    }

    /* numpy's float32 pairwise_sum: the same additions in the same order. */
    static float ww_pairwise_halves(const float* a, ptrdiff_t n);

    static inline float ww_pairwise_sum(const float* a, ptrdiff_t n) {
        if (n < 8) {
            float res = 0.0f;
            for (ptrdiff_t i = 0; i < n; i++) res += a[i];
            return res;
        }
        if (n > 128) return ww_pairwise_halves(a, n);
        float r[8];
        ptrdiff_t i;
        for (int k = 0; k < 8; k++) r[k] = a[k];
        for (i = 8; i < n - (n % 8); i += 8)
            for (int k = 0; k < 8; k++) r[k] += a[i + k];
        float res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++) res += a[i];
        return res;
    }

    /* Past 128 elements numpy sums the two halves (cut at a multiple of 8) and adds them. */
    static float ww_pairwise_halves(const float* a, ptrdiff_t n) {
        ptrdiff_t half = n / 2;
        half -= half % 8;
        return ww_pairwise_sum(a, half) + ww_pairwise_sum(a + half, n - half);
    }

    /* np.add.reduce of a row: the pairwise sum added to the identity, +0.0. */
    static inline float ww_row_sum(const float* a, ptrdiff_t n) {
        return 0.0f + ww_pairwise_sum(a, n);
    }

    /* Row x as the middle of window i, the right of window i-1, the left of window i+1. */
    static inline void ww_place(const float* x, float* cols, ptrdiff_t i, ptrdiff_t rows, ptrdiff_t width) {
        size_t size = (size_t)width * sizeof(float);
        if (x != cols + (3 * i + 1) * width) memcpy(cols + (3 * i + 1) * width, x, size);
        if (i > 0) memcpy(cols + (3 * i - 1) * width, x, size);
        if (i + 1 < rows) memcpy(cols + (3 * i + 3) * width, x, size);
    }

    /* thinc's seq2col(X, 1) into zeroed cols: row i is X[i-1] | X[i] | X[i+1]. */
    static void ww_windows(const float* X, float* cols, ptrdiff_t rows, ptrdiff_t width) {
        for (ptrdiff_t i = 0; i < rows; i++) ww_place(X + i * width, cols, i, rows, width);
    }

    /* Per row of the product Y: bias, best piece, mean, centred = best - mean, and
       var = mean of the squares + 1e-08, as layers.py's maxout and layer norm. */
    WW_CLONES static void ww_maxout_moments(
        const float* Y, const float* bias, float* centred, float* var, float* squares,
        ptrdiff_t rows, ptrdiff_t width, ptrdiff_t pieces
    ) {
        const float n = (float)width, eps = (float)1e-08;
        for (ptrdiff_t i = 0; i < rows; i++) {
            const float* y = Y + i * width * pieces;
            float* c = centred + i * width;
            if (pieces == 3) {
                for (ptrdiff_t j = 0; j < width; j++)
                    c[j] = ww_maximum(ww_maximum(y[3 * j] + bias[3 * j], y[3 * j + 1] + bias[3 * j + 1]),
                                      y[3 * j + 2] + bias[3 * j + 2]);
            } else {
                for (ptrdiff_t j = 0; j < width; j++) {
                    float best = y[j * pieces] + bias[j * pieces];
                    for (ptrdiff_t p = 1; p < pieces; p++)
                        best = ww_maximum(best, y[j * pieces + p] + bias[j * pieces + p]);
                    c[j] = best;
                }
            }
            float mean = ww_row_sum(c, width) / n;
            for (ptrdiff_t j = 0; j < width; j++) {
                c[j] = c[j] - mean;
                squares[j] = c[j] * c[j];
            }
            var[i] = ww_row_sum(squares, width) / n + eps;
        }
    }

    /* Per row: X + ((centred * scale) * G + b), X the window's middle third; into out
       (last layer) or into the windows, where the next layer reads it. */
    WW_CLONES static void ww_normalise_add(
        const float* centred, const float* scale, const float* gain, const float* shift,
        float* cols, float* out, ptrdiff_t rows, ptrdiff_t width, int last
    ) {
        for (ptrdiff_t i = 0; i < rows; i++) {
            const float* c = centred + i * width;
            float* mid = cols + (3 * i + 1) * width;
            float* dest = last ? out + i * width : mid;
            const float s = scale[i];
            for (ptrdiff_t j = 0; j < width; j++)
                dest[j] = mid[j] + ((c[j] * s) * gain[j] + shift[j]);
            if (!last) ww_place(mid, cols, i, rows, width);
        }
    }
    """
    void ww_windows(const float* X, float* cols, Py_ssize_t rows, Py_ssize_t width) nogil
    void ww_maxout_moments(
        const float* Y, const float* bias, float* centred, float* var, float* squares,
        Py_ssize_t rows, Py_ssize_t width, Py_ssize_t pieces,
    ) nogil
    void ww_normalise_add(
        const float* centred, const float* scale, const float* gain, const float* shift,
        float* cols, float* out, Py_ssize_t rows, Py_ssize_t width, int last,
    ) nogil


def residual_stack(X, list layers):
    """The rows ``X`` (float32, rows by width) through the residual maxout layers.

    ``layers``: one ``(W, b, G, shift)`` per layer, float32 and C-contiguous: the maxout's
    weights as thinc's ``gemm`` reads them, ``(width * pieces, 3 * width)``, its bias
    ``(width * pieces,)`` (unit-major, as thinc's), the layer norm's gain and shift
    ``(width,)``.  Returns a new float32 array shaped as ``X``.  Raises ``ValueError`` on
    any other dtype, layout or shape.
    """
    if not isinstance(X, np.ndarray) or X.dtype != np.float32 or X.ndim != 2 or not X.flags.c_contiguous:
        raise ValueError("residual_stack: X must be a C-contiguous 2-d float32 array")
    cdef Py_ssize_t rows = X.shape[0], width = X.shape[1]
    if width < 1:
        raise ValueError("residual_stack: X has no columns")
    weights = []
    cdef Py_ssize_t pieces = 0
    for layer in layers:
        if not isinstance(layer, tuple) or len(layer) != 4:
            raise ValueError("residual_stack: each layer is (W, b, G, shift)")
        for array in layer:
            if not isinstance(array, np.ndarray) or array.dtype != np.float32 or not array.flags.c_contiguous:
                raise ValueError("residual_stack: weights must be C-contiguous float32 arrays")
        W, b, G, shift = layer
        if W.ndim != 2 or W.shape[1] != 3 * width or W.shape[0] < width or W.shape[0] % width:
            raise ValueError("residual_stack: W must be (width * pieces, 3 * width)")
        if b.shape != (W.shape[0],) or G.shape != (width,) or shift.shape != (width,):
            raise ValueError("residual_stack: b, G or shift do not match W")
        if pieces and W.shape[0] // width != pieces:
            raise ValueError("residual_stack: the layers differ in pieces")
        pieces = W.shape[0] // width
        weights.append(layer)
    if not weights or rows == 0:
        return X.copy()
    cols = np.zeros((rows, 3 * width), dtype=np.float32)
    Y = np.empty((rows, width * pieces), dtype=np.float32)
    centred = np.empty((rows, width), dtype=np.float32)
    var = np.empty((rows, 1), dtype=np.float32)
    out = np.empty((rows, width), dtype=np.float32)
    squares = np.empty(width, dtype=np.float32)
    cdef const float[:, ::1] x_view = X
    cdef float[:, ::1] cols_view = cols
    cdef float[:, ::1] y_view = Y
    cdef float[:, ::1] centred_view = centred
    cdef float[:, ::1] var_view = var
    cdef float[:, ::1] out_view = out
    cdef float[::1] squares_view = squares
    cdef const float[::1] b_view
    cdef const float[::1] g_view
    cdef const float[::1] shift_view
    cdef const float[:, ::1] scale_view
    cdef bint last
    with nogil:
        ww_windows(&x_view[0, 0], &cols_view[0, 0], rows, width)
    for n, (W, b, G, shift) in enumerate(weights):
        np.matmul(cols, W.T, out=Y)  # thinc's ops.gemm(X, W, trans2=True)
        b_view = b
        g_view = G
        shift_view = shift
        last = n == len(weights) - 1
        with nogil:
            ww_maxout_moments(
                &y_view[0, 0], &b_view[0], &centred_view[0, 0], &var_view[0, 0], &squares_view[0],
                rows, width, pieces,
            )
        scale = var ** (-1.0 / 2.0)  # numpy's float32 power, as the layer norm's
        scale_view = scale
        with nogil:
            ww_normalise_add(
                &centred_view[0, 0], &scale_view[0, 0], &g_view[0], &shift_view[0],
                &cols_view[0, 0], &out_view[0, 0], rows, width, last,
            )
    return out
