// Direct convolution of multi-channel NHWC images, stride 1, NHWC output.
//
// Why not im2col + sgemm: for the small layers of MNIST-sized networks (the tutorial CNN's second
// convolution: 5x5x10 -> 25 on 14x14) the columns are 25 times the input, written and read once
// per image, and the product is only 25 wide, where BLAS kernels run well below their peak. Here
// each output row is computed in blocks of P pixels x one group of NV vectors of output channels:
// the P x NV accumulators stay in vector registers while the kh x kw x in products are summed
// (per input value: one broadcast, NV weight loads shared by the P pixels, P x NV fused
// multiply-adds), then the bias is added, the block rectified if asked, and stored into NHWC.
// Plain C with vector extensions, compiled once per instruction set (SSE2, AVX2+FMA, AVX-512)
// and chosen at run time, so one binary runs on any x86-64.

#include "CKernels.h"
#include "Vectors.h"

#include <stdlib.h>
#include <string.h>


typedef struct {
    const float *image;    // padded image, `stride` pixels per row, P pixels readable past each row
    ptrdiff_t stride, in;  // pixels per padded row; input channels per pixel
    const float *weight;   // this group's weights [kh * kw * in][NV * W], zero past `count`
    const float *bias;     // this group's bias [NV * W], or NULL
    ptrdiff_t kh, kw, oh, ow;
    ptrdiff_t channels;    // output channels per pixel (all groups)
    ptrdiff_t count;       // this group's real channels
    int rectify;
    float *y;              // the image's output, offset to this group's first channel
} ChannelJob;

