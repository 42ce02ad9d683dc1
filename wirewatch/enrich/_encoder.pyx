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
those of the numpy layers (no fused multiply-adds: setup.py builds with
``-ffp-contract=off``).  The row passes take eight columns at a time where the width is a
multiple of 8 and there are three pieces (en_core_web_sm's 96 and 3), compiled for AVX2
and for plain x86-64, one picked when loaded.  Every shape is checked before a C loop
reads a row.
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

    /* thinc's seq2col(X, 1) into cols: row i is X[i-1] | X[i] | X[i+1] (the slots past
       the ends are the caller's zeros). */
    static void ww_windows(const float* X, float* cols, ptrdiff_t rows, ptrdiff_t width) {
        size_t size = (size_t)width * sizeof(float);
        for (ptrdiff_t i = 0; i < rows; i++) {
            const float* x = X + i * width;
            memcpy(cols + (3 * i + 1) * width, x, size);
            if (i > 0) memcpy(cols + (3 * i - 1) * width, x, size);
            if (i + 1 < rows) memcpy(cols + (3 * i + 3) * width, x, size);
        }
    }

    /* Eight floats, one AVX register (two SSE ones); only ever passed to inline functions. */
    #if defined(__GNUC__) && !defined(__clang__)
    #pragma GCC diagnostic ignored "-Wpsabi"
    #endif
    typedef float ww_v8 __attribute__((vector_size(32)));
    typedef int ww_i8 __attribute__((vector_size(32)));
    #if defined(__clang__)
    #define WW_SHUFFLE(x, y, ...) __builtin_shufflevector(x, y, __VA_ARGS__)
    #else
    #define WW_SHUFFLE(x, y, ...) __builtin_shuffle(x, y, (ww_i8){__VA_ARGS__})
    #endif

    /* np.maximum lane by lane. */
    static inline ww_v8 ww_vmaximum(ww_v8 a, ww_v8 b) {
        ww_v8 m = a > b ? a : b;
        return a != a ? a : m;
    }

    /* The end of numpy's pairwise sum of eight running sums, plus the identity. */
    static inline float ww_v8_sum(ww_v8 r) {
        return 0.0f + (((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])));
    }

    /* The common shape, eight columns at a time: 3 pieces, a width that is a multiple of 8
       up to 128, where numpy's pairwise sum is eight running sums eight columns apart. */
    static inline void ww_maxout3_moments_row(
        const float* y, const float* bias, float* c, float* var, ptrdiff_t width
    ) {
        const float n = (float)width, eps = (float)1e-08;
        ww_v8 sum = {0}, squares = {0};
        for (ptrdiff_t k = 0; k < width / 8; k++) {
            ww_v8 A, B, C, bA, bB, bC;
            memcpy(&A, y + 24 * k, 32); memcpy(&B, y + 24 * k + 8, 32); memcpy(&C, y + 24 * k + 16, 32);
            memcpy(&bA, bias + 24 * k, 32); memcpy(&bB, bias + 24 * k + 8, 32); memcpy(&bC, bias + 24 * k + 16, 32);
            A = A + bA; B = B + bB; C = C + bC;
            /* the pieces of the eight units: columns 3j, 3j + 1, 3j + 2 */
            ww_v8 p0 = WW_SHUFFLE(WW_SHUFFLE(A, B, 0, 3, 6, 9, 12, 15, 0, 0), C, 0, 1, 2, 3, 4, 5, 10, 13);
            ww_v8 p1 = WW_SHUFFLE(WW_SHUFFLE(A, B, 1, 4, 7, 10, 13, 0, 0, 0), C, 0, 1, 2, 3, 4, 8, 11, 14);
            ww_v8 p2 = WW_SHUFFLE(WW_SHUFFLE(A, B, 2, 5, 8, 11, 14, 0, 0, 0), C, 0, 1, 2, 3, 4, 9, 12, 15);
            ww_v8 best = ww_vmaximum(ww_vmaximum(p0, p1), p2);
            memcpy(c + 8 * k, &best, 32);
            sum = k ? sum + best : best;
        }
        const float mean = ww_v8_sum(sum) / n;
        for (ptrdiff_t k = 0; k < width / 8; k++) {
            ww_v8 x;
            memcpy(&x, c + 8 * k, 32);
            x = x - mean;
            memcpy(c + 8 * k, &x, 32);
            squares = k ? squares + x * x : x * x;
        }
        *var = ww_v8_sum(squares) / n + eps;
    }

    /* Any other shape, a column at a time. */
    static inline void ww_maxout_moments_row(
        const float* y, const float* bias, float* c, float* var, float* squares,
        ptrdiff_t width, ptrdiff_t pieces
    ) {
        const float n = (float)width, eps = (float)1e-08;
        for (ptrdiff_t j = 0; j < width; j++) {
            float best = y[j * pieces] + bias[j * pieces];
            for (ptrdiff_t p = 1; p < pieces; p++)
                best = ww_maximum(best, y[j * pieces + p] + bias[j * pieces + p]);
            c[j] = best;
        }
        float mean = ww_row_sum(c, width) / n;
        for (ptrdiff_t j = 0; j < width; j++) {
            c[j] = c[j] - mean;
            squares[j] = c[j] * c[j];
        }
        *var = ww_row_sum(squares, width) / n + eps;
    }

    /* Per row of the product Y: bias, best piece, mean, centred = best - mean, and
       var = mean of the squares + 1e-08, as layers.py's maxout and layer norm.
       squares: a row of scratch. */
    WW_CLONES static void ww_maxout_moments(
        const float* Y, const float* bias, float* centred, float* var, float* squares,
        ptrdiff_t rows, ptrdiff_t width, ptrdiff_t pieces
    ) {
        int fast = pieces == 3 && width % 8 == 0 && width <= 128;
        for (ptrdiff_t i = 0; i < rows; i++) {
            if (fast)
                ww_maxout3_moments_row(Y + i * width * 3, bias, centred + i * width, var + i, width);
            else
                ww_maxout_moments_row(Y + i * width * pieces, bias, centred + i * width, var + i, squares, width, pieces);
        }
    }

    /* One row of the layer norm's output plus the residual, written to the row's three
       windows (the row's own middle, the right of the one before, the left of the one after). */
    static inline void ww_normalise_row(
        const float* __restrict c, float s, const float* __restrict gain, const float* __restrict shift,
        float* __restrict mid, float* __restrict before, float* __restrict after, ptrdiff_t width
    ) {
        for (ptrdiff_t j = 0; j < width; j++) {
            float value = mid[j] + ((c[j] * s) * gain[j] + shift[j]);
            mid[j] = value;
            before[j] = value;
            after[j] = value;
        }
    }

    /* Per row: X + ((centred * scale) * G + b), X the window's middle third; into out
       (last layer) or into the windows, where the next layer reads it.  scratch: two rows
       that stand for the windows past the ends. */
    WW_CLONES static void ww_normalise_add(
        const float* centred, const float* scale, const float* gain, const float* shift,
        float* cols, float* out, float* scratch, ptrdiff_t rows, ptrdiff_t width, int last
    ) {
        for (ptrdiff_t i = 0; i < rows; i++) {
            const float* __restrict c = centred + i * width;
            float* mid = cols + (3 * i + 1) * width;
            const float s = scale[i];
            if (last) {
                float* __restrict dest = out + i * width;
                for (ptrdiff_t j = 0; j < width; j++)
                    dest[j] = mid[j] + ((c[j] * s) * gain[j] + shift[j]);
                continue;
            }
            float* before = i > 0 ? cols + (3 * i - 1) * width : scratch;
            float* after = i + 1 < rows ? cols + (3 * i + 3) * width : scratch + width;
            ww_normalise_row(c, s, gain, shift, mid, before, after, width);
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
        float* cols, float* out, float* scratch, Py_ssize_t rows, Py_ssize_t width, int last,
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
    cols = np.empty((rows, 3 * width), dtype=np.float32)
    cols[0, :width] = 0.0  # the windows past the ends; ww_windows writes every other slot
    cols[rows - 1, 2 * width :] = 0.0
    Y = np.empty((rows, width * pieces), dtype=np.float32)
    centred = np.empty((rows, width), dtype=np.float32)
    var = np.empty((rows, 1), dtype=np.float32)
    out = np.empty((rows, width), dtype=np.float32)
    squares = np.empty(2 * width, dtype=np.float32)  # scratch rows
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
                &cols_view[0, 0], &out_view[0, 0], &squares_view[0], rows, width, last,
            )
    return out
