// @twinflow/eval: linear probe and weighted k-NN evaluation of a frozen encoder, with baselines.
export { collectBatches, eachBatch, viewTensor } from './batch.js';
export type { BatchSource, LabelledBatch } from './batch.js';
export { batchNormLayers, batchNormStatistics, recomputeBatchNormStatistics } from './batch-norm.js';
export { randomInitBaseline, rawPixelBaseline } from './baselines.js';
export type { BaselineOptions, BaselineResult, RandomInitBaselineResult } from './baselines.js';
export { freshCopy, loadEncoderWeights } from './checkpoint.js';
export { resolveClassCount } from './classes.js';
export {
  ArchitectureMismatchError, ClassCountMismatchError, EvalError, EvalOptionError, MissingLabelError, ShapeMismatchError,
} from './errors.js';
export { evaluateEncoder } from './evaluate.js';
export type { EvaluateOptions } from './evaluate.js';
export { encodeBatch, extractFeatures, rawPixelFeatures } from './features.js';
export type { ExtractOptions, FeatureSet } from './features.js';
export { KnnMonitor, knn, knnVotes } from './knn.js';
export type { KnnMonitorEntry, KnnMonitorOptions, KnnOptions, KnnResult } from './knn.js';
export { LinearClassifier } from './linear-classifier.js';
export type { LinearClassifierOptions } from './linear-classifier.js';
export { linearProbe, linearProbeAugmented, probePresets } from './linear-probe.js';
export type { AugmentedTrain, ProbeOptions, ProbeProtocol, ProbeResult, ProbeSchedule } from './linear-probe.js';
export { OnlineProbe } from './online-probe.js';
export type { OnlineProbeMetrics, OnlineProbeOptions } from './online-probe.js';
export { baselineFlags, formatTable, writeEvalJson } from './report.js';
export type { EvalReport, PretrainInfo } from './report.js';
export { assertSameSamples, splitIdentity } from './split.js';
export type { SplitIdentity } from './split.js';
export { featureStatistics, standardize } from './standardize.js';
export type { FeatureStatistics } from './standardize.js';
export { withEvalMonitors } from './monitor.js';
export type { EvalMonitorOptions, MonitoredMethod } from './monitor.js';
