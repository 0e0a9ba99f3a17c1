// Filter gradient of an NHWC 2-D convolution, as a blocked GEMM with WebAssembly SIMD.
//
// dW[ky][kx][ci][co] = sum over positions p = (n, oy, ox) of
//                      x[n][oy*sh + ky - pt][ox*sw + kx - pl][ci] * dy[n][oy][ox][co]
//
// i.e. dW (as an M x CO matrix, M = KH*KW*C) = A^T B, where row p of A is the im2col patch of position p
// and row p of B is dy at p. The reduction runs over every output position of the batch (100k+), which is
// the dimension XNNPACK's convolution does not block; here it is cut into blocks of P positions whose A
// and B panels are packed contiguously so that the inner loop streams from L1/L2.
//
// Build: packages/trainer/native/build.sh (clang --target=wasm32 -msimd128). Every pointer is a byte
// offset into the module's (imported, shared) memory; the caller zeroes dw, which is accumulated into so
// that partial sums over disjoint position ranges (one per thread) can be added.
#include "tile-4x8.h"

typedef struct {
  int n, h, w, c, oh, ow, co, kh, kw, sh, sw, pt, pl;
} Geometry;

// Packs positions [p0, p0 + count) into A panels [M/4][count][4] (zeros for padding taps and for the
// rows past M) and B panels [CO/8][count][8] (zeros past CO).
__attribute__((noinline)) static void pack(const Geometry *g, const float *x, const float *dy, int p0, int count, float *pa, float *pb) {
  const int m = g->kh * g->kw * g->c;
  const int mPanels = (m + MR - 1) / MR;
  const int nPanels = (g->co + NR - 1) / NR;
  const int perImage = g->oh * g->ow;
  for (int i = 0; i < mPanels * count * MR; i++) pa[i] = 0.0f;
  for (int q = 0; q < count; q++) {
    const int p = p0 + q;
    const int n = p / perImage;
    const int rest = p - n * perImage;
    const int oy = rest / g->ow;
    const int ox = rest - oy * g->ow;
    for (int ky = 0; ky < g->kh; ky++) {
      const int iy = oy * g->sh + ky - g->pt;
      if (iy < 0 || iy >= g->h) continue;
      for (int kx = 0; kx < g->kw; kx++) {
        const int ix = ox * g->sw + kx - g->pl;
        if (ix < 0 || ix >= g->w) continue;
        const float *src = x + (((long)n * g->h + iy) * g->w + ix) * g->c;
        const int base = (ky * g->kw + kx) * g->c;
        for (int ci = 0; ci < g->c; ci++) {
          const int row = base + ci;
          pa[((row / MR) * count + q) * MR + (row % MR)] = src[ci];
        }
      }
    }
    const float *d = dy + (long)p * g->co;
    for (int j = 0; j < nPanels; j++) {
      float *dst = pb + ((long)j * count + q) * NR;
      for (int t = 0; t < NR; t++) {
        const int col = j * NR + t;
        dst[t] = col < g->co ? d[col] : 0.0f;
      }
    }
  }
}

// out[r][c] += sum_q a[q][r] * b[q][c] for the MR x NR tile (only rows < rows and cols < cols exist).
__attribute__((noinline)) static void tile(const float *a, const float *b, int count, float *out, int ldo, int rows, int cols) {
  const Tile4x8 t = tile_4x8(a, b, count);
  const v128_t *acc[MR] = {t.r0, t.r1, t.r2, t.r3};
  if (rows == MR && cols == NR) {
    for (int r = 0; r < MR; r++) {
      float *o = out + r * ldo;
      wasm_v128_store(o, wasm_f32x4_add(wasm_v128_load(o), acc[r][0]));
      wasm_v128_store(o + 4, wasm_f32x4_add(wasm_v128_load(o + 4), acc[r][1]));
    }
    return;
  }
  // Edge tile (rows past M or columns past CO): add only the lanes that exist.
  for (int r = 0; r < rows; r++) {
    for (int c = 0; c < cols; c++) {
      const v128_t v = acc[r][c / 4];
      float s;
      switch (c % 4) {
        case 0: s = wasm_f32x4_extract_lane(v, 0); break;
        case 1: s = wasm_f32x4_extract_lane(v, 1); break;
        case 2: s = wasm_f32x4_extract_lane(v, 2); break;
        default: s = wasm_f32x4_extract_lane(v, 3); break;
      }
      out[r * ldo + c] += s;
    }
  }
}

// Accumulates into dw ([KH][KW][C][CO]) the filter gradient over positions [p0, p1). pa needs
// ceil(M/4)*4*block floats and pb ceil(CO/8)*8*block floats.
__attribute__((export_name("filter_grad")))
void filter_grad(const float *x, const float *dy, float *dw, float *pa, float *pb, int block, int p0, int p1,
    int n, int h, int w, int c, int oh, int ow, int co, int kh, int kw, int sh, int sw, int pt, int pl) {
  const Geometry g = {n, h, w, c, oh, ow, co, kh, kw, sh, sw, pt, pl};
  const int m = kh * kw * c;
  const int mPanels = (m + MR - 1) / MR;
  const int nPanels = (co + NR - 1) / NR;
  for (int start = p0; start < p1; start += block) {
    const int count = p1 - start < block ? p1 - start : block;
    pack(&g, x, dy, start, count, pa, pb);
    for (int i = 0; i < mPanels; i++) {
      const int rows = m - i * MR < MR ? m - i * MR : MR;
      const float *a = pa + (long)i * count * MR;
      for (int j = 0; j < nPanels; j++) {
        const int cols = co - j * NR < NR ? co - j * NR : NR;
        tile(a, pb + (long)j * count * NR, count, dw + (long)i * MR * co + j * NR, co, rows, cols);
      }
    }
  }
}
