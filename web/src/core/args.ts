/**
 * Argument checks shared by every module, so that a wrong value reads the same everywhere:
 * `<module>.<fn>: <name> must be …, got <value>` and `<module>.<fn>: unknown option "x" (expected
 * one of a, b, c)`.
 * @module
 */
import { MathLensError } from './errors.js';

/**
 * A short, safe rendering of a wrong value for a message: strings quoted (cut at 40 characters),
 * numbers, booleans, BigInts, null and undefined as written, anything else by its kind. Never calls
 * the value's own `toString` or getters.
 */
export function describe(x: unknown): string {
  switch (typeof x) {
    case 'string':
      return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(x);
    case 'bigint':
      return `${x}n`;
    case 'symbol':
      return 'a Symbol';
    case 'function':
      return 'a function';
    default:
      if (x === null) return 'null';
      if (Array.isArray(x)) return 'an array';
      if (ArrayBuffer.isView(x)) return 'a typed array';
      return 'an object';
  }
}

/**
 * An options object: `undefined` gives `{}`; anything but a plain object (a primitive, null, an
 * array, a typed array, a Date or class instance) and any key not in `allowed` is a MathLensError
 * (a misspelt option is an error, not silently ignored). `name` is how messages call the object
 * (`options`, `scaling`, …).
 */
export function optionsArg<T extends object = Record<string, unknown>>(
  options: unknown,
  fn: string,
  allowed: readonly string[],
  name = 'options',
): Partial<T> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options) || ArrayBuffer.isView(options))
    throw new MathLensError(`${fn}: ${name} must be an object, got ${describe(options)}`);
  const proto: unknown = Object.getPrototypeOf(options);
  if (proto !== null && Object.getPrototypeOf(proto) !== null)
    throw new MathLensError(`${fn}: ${name} must be a plain object, got an instance of a class`);
  for (const key of Object.keys(options))
    if (!allowed.includes(key))
      throw new MathLensError(
        `${fn}: unknown option ${JSON.stringify(key)}${name === 'options' ? '' : ` in ${name}`} (expected one of ${allowed.join(', ')})`,
      );
  return options as Partial<T>;
}

/**
 * An integer from `min` to `max` (`range` words the interval in the message), or `fallback` when
 * `x` is undefined; without a fallback the argument is required.
 */
export function integerArg(
  x: unknown,
  fallback: number | undefined,
  fn: string,
  name: string,
  min: number,
  max: number,
  range = `from ${min} to ${max}`,
): number {
  if (x === undefined && fallback !== undefined) return fallback;
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max)
    throw new MathLensError(`${fn}: ${name} must be an integer ${range}, got ${describe(x)}`);
  return x;
}

/** true or false, or `fallback` when `x` is undefined. */
export function booleanArg(x: unknown, fallback: boolean, fn: string, name: string): boolean {
  if (x === undefined) return fallback;
  if (typeof x !== 'boolean') throw new MathLensError(`${fn}: ${name} must be true or false, got ${describe(x)}`);
  return x;
}
