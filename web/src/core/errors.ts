/**
 * The one error type of mathlens. Its message names the function and the argument, e.g.
 * `gaussian.kl: cov of q is not positive definite (Cholesky failed)` — the same text the C++ core
 * throws as `mathlens::Error`. After a MathLensError the module keeps working.
 */
export class MathLensError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MathLensError';
  }
}

/** Rethrows an Error returned (not thrown) by a binding as a MathLensError. */
export function unwrap<T>(result: T | Error): T {
  if (result instanceof Error) throw new MathLensError(result.message);
  return result;
}
