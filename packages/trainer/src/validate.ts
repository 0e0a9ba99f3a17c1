import { invalidOption } from './errors.js';

// The one predicate module: tiny checks, each throwing the sharp-style option error.

export function defined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

/** Throws unless `value` is a finite number in [min, max]. */
export function assertNumber(path: string, value: unknown, min = -Infinity, max = Infinity): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range =
      min === -Infinity && max === Infinity
        ? 'a finite number'
        : max === Infinity
          ? `a number >= ${min}`
          : `a number between ${min} and ${max}`;
    throw invalidOption(path, range, value);
  }
}

/** Throws unless `value` is a finite number strictly greater than zero. */
export function assertPositive(path: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidOption(path, 'a positive number', value);
  }
}

/** Throws unless `value` is an integer in [min, max]. */
export function assertInteger(path: string, value: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidOption(path, max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer between ${min} and ${max}`, value);
  }
}

/** Throws unless `value` is one of `choices`. */
export function assertOneOf<T>(path: string, value: unknown, choices: readonly T[]): asserts value is T {
  if (!choices.includes(value as T)) {
    throw invalidOption(path, `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`, value);
  }
}

/** Throws unless `value` is a function. */
export function assertFunction(path: string, value: unknown): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') throw invalidOption(path, 'a function', value);
}
