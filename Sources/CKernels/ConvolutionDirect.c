// Direct convolution of one-channel images (a network's pixel layer), stride 1, NHWC output.
//
// Why not im2col + sgemm: the tutorial CNN's pixel layer (one input channel, 5x5 -> 10) is a
// product 25 deep and 10 wide, a shape where BLAS kernels run at a fraction of their peak and the
// columns cost as much memory traffic as the product. Here each image is first copied into a padded
// plane; each output row is then computed in blocks of XB pixels for a
// group of G output channels at once: G x XB accumulators stay in vector registers while the
// kh*kw taps are summed (per tap: XB/width loads of an input row, G weight broadcasts,
// G*XB/width fused multiply-adds), then the block is interleaved into NHWC (through a gather
// table when one group holds all channels) and stored. The loops are plain C over GCC/clang vector types, compiled once per
// instruction set (SSE2, AVX2+FMA, AVX-512) and chosen at run time, so one binary runs on any
// x86-64. (Auto-vectorised scalar loops kept the accumulators in memory: a third of the speed.)

#include "CKernels.h"
#include "Vectors.h"

#include <stdlib.h>
#include <string.h>

// Output channels per group: at most 12 x (XB / width) accumulators, within 16 (SSE2, AVX2) or
// 32 (AVX-512: XB = 32, two registers per channel) vector registers, with room for the input and
// the broadcast weight.
#define MAX_GROUP 12

typedef struct {
    const float *image;   // padded image, `stride` floats per row, XB floats readable past each row
    ptrdiff_t stride;
    const float *weight;  // this group's weights, [kh * kw][G] (past `count`: zero)
    const float *bias;    // this group's bias [G], or NULL
    ptrdiff_t kh, kw, oh, ow;
    ptrdiff_t channels;   // channels per output pixel (all groups)
    ptrdiff_t count;      // this group's real channels (<= G)
    const int *gather;    // [XB * count]: for each interleaved output, its accumulator index
    int rectify;
    float *y;             // the image's output, already offset to this group's first channel
} Job;


