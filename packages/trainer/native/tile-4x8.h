// The register tile both convolution gradients share: a 4 x 8 block of a GEMM, accumulated over a
// reduction of `count` steps from a 4-wide panel a ([count][4]) and an 8-wide panel b ([count][8]).
// Eight v128 accumulators plus three operands fit the 16 SIMD registers V8 allocates on x64.
#include <wasm_simd128.h>

#define MR 4
#define NR 8

typedef struct {
  v128_t r0[2], r1[2], r2[2], r3[2];
} Tile4x8;

static inline Tile4x8 tile_4x8(const float *a, const float *b, int count) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int q = 0; q < count; q++) {
    const v128_t va = wasm_v128_load(a + q * MR);
    const v128_t b0 = wasm_v128_load(b + q * NR);
    const v128_t b1 = wasm_v128_load(b + q * NR + 4);
    const v128_t a0 = wasm_i32x4_shuffle(va, va, 0, 0, 0, 0);
    const v128_t a1 = wasm_i32x4_shuffle(va, va, 1, 1, 1, 1);
    const v128_t a2 = wasm_i32x4_shuffle(va, va, 2, 2, 2, 2);
    const v128_t a3 = wasm_i32x4_shuffle(va, va, 3, 3, 3, 3);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a0, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a0, b1));
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a1, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a1, b1));
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a2, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a2, b1));
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a3, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a3, b1));
  }
  const Tile4x8 t = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
  return t;
}
