// Every error class and message of @twinflow/eval comes from this module, so the wording lives in one place.

/** Base class: `instanceof EvalError` catches every error this package throws on purpose. */
export class EvalError extends Error {
  override name = 'EvalError';
}

/** An option had the wrong type or range; the message names the option path (`options.k`). */
export class EvalOptionError extends EvalError {
  override name = 'EvalOptionError';
}

/** A checkpoint's weights do not fit the encoder (another architecture or input shape). */
export class ArchitectureMismatchError extends EvalError {
  override name = 'ArchitectureMismatchError';
}

/** A sample that must carry a class label (`.cls`) did not. */
export class MissingLabelError extends EvalError {
  override name = 'MissingLabelError';
}

/** Train and test splits, or a split and a trained probe, disagree on the classes. */
export class ClassCountMismatchError extends EvalError {
  override name = 'ClassCountMismatchError';
}

/** Feature matrices or batches whose shapes do not fit together. */
export class ShapeMismatchError extends EvalError {
  override name = 'ShapeMismatchError';
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
export function invalidOption(expected: string, name: string, actual: unknown): EvalOptionError {
  return new EvalOptionError(`Expected ${expected} for ${name} but received ${describe(actual)} of type ${typeof actual}`);
}

export function architectureMismatch(weight: string, expected: readonly number[], actual: readonly number[]): ArchitectureMismatchError {
  return new ArchitectureMismatchError(
    `Checkpoint weight ${weight} has shape [${actual.join(', ')}] but the encoder expects [${expected.join(', ')}]: ` +
      'the checkpoint was trained with another architecture or input shape; pass the arch and input shape it was trained with',
  );
}

export function missingWeights(names: readonly string[]): ArchitectureMismatchError {
  const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? `, ... (${names.length} in all)` : '');
  return new ArchitectureMismatchError(
    `Checkpoint has no weights for ${shown}: it was trained with another architecture; pass the arch it was trained with`,
  );
}

export function unexpectedWeights(names: readonly string[]): ArchitectureMismatchError {
  const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? `, ... (${names.length} in all)` : '');
  return new ArchitectureMismatchError(
    `Checkpoint holds weights the encoder does not have: ${shown}; it was trained with another architecture`,
  );
}

export function missingLabel(split: string, where: string): MissingLabelError {
  return new MissingLabelError(
    `${split} sample ${where} has no class label: linear probe and k-NN need labelled shards (a .cls part per sample)`,
  );
}

export function classCountMismatch(message: string): ClassCountMismatchError {
  return new ClassCountMismatchError(message);
}

export function shapeMismatch(message: string): ShapeMismatchError {
  return new ShapeMismatchError(message);
}