// One block: P pixels x NV vectors of W channels (literals), accumulated in registers.
#define CHANNEL_BLOCK(W, NV, P)                                                                   \
    do {                                                                                          \
        F##W acc[P][NV];                                                                          \
        for (int p = 0; p < P; p++)                                                               \
            for (int v = 0; v < NV; v++) acc[p][v] = (F##W){0};                                   \
        for (ptrdiff_t ky = 0; ky < kh; ky++)                                                     \
            for (ptrdiff_t kx = 0; kx < kw; kx++) {                                               \
                const float *pixel = image + ((oy + ky) * stride + x0 + kx) * in;                 \
                const float *tap = weight + (ky * kw + kx) * in * (NV * W);                       \
                for (ptrdiff_t c = 0; c < in; c++) {                                              \
                    F##W wv[NV];                                                                  \
                    for (int v = 0; v < NV; v++) wv[v] = *(const F##W *)(tap + c * (NV * W) + v * W); \
                    for (int p = 0; p < P; p++) {                                                 \
                        F##W s = SPLAT##W(pixel[p * in + c]);                                     \
                        for (int v = 0; v < NV; v++) acc[p][v] += s * wv[v];                      \
                    }                                                                             \
                }                                                                                 \
            }                                                                                     \
        ptrdiff_t pixels = ow - x0 < P ? ow - x0 : P;                                             \
        for (ptrdiff_t p = 0; p < pixels; p++) {                                                  \
            float block[NV * W];                                                                  \
            for (int v = 0; v < NV; v++) {                                                        \
                F##W sum = acc[p][v];                                                             \
                if (bias) sum += *(const F##W *)(bias + v * W);                                   \
                if (rectify) sum = (F##W)((F##W##I)sum & ~(sum <= (F##W){0})); /* as max(v, 0) */ \
                *(F##W##U *)&block[v * W] = sum;                                                  \
            }                                                                                     \
            memcpy(y + (oy * ow + x0 + p) * channels, block, (size_t)count * sizeof(float));      \
        }                                                                                         \
    } while (0)

#define CHANNEL_KERNEL(NAME, ATTRIBUTES, W, NV, P)                                                \
    ATTRIBUTES static void NAME(const ChannelJob *job) {                                          \
        const float *image = job->image, *weight = job->weight, *bias = job->bias;                \
        ptrdiff_t stride = job->stride, in = job->in, kh = job->kh, kw = job->kw;                 \
        ptrdiff_t oh = job->oh, ow = job->ow, channels = job->channels, count = job->count;      \
        int rectify = job->rectify;                                                               \
        float *y = job->y;                                                                        \
        for (ptrdiff_t oy = 0; oy < oh; oy++)                                                     \
            for (ptrdiff_t x0 = 0; x0 < ow; x0 += P) CHANNEL_BLOCK(W, NV, P);                      \
    }

// Registers: P x NV accumulators + NV weights + 1 broadcast, within 16 (SSE2, AVX2) or 32
// (AVX-512). One kernel per block width P, so a row of `ow` pixels splits with little waste
// (the tutorial's 10-pixel rows are one block of 10 with AVX-512, two of 5 otherwise).
#define LANES_AVX512 32   // 16 x 2
#define LANES_AVX2 16     // 8 x 2
#define LANES_SSE2 8      // 4 x 2
#define PIXELS_AVX512 12
#define PIXELS_NARROW 6
#define PIXELS_MAX 12

typedef void (*ChannelKernel)(const ChannelJob *);

// One kernel per block width 1...6 (or 1...12) for a level, and a table of them (index P - 1).
#define WIDTHS_6(X, ...) X(1, __VA_ARGS__) X(2, __VA_ARGS__) X(3, __VA_ARGS__) X(4, __VA_ARGS__) \
    X(5, __VA_ARGS__) X(6, __VA_ARGS__)
#define WIDTHS_12(X, ...) WIDTHS_6(X, __VA_ARGS__) X(7, __VA_ARGS__) X(8, __VA_ARGS__)           \
    X(9, __VA_ARGS__) X(10, __VA_ARGS__) X(11, __VA_ARGS__) X(12, __VA_ARGS__)
#define WIDTH_KERNEL(P, PREFIX, ATTRIBUTES, W) CHANNEL_KERNEL(PREFIX##P, ATTRIBUTES, W, 2, P)
#define WIDTH_ENTRY(P, PREFIX) PREFIX##P,
#define CHANNEL_LEVEL(WIDTHS, PREFIX, ATTRIBUTES, W)                                              \
    WIDTHS(WIDTH_KERNEL, PREFIX, ATTRIBUTES, W)                                                   \
    static const ChannelKernel PREFIX##s[] = {WIDTHS(WIDTH_ENTRY, PREFIX)};

#if defined(__x86_64__) || defined(__i386__)
CHANNEL_LEVEL(WIDTHS_6, channels_sse2_, __attribute__((target("sse2"))), 4)
CHANNEL_LEVEL(WIDTHS_6, channels_avx2_, __attribute__((target("avx2,fma"))), 8)
CHANNEL_LEVEL(WIDTHS_12, channels_avx512_, __attribute__((target("avx512f,avx2,fma"))), 16)
#else
CHANNEL_LEVEL(WIDTHS_6, channels_sse2_, , 4)
#endif

// The block width for rows of `ow` pixels: the whole row if it fits, else the width in the upper
// half of what the registers allow that leaves the fewest unused pixels in the last block.
static ptrdiff_t blockWidth(ptrdiff_t ow, ptrdiff_t most) {
    if (ow <= most) return ow;
    ptrdiff_t best = most, waste = (ow + most - 1) / most * most - ow;
    for (ptrdiff_t p = most - 1; p > most / 2; p--) {
        ptrdiff_t w = (ow + p - 1) / p * p - ow;
        if (w < waste) { best = p; waste = w; }
    }
    return best;
}

int lrps_conv_nhwc(const float *x, ptrdiff_t n, ptrdiff_t h, ptrdiff_t w, ptrdiff_t in,
                   const float *weight, ptrdiff_t kh, ptrdiff_t kw, ptrdiff_t channels,
                   const float *bias, const ptrdiff_t pads[4], float padValue,
                   int rectify, int level, float *y) {
    int cpu = lrps_cpu_level();
    if (level > cpu) level = cpu;
#if defined(__x86_64__) || defined(__i386__)
    const ChannelKernel *kernels = level == LRPS_LEVEL_AVX512 ? channels_avx512_s
        : level == LRPS_LEVEL_AVX2 ? channels_avx2_s : channels_sse2_s;
    ptrdiff_t lanes = level == LRPS_LEVEL_AVX512 ? LANES_AVX512 : level == LRPS_LEVEL_AVX2 ? LANES_AVX2 : LANES_SSE2;
    ptrdiff_t most = level == LRPS_LEVEL_AVX512 ? PIXELS_AVX512 : PIXELS_NARROW;
#else
    const ChannelKernel *kernels = channels_sse2_s;
    ptrdiff_t lanes = LANES_SSE2, most = PIXELS_NARROW;
#endif

    ptrdiff_t hp = h + pads[0] + pads[2], wp = w + pads[1] + pads[3];
    ptrdiff_t oh = hp - kh + 1, ow = wp - kw + 1;
    if (n <= 0 || oh <= 0 || ow <= 0 || channels <= 0 || in <= 0) return 0;
    ChannelKernel kernel = kernels[blockWidth(ow, most) - 1];
    ptrdiff_t groups = (channels + lanes - 1) / lanes;
    ptrdiff_t depth = kh * kw * in;
    // Padded image: blocks read up to P pixels past the last output column.
    ptrdiff_t stride = wp + PIXELS_MAX;
    size_t imageFloats = (size_t)hp * (size_t)stride * (size_t)in;
    size_t groupFloats = (size_t)(depth + 1) * (size_t)lanes;
    float *image = malloc(imageFloats * sizeof(float));
    float *grouped = aligned_alloc(64, ((groups * groupFloats * sizeof(float)) + 63) / 64 * 64);
    if (!image || !grouped) {
        free(image); free(grouped);
        return -1;
    }
    memset(grouped, 0, groups * groupFloats * sizeof(float));
    for (ptrdiff_t k = 0; k < groups; k++) {
        float *gw = grouped + k * groupFloats;
        ptrdiff_t first = k * lanes, count = channels - first < lanes ? channels - first : lanes;
        for (ptrdiff_t d = 0; d < depth; d++)
            memcpy(gw + d * lanes, weight + d * channels + first, (size_t)count * sizeof(float));
        if (bias) memcpy(gw + depth * lanes, bias + first, (size_t)count * sizeof(float));
    }
    for (size_t i = 0; i < imageFloats; i++) image[i] = padValue;

    for (ptrdiff_t b = 0; b < n; b++) {
        const float *src = x + b * h * w * in;
        for (ptrdiff_t iy = 0; iy < h; iy++)
            memcpy(image + ((iy + pads[0]) * stride + pads[1]) * in, src + iy * w * in, (size_t)(w * in) * sizeof(float));
        for (ptrdiff_t k = 0; k < groups; k++) {
            ptrdiff_t first = k * lanes;
            ChannelJob job = {
                .image = image, .stride = stride, .in = in,
                .weight = grouped + k * groupFloats,
                .bias = bias ? grouped + k * groupFloats + depth * lanes : NULL,
                .kh = kh, .kw = kw, .oh = oh, .ow = ow,
                .channels = channels, .count = channels - first < lanes ? channels - first : lanes,
                .rectify = rectify,
                .y = y + b * oh * ow * channels + first,
            };
            kernel(&job);
        }
    }
    free(image); free(grouped);
    return 0;
}
