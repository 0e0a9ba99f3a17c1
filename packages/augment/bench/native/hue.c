// The colour kernel's hue rotation (src/wasm-kernels.ts, `hueOp`) as plain C over interleaved RGB floats, for
// bench/native-ceiling.bench.ts: clang vectorises it for AVX2 (8 lanes) and for WebAssembly SIMD (4 lanes), which
// bounds what native code would gain over the shipped kernels. Same formulas in the same order, no contraction
// into fused multiply-adds, so all three give the same bits.

static inline float pmin(float a, float b) { return b < a ? b : a; }
static inline float pmax(float a, float b) { return a < b ? b : a; }
static inline float clamp01(float x) { return pmin(1.0f, pmax(0.0f, x)); }

// Channel n (R 5, G 3, B 1) = v - c clamp(min(k, 4 - k), 0, 1), k = (n + 6h) mod 6.
static inline float channel(float mx, float c, float h6, float n) {
  float k = n + h6;
  k = k - __builtin_floorf(k * (1.0f / 6.0f)) * 6.0f;
  return mx - c * clamp01(pmin(k, 4.0f - k));
}

void hue(float *restrict p, int pixels, float shift6) {
  for (int i = 0; i < pixels; i++) {
    float r = p[3 * i], g = p[3 * i + 1], b = p[3 * i + 2];
    float mx = pmax(pmax(r, g), b);
    float c = mx - pmin(pmin(r, g), b);
    int isR = mx == r, isG = mx == g;
    float base = isR ? 0.0f : isG ? 2.0f : 4.0f;
    float num = isR ? g - b : isG ? b - r : r - g;
    float h6 = base + num / pmax(1e-30f, c) + shift6;
    p[3 * i] = channel(mx, c, h6, 5.0f);
    p[3 * i + 1] = channel(mx, c, h6, 3.0f);
    p[3 * i + 2] = channel(mx, c, h6, 1.0f);
  }
}
