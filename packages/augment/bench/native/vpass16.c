// A first 16-bit version of the vertical resampling pass (src/wasm-kernels.ts `vpassK`), for
// bench/native-ceiling.bench.ts: bytes widened to 16 bits, weights in Q14, two taps per i32x4.dot_i16x8_s (as
// Pillow-SIMD uses _mm_madd_epi16), sums converted to floats at the end. Compiled by clang, not hand-tuned.
// Rounding the weights to Q14 moves outputs by up to about 5e-5 (the float kernels hold 1e-5 to torchvision).
#include <wasm_simd128.h>

void vpass16(float *dst, const unsigned char *src, int stride, int n, const int *first, const short *wq, int k, int rows) {
  const v128_t scale = wasm_f32x4_splat(1.0f / (255.0f * 16384.0f));
  for (int o = 0; o < rows; o++) {
    const unsigned char *base = src + first[o] * stride;
    const short *w = wq + o * k;
    float *out = dst + o * n;
    for (int i = 0; i < n; i += 16) {
      v128_t a0 = wasm_i32x4_splat(0), a1 = a0, a2 = a0, a3 = a0;
      int t = 0;
      for (; t + 1 < k; t += 2) {
        v128_t x = wasm_v128_load(base + t * stride + i), y = wasm_v128_load(base + (t + 1) * stride + i);
        v128_t xl = wasm_u16x8_extend_low_u8x16(x), xh = wasm_u16x8_extend_high_u8x16(x);
        v128_t yl = wasm_u16x8_extend_low_u8x16(y), yh = wasm_u16x8_extend_high_u8x16(y);
        v128_t wp = wasm_i32x4_splat((unsigned short)w[t] | ((int)w[t + 1] << 16));
        a0 = wasm_i32x4_add(a0, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(xl, yl, 0, 8, 1, 9, 2, 10, 3, 11), wp));
        a1 = wasm_i32x4_add(a1, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(xl, yl, 4, 12, 5, 13, 6, 14, 7, 15), wp));
        a2 = wasm_i32x4_add(a2, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(xh, yh, 0, 8, 1, 9, 2, 10, 3, 11), wp));
        a3 = wasm_i32x4_add(a3, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(xh, yh, 4, 12, 5, 13, 6, 14, 7, 15), wp));
      }
      if (t < k) {
        v128_t x = wasm_v128_load(base + t * stride + i);
        v128_t xl = wasm_u16x8_extend_low_u8x16(x), xh = wasm_u16x8_extend_high_u8x16(x);
        v128_t z = wasm_i32x4_splat(0);
        v128_t wp = wasm_i32x4_splat((unsigned short)w[t]);
        a0 = wasm_i32x4_add(a0, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(xl, z, 0, 8, 1, 9, 2, 10, 3, 11), wp));
        a1 = wasm_i32x4_add(a1, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(xl, z, 4, 12, 5, 13, 6, 14, 7, 15), wp));
        a2 = wasm_i32x4_add(a2, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(xh, z, 0, 8, 1, 9, 2, 10, 3, 11), wp));
        a3 = wasm_i32x4_add(a3, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(xh, z, 4, 12, 5, 13, 6, 14, 7, 15), wp));
      }
      wasm_v128_store(out + i, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(a0), scale));
      wasm_v128_store(out + i + 4, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(a1), scale));
      wasm_v128_store(out + i + 8, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(a2), scale));
      wasm_v128_store(out + i + 12, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(a3), scale));
    }
  }
}
