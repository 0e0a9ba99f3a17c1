// Tiny predicates for eager option validation (sharp's `is` module, trimmed to what this package needs).

/** True for a finite number. */
export const number = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** True for a safe integer. */
export const integer = (value: unknown): value is number => Number.isSafeInteger(value);

/** True when `value` is a number within [min, max]. */
export const inRange = (value: unknown, min: number, max: number): value is number =>
  number(value) && value >= min && value <= max;

/** True for a plain object (not null, not an array). */
export const object = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** True for an ordered pair of finite numbers [lo, hi] with lo <= hi, both within [min, max]. */
export const range = (value: unknown, min: number, max: number): value is [number, number] =>
  Array.isArray(value) && value.length === 2 && inRange(value[0], min, max) && inRange(value[1], min, max) &&
  value[0] <= value[1];
