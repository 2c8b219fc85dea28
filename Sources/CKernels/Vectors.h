// The vector types the kernels are written in: GCC/clang vector extensions, so the same code
// compiles to SSE2, AVX2 or AVX-512 registers in each function's target. Vectors of 4, 8 and 16
// floats, their unaligned (`U`) and integer (`I`) forms, and a broadcast (`SPLAT`).
#ifndef LRPS_CKERNELS_VECTORS_H
#define LRPS_CKERNELS_VECTORS_H

typedef float F4 __attribute__((vector_size(16)));
typedef float F8 __attribute__((vector_size(32)));
typedef float F16 __attribute__((vector_size(64)));
typedef float F4U __attribute__((vector_size(16), aligned(4)));
typedef float F8U __attribute__((vector_size(32), aligned(4)));
typedef float F16U __attribute__((vector_size(64), aligned(4)));
typedef int F4I __attribute__((vector_size(16)));
typedef int F8I __attribute__((vector_size(32)));
typedef int F16I __attribute__((vector_size(64)));
#define SPLAT4(s) ((F4){s, s, s, s})
#define SPLAT8(s) ((F8){s, s, s, s, s, s, s, s})
#define SPLAT16(s) ((F16){s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s})

#endif
