// Tiny predicates plus eager option checks that throw `invalidOption` naming the option path.
import { invalidOption } from './errors.js';

export const defined = <T>(value: T | undefined): value is T => value !== undefined;
export const number = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
export const integer = (value: unknown): value is number => Number.isInteger(value);
export const bool = (value: unknown): value is boolean => typeof value === 'boolean';
export const object = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks an optional integer in [min, max] and returns it, or the fallback when undefined. */
export function intOption(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!integer(value) || value < min || value > max) {
    throw invalidOption(`an integer between ${min} and ${max}`, name, value);
  }
  return value;
}

/** Checks an optional finite number in the open/closed range and returns it, or the fallback when undefined. */
export function numberOption(
  value: unknown,
  name: string,
  range: { min?: number; max?: number; exclusiveMin?: boolean },
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const { min = -Infinity, max = Infinity, exclusiveMin = false } = range;
  if (!number(value) || (exclusiveMin ? value <= min : value < min) || value > max) {
    const low = min === -Infinity ? '' : `${exclusiveMin ? 'greater than' : 'at least'} ${min}`;
    const high = max === Infinity ? '' : `at most ${max}`;
    throw invalidOption(`a number ${[low, high].filter(Boolean).join(' and ')}`.trim(), name, value);
  }
  return value;
}

export function boolOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (!bool(value)) throw invalidOption('a boolean', name, value);
  return value;
}

export function enumOption<T extends string>(value: unknown, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidOption(`one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, name, value);
  }
  return value as T;
}

export function objectOption(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (!object(value)) throw invalidOption('an object', name, value);
  return value;
}
