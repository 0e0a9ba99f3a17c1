// Per-dimension standardisation of features with statistics from the train split only.

/** Per-dimension mean and standard deviation of (n, dim) features, accumulated in float64. */
export interface FeatureStatistics {
  mean: Float32Array;
  std: Float32Array;
}

/** Mean and standard deviation of each column of row-major (n, dim) features; constant columns get std 1. */
export function featureStatistics(features: Float32Array, dim: number): FeatureStatistics {
  const n = features.length / dim;
  const sum = new Float64Array(dim);
  const sumSq = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const row = i * dim;
    for (let j = 0; j < dim; j++) sum[j] += features[row + j];
  }
  const mean = new Float32Array(dim);
  for (let j = 0; j < dim; j++) mean[j] = sum[j] / n;
  for (let i = 0; i < n; i++) {
    const row = i * dim;
    for (let j = 0; j < dim; j++) {
      const d = features[row + j] - mean[j];
      sumSq[j] += d * d;
    }
  }
  const std = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    const s = Math.sqrt(sumSq[j] / n);
    // A dead (constant) feature carries no information; scaling it by 1 keeps it at zero instead of dividing by ~0.
    std[j] = s > 1e-6 ? s : 1;
  }
  return { mean, std };
}

/** (x - mean) / std of row-major (n, dim) features, as a new array. */
export function standardize(features: Float32Array, stats: FeatureStatistics): Float32Array {
  const dim = stats.mean.length;
  const out = new Float32Array(features.length);
  for (let i = 0; i < features.length; i += dim) {
    for (let j = 0; j < dim; j++) out[i + j] = (features[i + j] - stats.mean[j]) / stats.std[j];
  }
  return out;
}
