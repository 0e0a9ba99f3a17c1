// Public surface of @twinflow/cli: the program (for embedding or testing), the option schemas, and the
// report renderer (usable on any run directory).
export { createProgram, TwinflowCommand } from './program.js';
export { CliError } from './errors.js';
export { addSchemaOptions, readConfigFile, resolveConfig } from './config.js';
export type { FlagSpec, FlagTable } from './config.js';
export { pretrainSchema } from './commands/pretrain.js';
export type { PretrainConfig } from './commands/pretrain.js';
export { probeSchema } from './commands/probe.js';
export { knnSchema } from './commands/knn.js';
export { quickstartSchema } from './commands/quickstart.js';
export { readReportData, writeReport, parseMetrics } from './commands/report.js';
export { renderReportHtml } from './report/report-html.js';
export type { ReportData, ResultRow, StepPoint } from './report/report-html.js';
export { barChart, lineChart } from './report/svg-chart.js';
export type { PluginMethodOptions } from './pretrain-run.js';
export { buildPipeline } from './pipelines.js';
export type { PipelineOptions, PresetName } from './pipelines.js';
export { runPaths } from './run-dir.js';
export type { RunPaths } from './run-dir.js';
