// Hand-written kernels for LRPKit's hot shapes that BLAS serves badly (see docs/performance.md).
#ifndef LRPS_CKERNELS_H
#define LRPS_CKERNELS_H

#include <stddef.h>

/// Vector-width levels of `lrps_conv_direct`, each compiled for its instruction set.
enum {
    LRPS_LEVEL_SSE2 = 0,    // any x86-64 (and the plain C build elsewhere)
    LRPS_LEVEL_AVX2 = 1,    // AVX2 + FMA
    LRPS_LEVEL_AVX512 = 2,  // AVX-512F
};

/// The widest level this CPU (and OS) runs.
int lrps_cpu_level(void);

/// Stride-1 convolution of NHWC images with `in` channels straight to NHWC output (no im2col):
/// `y[b, oy, ox, c] = rectify?(sum over ky, kx, i of xpad[b, oy + ky, ox + kx, i] *
/// weight[ky, kx, i, c] + bias[c])`, where `xpad` is `x` (n x h x w x in) with `pads` = top,
/// left, bottom, right rows and columns of `padValue` around it; `weight` is kh x kw x in x
/// channels (C order); `bias` has `channels` values or is NULL; `y` holds n x oh x ow x channels
/// with oh = h + top + bottom - kh + 1 and ow = w + left + right - kw + 1 (both >= 1). The
/// products are summed in (ky, kx, i) order and the bias added last, as the im2col product does;
/// ReLU is Swift's max(v, 0) (NaN stays NaN, -0 becomes 0). `level` above `lrps_cpu_level()` is
/// lowered to it. Returns 0, or -1 if scratch memory (a padded image and the regrouped weights)
/// could not be allocated; then `y` is untouched. A block of output pixels x 32 (AVX-512), 16
/// (AVX2) or 8 (SSE2) output channels is kept in registers and each input value broadcast
/// (ConvolutionChannels.c).
int lrps_conv_nhwc(const float *x, ptrdiff_t n, ptrdiff_t h, ptrdiff_t w, ptrdiff_t in,
                   const float *weight, ptrdiff_t kh, ptrdiff_t kw, ptrdiff_t channels,
                   const float *bias, const ptrdiff_t pads[4], float padValue,
                   int rectify, int level, float *y);

/// The same for one input channel (a pixel layer: `in` = 1, `weight` kh x kw x channels), faster
/// there: output rows in blocks of pixels along the vector lanes, up to 12 output channels at a
/// time (ConvolutionDirect.c). Same result, order of sums and return value.
int lrps_conv_direct(const float *x, ptrdiff_t n, ptrdiff_t h, ptrdiff_t w,
                     const float *weight, ptrdiff_t kh, ptrdiff_t kw, ptrdiff_t channels,
                     const float *bias, const ptrdiff_t pads[4], float padValue,
                     int rectify, int level, float *y);

#endif
