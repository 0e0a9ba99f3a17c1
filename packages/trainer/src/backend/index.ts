export { backendNames, loadBackend } from './load-backend.js';
export type { BackendAttempt, BackendName, BackendReport, LoadBackendOptions } from './load-backend.js';
export { BackendUnavailableError } from '../errors.js';
export { registerWasmKernels, wasmKernelConfigs } from './wasm-kernels/index.js';
export { chunkedGradients } from './chunked-gradients.js';
export type { ChunkedGradientsOptions } from './chunked-gradients.js';
