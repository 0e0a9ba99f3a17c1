// Every error class and message of @twinflow/trainer comes from this module.

/** Base class of every error the trainer throws. */
export class TrainerError extends Error {
  override name = 'TrainerError';
}

/** An option failed eager validation; `path` names it, e.g. `options.batchSize`. */
export class OptionError extends TrainerError {
  override name = 'OptionError';
  constructor(readonly path: string, message: string) {
    super(message);
  }
}

/** sharp-style option error: `Expected <expected> for <name> but received <actual> of type <typeof>`. */
export function invalidOption(path: string, expected: string, actual: unknown): OptionError {
  return new OptionError(
    path,
    `Expected ${expected} for ${path} but received ${describe(actual)} of type ${typeof actual}`,
  );
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'function';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The MoCo queue length is not a multiple of the batch size, so the FIFO would wrap mid-batch. */
export class QueueSizeError extends TrainerError {
  override name = 'QueueSizeError';
  constructor(readonly queueSize: number, readonly batchSize: number) {
    super(
      `MoCo queue size ${queueSize} is not a multiple of the batch size ${batchSize}; ` +
        `choose options.queueSize as a multiple of the batch size (e.g. ${Math.max(1, Math.round(queueSize / batchSize)) * batchSize})`,
    );
  }
}

/** A batch does not fit the method: wrong number of views, mismatched shapes, or an unbuilt method. */
export class BatchError extends TrainerError {
  override name = 'BatchError';
}

/** A method was used out of order (step before build) or given models that do not fit together. */
export class MethodError extends TrainerError {
  override name = 'MethodError';
}

/** The loss became NaN or Inf; the run stopped without overwriting the last good checkpoint. */
export class NonFiniteLossError extends TrainerError {
  override name = 'NonFiniteLossError';
  constructor(readonly step: number, readonly loss: number, readonly checkpoint: string | undefined) {
    super(
      `Loss became ${loss} at step ${step}; the run stopped. ` +
        (checkpoint === undefined
          ? 'No checkpoint had been written yet. '
          : `The last good checkpoint is ${checkpoint}. `) +
        'Lower the learning rate or check the input data.',
    );
  }
}

/** A checkpoint is missing, incomplete or does not fit the method being restored. */
export class CheckpointError extends TrainerError {
  override name = 'CheckpointError';
  constructor(readonly path: string, message: string) {
    super(`${message} (${path})`);
  }
}

/** The backend that was asked for by name could not be loaded. */
export class BackendUnavailableError extends TrainerError {
  override name = 'BackendUnavailableError';
  constructor(readonly backend: string, readonly reason: string) {
    super(`Backend ${backend} was requested but is not available: ${reason}`);
  }
}

/** A native wasm kernel (packages/trainer/native) trapped on one of its threads. */
export class NativeKernelError extends TrainerError {
  override name = 'NativeKernelError';
  constructor(readonly kernel: string, readonly thread: number, reason: string) {
    super(`Native kernel ${kernel} failed on thread ${thread}: ${reason}`);
  }
}
