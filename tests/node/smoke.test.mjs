// The built package (dist/) as a Node 20 ESM user imports it: `import { init } from 'mathlens'`
// resolves through package.json "exports" (the "node" condition), with no bundler and no options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, MathLensError } from 'mathlens';

const p = { mean: [1, 2], cov: [[2, 0.5], [0.5, 1]] };
const q = { mean: [0, 0], cov: [[1, 0], [0, 3]] };

test('the package resolves to the Node entry and computes', async () => {
  assert.match(import.meta.resolve('mathlens'), /\/dist\/node\.js$/);
  const ml = await init();
  assert.ok(Math.abs(ml.gaussian.kl(p, q) - 1.6028315836996772) < 1e-14);
  assert.equal(await init(), ml, 'init() is memoised');
});

test('errors arrive as MathLensError with the core message', async () => {
  const ml = await init();
  assert.throws(
    () => ml.gaussian.kl(p, { mean: [0, 0], cov: [[1, 2], [2, 1]] }),
    (e) => e instanceof MathLensError && e.message === 'gaussian.kl: cov of q is not positive definite (Cholesky failed)',
  );
  assert.ok(Math.abs(ml.gaussian.wasserstein2Squared(p, q) - 5.808852870442883) < 1e-13);
});
