// Every error class and message of @twinflow/stream comes from this module, so the wording lives in one place.

/** Base class: `instanceof StreamError` catches every error this package throws on purpose. */
export class StreamError extends Error {
  override name = 'StreamError';
}

/** An option had the wrong type or range; the message names the option path (`options.batchSize`). */
export class StreamOptionError extends StreamError {
  override name = 'StreamOptionError';
}

/** One sample could not be decoded or augmented; carries the sample key and the shard URL it came from. */
export class SampleError extends StreamError {
  override name = 'SampleError';
  constructor(
    message: string,
    readonly key: string,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A worker thread died twice on the same sample (the first death is retried on a fresh worker). */
export class WorkerCrashError extends SampleError {
  override name = 'WorkerCrashError';
}

/** The pipeline's views of one sample do not have the shape of the batch (the pipeline must end in a fixed-size crop). */
export class ViewShapeError extends SampleError {
  override name = 'ViewShapeError';
}

function describe(actual: unknown): string {
  if (typeof actual === 'string') return JSON.stringify(actual);
  if (typeof actual === 'number' || typeof actual === 'boolean' || typeof actual === 'bigint') return String(actual);
  if (actual === null) return 'null';
  if (actual === undefined) return 'undefined';
  if (Array.isArray(actual)) return `[${actual.map(describe).join(', ')}]`;
  if (typeof actual === 'function') return actual.name ? `function ${actual.name}` : 'function';
  return Object.prototype.toString.call(actual);
}

/** `Expected <expected> for <name> but received <actual> of type <typeof>`, sharp-style. */
export function invalidOption(expected: string, name: string, actual: unknown): StreamOptionError {
  return new StreamOptionError(`Expected ${expected} for ${name} but received ${describe(actual)} of type ${typeof actual}`);
}

export function sampleFailed(key: string, url: string, reason: string, cause?: unknown): SampleError {
  return new SampleError(
    `Sample ${key} from ${url} failed to decode or augment: ${reason}; ` +
      "pass errors: 'skip-sample' to skip such samples and count them in stats.skipped.samples",
    key,
    url,
    { cause },
  );
}

export function sampleCrashed(key: string, url: string, reason: string): SampleError {
  return new SampleError(
    `Processing sample ${key} from ${url} failed with an unexpected error (a bug, not a data error, so it is not skipped): ${reason}`,
    key,
    url,
  );
}

export function noImage(key: string, url: string, parts: readonly string[]): SampleError {
  return new SampleError(
    `Sample ${key} from ${url} has no image part (jpg, jpeg, png or webp); it has ${parts.length ? parts.join(', ') : 'no parts'}`,
    key,
    url,
  );
}

export function workerCrashed(key: string, url: string, cause: unknown): WorkerCrashError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new WorkerCrashError(
    `A worker thread died twice while processing sample ${key} from ${url} (${reason}); ` +
      'the sample may crash the decoder or exhaust the worker memory limit',
    key,
    url,
    { cause },
  );
}

export function viewShape(
  key: string,
  url: string,
  actual: { width: number; height: number; channels: number },
  expected: { width: number; height: number; channels: number },
): ViewShapeError {
  return new ViewShapeError(
    `Sample ${key} from ${url} produced ${actual.width}x${actual.height}x${actual.channels} views but the batch is ` +
      `${expected.width}x${expected.height}x${expected.channels}: end the pipeline in a fixed-size crop or resize`,
    key,
    url,
  );
}

/** The reason an aborted run rejects with: the signal's own reason, like fetch and timers/promises do. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

export function iteratedTwice(): StreamError {
  return new StreamError('A view stream can be iterated once; call viewStream() again (with the next epoch) for another pass');
}
