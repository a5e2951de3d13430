// Shared by the module tests: the message of the MathLensError that `f` throws.
import { expect } from 'vitest';
import { MathLensError } from 'mathlens';

/** Runs f and returns the message of the MathLensError it throws ('(no error)' when it returns). */
export function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MathLensError);
    return (e as Error).message;
  }
  return '(no error)';
}
