// Tiny predicates plus eager option checks that throw `invalidOption` naming the option path.
import { invalidOption } from './errors.js';

export const integer = (value: unknown): value is number => Number.isInteger(value);
export const bool = (value: unknown): value is boolean => typeof value === 'boolean';
export const string = (value: unknown): value is string => typeof value === 'string';
export const object = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks an integer in [min, max] and returns it, or the fallback when undefined (no fallback: required). */
export function intOption(value: unknown, name: string, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (!integer(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `between ${min} and ${max}`;
    throw invalidOption(`an integer ${range}`, name, value);
  }
  return value;
}

export function boolOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (!bool(value)) throw invalidOption('a boolean', name, value);
  return value;
}

export function enumOption<T extends string | number>(value: unknown, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly unknown[]).includes(value)) {
    throw invalidOption(`one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, name, value);
  }
  return value as T;
}