// One block of an output row: G channels x NV vectors of W pixels, the accumulators in registers
// (G, NV and W are literals). Then the bias, ReLU as Swift's max(v, 0) (NaN stays NaN, -0 becomes
// 0), and the interleaved NHWC store through `planar`.
#define CONV_BLOCK(G, W, NV, INTERLEAVE)                                                          \
    do {                                                                                          \
        F##W acc[G][NV];                                                                          \
        for (int c = 0; c < G; c++)                                                               \
            for (int v = 0; v < NV; v++) acc[c][v] = (F##W){0};                                   \
        const float *wv = weight;                                                                 \
        for (ptrdiff_t ky = 0; ky < kh; ky++)                                                     \
            for (ptrdiff_t kx = 0; kx < kw; kx++, wv += G) {                                      \
                const float *in = image + (oy + ky) * stride + x0 + kx;                           \
                F##W pixels[NV];                                                                  \
                for (int v = 0; v < NV; v++) pixels[v] = *(const F##W##U *)(in + v * W);          \
                for (int c = 0; c < G; c++) {                                                     \
                    F##W tap = SPLAT##W(wv[c]);                                                   \
                    for (int v = 0; v < NV; v++) acc[c][v] += pixels[v] * tap;                    \
                }                                                                                 \
            }                                                                                     \
        float planar[G][NV * W];                                                                  \
        for (int c = 0; c < G; c++)                                                               \
            for (int v = 0; v < NV; v++) {                                                        \
                F##W sum = bias ? acc[c][v] + SPLAT##W(bias[c]) : acc[c][v];                      \
                if (rectify) sum = (F##W)((F##W##I)sum & ~(sum <= (F##W){0}));                    \
                *(F##W##U *)&planar[c][v * W] = sum;                                              \
            }                                                                                     \
        ptrdiff_t count = ow - x0 < NV * W ? ow - x0 : NV * W;                                    \
        float *out = y + (oy * ow + x0) * channels;                                               \
        if (groupChannels == channels) { /* one group: the block's output is contiguous */        \
            INTERLEAVE(out, &planar[0][0], gather, count * channels);                             \
        } else {                                                                                  \
            for (ptrdiff_t x = 0; x < count; x++)                                                 \
                for (ptrdiff_t c = 0; c < groupChannels; c++)                                     \
                    out[x * channels + c] = planar[c][x];                                         \
        }                                                                                         \
    } while (0)

// out[j] = flat[gather[j]] for j < total. AVX-512 gathers 16 at a time (about 10 % faster here);
// AVX2's gathers were no faster than scalar copies on this Xeon, and are slow on some AMD CPUs.
#define INTERLEAVE_SCALAR(out, flat, gather, total)                                               \
    for (ptrdiff_t j = 0; j < (total); j++) (out)[j] = (flat)[(gather)[j]]

#define CONV_KERNEL(NAME, ATTRIBUTES, G, W, NV, INTERLEAVE)                                       \
    ATTRIBUTES static void NAME(const Job *job) {                                                 \
        const float *image = job->image, *weight = job->weight, *bias = job->bias;                \
        const int *gather = job->gather;                                                          \
        ptrdiff_t stride = job->stride, kh = job->kh, kw = job->kw, oh = job->oh, ow = job->ow;   \
        ptrdiff_t channels = job->channels, groupChannels = job->count;                           \
        int rectify = job->rectify;                                                               \
        float *y = job->y;                                                                        \
        for (ptrdiff_t oy = 0; oy < oh; oy++)                                                     \
            for (ptrdiff_t x0 = 0; x0 < ow; x0 += NV * W) CONV_BLOCK(G, W, NV, INTERLEAVE);       \
    }

typedef void (*Kernel)(const Job *);

// One kernel per group size 1...MAX_GROUP for a level, and a table of them (index G - 1).
#define GROUP_SIZES(X, ...)                                                                       \
    X(1, __VA_ARGS__) X(2, __VA_ARGS__) X(3, __VA_ARGS__) X(4, __VA_ARGS__) X(5, __VA_ARGS__)     \
    X(6, __VA_ARGS__) X(7, __VA_ARGS__) X(8, __VA_ARGS__) X(9, __VA_ARGS__) X(10, __VA_ARGS__)    \
    X(11, __VA_ARGS__) X(12, __VA_ARGS__)
#define GROUP_KERNEL(G, PREFIX, ATTRIBUTES, W, NV, INTERLEAVE)                                    \
    CONV_KERNEL(PREFIX##G, ATTRIBUTES, G, W, NV, INTERLEAVE)
#define GROUP_ENTRY(G, PREFIX) PREFIX##G,
#define CONV_LEVEL(PREFIX, ATTRIBUTES, W, NV, INTERLEAVE)                                         \
    GROUP_SIZES(GROUP_KERNEL, PREFIX, ATTRIBUTES, W, NV, INTERLEAVE)                              \
    static const Kernel PREFIX##s[MAX_GROUP] = {GROUP_SIZES(GROUP_ENTRY, PREFIX)};

// Pixels per block (vector width W x NV vectors per channel): two AVX-512 registers, one AVX2
// register, one SSE2 register per channel.
#define XB_AVX512 32  // 16 x 2
#define XB_AVX2 8     // 8 x 1
#define XB_SSE2 4     // 4 x 1
#define XB_MAX 32

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define INTERLEAVE_AVX512(out, flat, gather, total)                                               \
    do {                                                                                          \
        ptrdiff_t j = 0;                                                                          \
        for (; j + 16 <= (total); j += 16)                                                        \
            _mm512_storeu_ps((out) + j,                                                           \
                             _mm512_i32gather_ps(_mm512_loadu_si512((gather) + j), (flat), 4));   \
        if (j < (total)) {                                                                        \
            __mmask16 rest = (__mmask16)((1u << ((total) - j)) - 1);                              \
            __m512i index = _mm512_maskz_loadu_epi32(rest, (gather) + j);                         \
            _mm512_mask_storeu_ps((out) + j, rest,                                                \
                _mm512_mask_i32gather_ps(_mm512_setzero_ps(), rest, index, (flat), 4));           \
        }                                                                                         \
    } while (0)

CONV_LEVEL(sse2_, __attribute__((target("sse2"))), 4, 1, INTERLEAVE_SCALAR)
CONV_LEVEL(avx2_, __attribute__((target("avx2,fma"))), 8, 1, INTERLEAVE_SCALAR)
CONV_LEVEL(avx512_, __attribute__((target("avx512f,avx2,fma"))), 16, 2, INTERLEAVE_AVX512)
// Output rows of at most 16 pixels (the CNN's second layer: 10) waste less in one register per channel.
CONV_LEVEL(avx512_narrow_, __attribute__((target("avx512f,avx2,fma"))), 16, 1, INTERLEAVE_AVX512)

int lrps_cpu_level(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return LRPS_LEVEL_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return LRPS_LEVEL_AVX2;
    return LRPS_LEVEL_SSE2;
}
#else
CONV_LEVEL(sse2_, , 4, 1, INTERLEAVE_SCALAR)  // plain C for other architectures: the compiler's own vectors
#define avx2_s sse2_s
#define avx512_s sse2_s
#define avx512_narrow_s sse2_s
int lrps_cpu_level(void) { return LRPS_LEVEL_SSE2; }
#endif

int lrps_conv_direct(const float *x, ptrdiff_t n, ptrdiff_t h, ptrdiff_t w,
                     const float *weight, ptrdiff_t kh, ptrdiff_t kw, ptrdiff_t channels,
                     const float *bias, const ptrdiff_t pads[4], float padValue,
                     int rectify, int level, float *y) {
    int cpu = lrps_cpu_level();
    if (level > cpu) level = cpu;
    const Kernel *kernels = level == LRPS_LEVEL_AVX512 ? avx512_s : level == LRPS_LEVEL_AVX2 ? avx2_s : sse2_s;
    ptrdiff_t xb = level == LRPS_LEVEL_AVX512 ? XB_AVX512 : level == LRPS_LEVEL_AVX2 ? XB_AVX2 : XB_SSE2;
    if (level == LRPS_LEVEL_AVX512 && w + pads[1] + pads[3] - kw + 1 <= 16) {
        kernels = avx512_narrow_s;
        xb = 16;
    }

    ptrdiff_t hp = h + pads[0] + pads[2], wp = w + pads[1] + pads[3];
    ptrdiff_t oh = hp - kh + 1, ow = wp - kw + 1;
    if (n <= 0 || oh <= 0 || ow <= 0 || channels <= 0) return 0;
    // Balanced groups: 10 channels are one group of 10, 16 two of 8, 25 three of 9 (one padded).
    ptrdiff_t groups = (channels + MAX_GROUP - 1) / MAX_GROUP;
    ptrdiff_t g = (channels + groups - 1) / groups;
    ptrdiff_t taps = kh * kw;
    // The padded image: blocks read up to XB pixels past the last output column.
    ptrdiff_t stride = wp + XB_MAX;
    size_t imageFloats = (size_t)hp * (size_t)stride;
    size_t weightFloats = (size_t)groups * (size_t)(taps * g + g);
    float *image = malloc(imageFloats * sizeof(float));
    float *grouped = calloc(weightFloats, sizeof(float));
    int *gather = malloc((size_t)(XB_MAX * MAX_GROUP) * sizeof(int));
    if (!image || !grouped || !gather) {
        free(image); free(grouped); free(gather);
        return -1;
    }
    // Each group's weights [tap][g] and bias [g], zero past its real channels.
    for (ptrdiff_t k = 0; k < groups; k++) {
        float *gw = grouped + k * (taps * g + g);
        ptrdiff_t first = k * g, count = channels - first < g ? channels - first : g;
        for (ptrdiff_t t = 0; t < taps; t++)
            for (ptrdiff_t c = 0; c < count; c++) gw[t * g + c] = weight[t * channels + first + c];
        if (bias)
            for (ptrdiff_t c = 0; c < count; c++) gw[taps * g + c] = bias[first + c];
    }
    // Interleaving one group that covers all channels: output j of a block is pixel j / channels,
    // channel j % channels, that is acc[channel][pixel].
    for (ptrdiff_t j = 0; j < xb * channels && groups == 1; j++)
        gather[j] = (int)((j % channels) * xb + j / channels);
    // The padding rows and columns, and the slack past each row, never change between images.
    for (size_t i = 0; i < imageFloats; i++) image[i] = padValue;

    for (ptrdiff_t b = 0; b < n; b++) {
        const float *src = x + b * h * w;
        for (ptrdiff_t iy = 0; iy < h; iy++)
            memcpy(image + (iy + pads[0]) * stride + pads[1], src + iy * w, (size_t)w * sizeof(float));
        for (ptrdiff_t k = 0; k < groups; k++) {
            ptrdiff_t first = k * g;
            Job job = {
                .image = image, .stride = stride,
                .weight = grouped + k * (taps * g + g),
                .bias = bias ? grouped + k * (taps * g + g) + taps * g : NULL,
                .kh = kh, .kw = kw, .oh = oh, .ow = ow,
                .channels = channels, .count = channels - first < g ? channels - first : g,
                .gather = gather, .rectify = rectify,
                .y = y + b * oh * ow * channels + first,
            };
            kernels[g - 1](&job);
        }
    }
    free(image); free(grouped); free(gather);
    return 0;
}
