// Tiny predicates plus eager option checks that throw `invalidOption` naming the option path.
import { invalidOption } from './errors.js';

export const defined = <T>(value: T | undefined): value is T => value !== undefined;
export const integer = (value: unknown): value is number => Number.isSafeInteger(value);
export const string = (value: unknown): value is string => typeof value === 'string';
export const fn = (value: unknown): value is (...args: never[]) => unknown => typeof value === 'function';

/** Checks an optional integer in [min, max] and returns it, or the fallback when undefined. */
export function intOption(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!integer(value) || value < min || value > max) {
    const unbounded = max === Number.MAX_SAFE_INTEGER;
    const range = unbounded && min === -max ? '' : unbounded ? ` at least ${min}` : ` between ${min} and ${max}`;
    throw invalidOption(`an integer${range}`, name, value);
  }
  return value;
}

export function boolOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalidOption('a boolean', name, value);
  return value;
}

export function enumOption<T extends string>(value: unknown, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!string(value) || !(allowed as readonly string[]).includes(value)) {
    throw invalidOption(`one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, name, value);
  }
  return value as T;
}

export function stringOption(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (!string(value) || value.length === 0) throw invalidOption('a non-empty string', name, value);
  return value;
}

/** Reads an integer from an environment variable, naming it (`env.RANK`) when it does not parse. */
export function envInt(name: string, min: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!integer(value) || value < min) throw invalidOption(`an integer at least ${min}`, `env.${name}`, raw);
  return value;
}
