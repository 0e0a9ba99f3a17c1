// Input gradient of an NHWC 2-D convolution, as a blocked GEMM plus col2im with WebAssembly SIMD.
//
// dx[n][oy*sh + ky - pt][ox*sw + kx - pl][ci] += sum over co of dy[n][oy][ox][co] * w[ky][kx][ci][co]
//
// For a block of output positions p, cols = dy_block (P x CO) times w^T (CO x M, M = KH*KW*C) is each
// position's contribution to its input window; col2im then adds the windows into dx. The GEMM's reduction
// (CO) is short and its output is blocked, so the operands stay in cache; any stride costs the same,
// where the shipped kernel is a scalar loop and a composition of XNNPACK convolutions pays for the
// zero taps of every stride phase.
//
// Build: packages/trainer/native/build.sh. Every pointer is a byte offset into the module's memory.
#include "tile-4x8.h"

// cols[r][0..8) = sum_k a[k][r] * b[k][0..8) for the 4 positions of the panel a ([co][4]) and the 8
// filter rows of the panel b ([co][8]).
__attribute__((noinline)) static void tile(const float *a, const float *b, int co, float *cols, int ldc) {
  const Tile4x8 t = tile_4x8(a, b, co);
  const v128_t *acc[MR] = {t.r0, t.r1, t.r2, t.r3};
  for (int r = 0; r < MR; r++) {
    wasm_v128_store(cols + r * ldc, acc[r][0]);
    wasm_v128_store(cols + r * ldc + 4, acc[r][1]);
  }
}

// Adds each position's window (a row of cols) into dx, skipping the taps that fall in the padding.
__attribute__((noinline)) static void col2im(const float *cols, int ldc, int p0, int count, float *dx,
    int h, int w, int c, int oh, int ow, int kh, int kw, int sh, int sw, int pt, int pl) {
  const int perImage = oh * ow;
  for (int q = 0; q < count; q++) {
    const int p = p0 + q;
    const int n = p / perImage;
    const int rest = p - n * perImage;
    const int oy = rest / ow;
    const int ox = rest - oy * ow;
    const float *row = cols + (long)q * ldc;
    for (int ky = 0; ky < kh; ky++) {
      const int iy = oy * sh + ky - pt;
      if (iy < 0 || iy >= h) continue;
      for (int kx = 0; kx < kw; kx++) {
        const int ix = ox * sw + kx - pl;
        if (ix < 0 || ix >= w) continue;
        float *dst = dx + (((long)n * h + iy) * w + ix) * c;
        const float *src = row + (ky * kw + kx) * c;
        for (int ci = 0; ci < c; ci++) dst[ci] += src[ci];
      }
    }
  }
}

// Writes dx ([N][H][W][C]) for dy ([N][OH][OW][CO]) and w ([KH][KW][C][CO]). Scratch: pa holds
// ceil(block/4)*4*CO floats, pb ceil(M/8)*8*CO, cols ceil(block/4)*4*ceil(M/8)*8.
__attribute__((export_name("input_grad")))
void input_grad(const float *dy, const float *w, float *dx, float *pa, float *pb, float *cols, int block,
    int n, int h, int wd, int c, int oh, int ow, int co, int kh, int kw, int sh, int sw, int pt, int pl) {
  const int m = kh * kw * c;
  const int mPanels = (m + NR - 1) / NR;
  const int ldc = mPanels * NR;
  for (int j = 0; j < mPanels; j++) {
    for (int k = 0; k < co; k++) {
      for (int t = 0; t < NR; t++) {
        const int row = j * NR + t;
        pb[((long)j * co + k) * NR + t] = row < m ? w[(long)row * co + k] : 0.0f;
      }
    }
  }
  const long size = (long)n * h * wd * c;
  for (long i = 0; i < size; i++) dx[i] = 0.0f;
  const int positions = n * oh * ow;
  for (int start = 0; start < positions; start += block) {
    const int count = positions - start < block ? positions - start : block;
    const int groups = (count + MR - 1) / MR;
    for (int g = 0; g < groups; g++) {
      float *dst = pa + (long)g * co * MR;
      for (int r = 0; r < MR; r++) {
        const int q = g * MR + r;
        const float *src = dy + (long)(start + q) * co;
        if (q < count) {
          for (int k = 0; k < co; k++) dst[k * MR + r] = src[k];
        } else {
          for (int k = 0; k < co; k++) dst[k * MR + r] = 0.0f;
        }
      }
    }
    // Filter panel outermost: it stays in L1 while the block's dy panels stream from L2.
    for (int j = 0; j < mPanels; j++) {
      for (int g = 0; g < groups; g++) {
        tile(pa + (long)g * co * MR, pb + (long)j * co * NR, co, cols + (long)g * MR * ldc + j * NR, ldc);
      }
    }
    col2im(cols, ldc, start, count, dx, h, wd, c, oh, ow, kh, kw, sh, sw, pt, pl);
  }
}
