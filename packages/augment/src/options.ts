// Shared option checks; each throws the sharp-style error naming the option.

import { invalidOption } from './errors.js';
import * as is from './is.js';

/** A probability in [0, 1], or `fallback` when undefined. */
export function probability(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!is.inRange(value, 0, 1)) throw invalidOption(name, 'number between 0 and 1', value);
  return value;
}

/** A size: a positive integer (square) or [height, width] of positive integers, returned as [height, width]. */
export function size(value: unknown, name: string): [number, number] {
  if (is.integer(value) && value > 0) return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => is.integer(v) && v > 0)) return [value[0], value[1]];
  throw invalidOption(name, 'positive integer or [height, width] of positive integers', value);
}

/** An ordered pair [lo, hi] within [min, max], or `fallback` when undefined. */
export function pair(value: unknown, name: string, min: number, max: number, fallback: [number, number]): [number, number] {
  if (value === undefined) return fallback;
  if (!is.range(value, min, max)) throw invalidOption(name, `[lo, hi] with ${min} <= lo <= hi <= ${max}`, value);
  return [value[0], value[1]];
}

/** One of the allowed strings, or `fallback` when undefined. */
export function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidOption(name, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  }
  return value as T;
}

/** An options object (undefined becomes {}). */
export function bag(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (!is.object(value)) throw invalidOption(name, 'object', value);
  return value;
}

/** Reject keys a transform does not know, so a typo is an error instead of a silent default. */
export function known(options: Record<string, unknown>, name: string, keys: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!keys.includes(key)) throw invalidOption(`${name}.${key}`, `one of the options ${keys.join(', ')}`, key);
  }
}
export { invalidOption as invalid } from './errors.js';

/** An ordered pair [lo, hi] with 0 < lo <= hi, or `fallback` when undefined. */
export function positivePair(value: unknown, name: string, fallback: [number, number]): [number, number] {
  if (value === undefined) return fallback;
  if (!is.range(value, Number.MIN_VALUE, Number.MAX_VALUE)) throw invalidOption(name, '[lo, hi] with 0 < lo <= hi', value);
  return [value[0], value[1]];
}
